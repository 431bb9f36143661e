import { BOT } from '../../src/domain/actors.js'
import type { LiveGroupWait, LiveRoom } from '../../src/domain/groups.js'
import { maskName, preview } from '../../src/domain/mask.js'
import { overdueStep } from '../../src/domain/sla.js'
import type { TimerHandler } from '../../src/kernel/composer.js'
import type { Context } from '../../src/kernel/context.js'
import { alertRecipients, IN_FLIGHT_RECHECK_MS } from '../escalation.js'
import { agentsLabel, groupPolicy, overdueAgentId, responsibleAgents, roomFields, threadOf } from './room.js'

/**
 * The group ladder: for each customer waiting in a watched room, each step once per waiting
 * period — the room's agents get a private note at the first, supervisors and managers alerts
 * (digested) at the later ones. The live state takes the step atomically, and only if the customer
 * is still waiting in the period the timer was set for.
 */
export const onGroupReplyTimer: TimerHandler<'group-reply'> = async (ctx) => {
  const { timer } = ctx.update
  if (!ctx.settings.groups.ladder[timer.step]) {
    ctx.log.warn({ room: timer.roomId, step: timer.step }, 'group timer for a step the ladder does not have')
    return
  }
  const result = await ctx.io.state.fireGroupStep({
    ...timer,
    countsAsOverdue: timer.step === overdueStep(groupPolicy(ctx)),
    at: ctx.now,
  })
  switch (result.status) {
    case 'stale':
      return
    case 'wait':
      return { retryInMs: IN_FLIGHT_RECHECK_MS }
    case 'early':
      return { retryInMs: Math.max(10, result.dueAt - ctx.now) }
    case 'fired': {
      const { room, wait } = result
      const waitedMs = ctx.now - wait.since
      const notified = alertStep(ctx, room, wait, timer.step, waitedMs, ctx.t('group.outcomeWaiting'))
      if (ctx.settings.groups.ladder[timer.step]?.notify.includes('agents')) {
        const note = ctx.t('group.agentNote', noteVars(ctx, room, wait, waitedMs))
        for (const agent of await responsibleAgents(ctx, room)) {
          ctx.send('group-note', agent.id, note)
          notified.push(agent.id)
        }
      }
      recordStep(ctx, room, wait, { step: timer.step, waitedMs, notified })
      recordOverdue(ctx, room, wait, result.overdueMessages)
      await armGroupStep(ctx, room, wait, timer.step + 1)
      return
    }
  }
}

/** Arms a step of a customer's waiting period, if the ladder has it. */
export async function armGroupStep(
  ctx: Context,
  room: LiveRoom,
  wait: LiveGroupWait,
  step: number,
): Promise<void> {
  const dueAt = wait.deadlines[step]
  if (dueAt === undefined || !ctx.settings.groups.ladder[step]) return
  await ctx.io.timers.arm(
    { kind: 'group-reply', roomId: room.id, customerId: wait.customerId, version: wait.version, step },
    dueAt,
  )
}

/** Supervisors' or managers' alert for one step (masked); returns who was alerted. */
export function alertStep(
  ctx: Context,
  room: LiveRoom,
  wait: Pick<LiveGroupWait, 'customerId' | 'customerName' | 'count' | 'lastText'>,
  step: number,
  waitedMs: number,
  outcome: string,
): string[] {
  const rung = ctx.settings.groups.ladder[step]
  if (!rung) return []
  const vars = {
    level: step + 1,
    code: room.code,
    topic: room.topic,
    customer: maskName(wait.customerName),
    count: wait.count,
    agents: agentsLabel(ctx, room),
    waited: ctx.services.text.duration(waitedMs),
    last: preview(wait.lastText),
    outcome,
  }
  const text = ctx.t('group.alert', vars)
  const line = ctx.t('group.digestLine', vars)
  const recipients = alertRecipients(ctx, rung.notify)
  // One alert per customer and step: the cause (the timer, or the answer) tells them apart.
  for (const recipient of recipients)
    ctx.alert(`group-alert${step}-${wait.customerId}`, recipient, { text, line })
  return recipients
}

export function recordStep(
  ctx: Context,
  room: LiveRoom,
  wait: Pick<LiveGroupWait, 'customerId' | 'customerName' | 'version'>,
  step: { step: number; waitedMs: number; notified: string[]; late?: boolean },
): void {
  ctx.event(threadOf(room), 'group-escalated', BOT, {
    ...roomFields(room),
    customerId: wait.customerId,
    customerName: wait.customerName,
    version: wait.version,
    level: step.step + 1,
    waitedMs: step.waitedMs,
    notified: step.notified,
    ...(step.late ? { late: true } : {}),
  })
}

/** Messages that went past the timeout unanswered: the tally's −50 each (`tally.groupOverdue`). */
export function recordOverdue(
  ctx: Context,
  room: LiveRoom,
  wait: Pick<LiveGroupWait, 'customerId' | 'customerName'>,
  messages: number,
): void {
  if (messages <= 0) return
  ctx.event(threadOf(room), 'group-overdue', BOT, {
    ...roomFields(room),
    customerId: wait.customerId,
    customerName: wait.customerName,
    agentId: overdueAgentId(ctx, room),
    messages,
  })
}

function noteVars(ctx: Context, room: LiveRoom, wait: LiveGroupWait, waitedMs: number) {
  return {
    code: room.code,
    topic: room.topic,
    customer: wait.customerName,
    waited: ctx.services.text.duration(waitedMs),
    last: wait.lastText,
  }
}

/** Start-up: every customer still waiting in a room gets the timer of their next step again. */
export async function rearmGroupWaits(ctx: Context): Promise<number> {
  const { state } = ctx.io
  let armed = 0
  for (const roomId of await state.roomsWaiting()) {
    const room = await state.room(roomId)
    if (!room) continue
    for (const wait of await state.groupWaits(roomId)) {
      if (wait.ladderStep >= ctx.settings.groups.ladder.length) continue
      await armGroupStep(ctx, room, wait, wait.ladderStep)
      armed++
    }
  }
  return armed
}
