import { BOT } from '../src/domain/actors.js'
import type { LiveConversation } from '../src/domain/conversation.js'
import { maskName } from '../src/domain/mask.js'
import { overdueStep } from '../src/domain/sla.js'
import type { TimerContext, TimerHandler } from '../src/kernel/composer.js'
import type { Context } from '../src/kernel/context.js'
import type { FireResult } from '../src/state/port.js'
import { announceAssignments, armStep, deliverPending, lastMessage, sayToCustomer } from './delivery.js'

type Fired = Extract<FireResult, { status: 'fired' }>

/** How soon to look again at a timer that waits for a staff message still being handled. */
export const IN_FLIGHT_RECHECK_MS = 100

/**
 * The escalation ladder. Each step of a waiting period fires once: the live state takes the step
 * atomically, and only if the conversation is still waiting at the version the timer was set for.
 */
export const onReplyTimer: TimerHandler<'reply'> = async (ctx) => {
  const { timer } = ctx.update
  const { sla } = ctx.settings
  const rung = sla.ladder[timer.step]
  if (!rung) {
    ctx.log.warn(
      { conversation: timer.conversationId, step: timer.step },
      'timer for a step the ladder does not have',
    )
    return
  }
  const result = await ctx.io.state.fireStep({
    conversationId: timer.conversationId,
    version: timer.version,
    step: timer.step,
    reassign: rung.reassign,
    countsAsOverdue: timer.step === overdueStep(sla),
    at: ctx.now,
  })
  switch (result.status) {
    case 'gone':
    case 'stale':
      return
    case 'wait':
      return { retryInMs: IN_FLIGHT_RECHECK_MS }
    case 'early':
      return { retryInMs: Math.max(10, result.dueAt - ctx.now) }
    case 'fired':
      await escalate(ctx, result)
      return
  }
}

async function escalate(ctx: TimerContext<'reply'>, fired: Fired): Promise<void> {
  const { step } = ctx.update.timer
  const rung = ctx.settings.sla.ladder[step]
  if (!rung) return
  const { conversation, agentId, reassignedTo } = fired
  const { staff, text } = ctx.services
  // From the outcome, not the snapshot: a step replayed after a crash may find the customer answered.
  const waitedMs = ctx.now - fired.waitingSince
  const outcome = reassignedTo
    ? ctx.t('supervisor.outcomeReassigned', { to: staff.nameOf(reassignedTo) })
    : rung.reassign
      ? ctx.t('supervisor.outcomeNoOneFree')
      : agentId
        ? ctx.t('supervisor.outcomeWaiting')
        : ctx.t('supervisor.outcomeQueued')
  const notified = alert(ctx, conversation, { step, agentId, waitedMs, outcome })
  if (rung.notify.includes('agent') && agentId) {
    ctx.send(
      'warn',
      agentId,
      ctx.t('agent.warning', { code: conversation.code, waited: text.duration(waitedMs) }),
    )
    notified.push(agentId)
  }
  if (rung.tellCustomer) sayToCustomer(ctx, 'overdue', conversation, ctx.t('customer.overdue'))
  record(ctx, conversation, { step, version: fired.version, agentId, waitedMs, notified })
  if (reassignedTo) await reassigned(ctx, conversation, agentId, reassignedTo, waitedMs)
  await announceAssignments(ctx, fired.assigned)
  await armStep(ctx, conversation, step + 1)
  ctx.touch(conversation, ...fired.assigned.map((assignment) => assignment.conversation))
}

/**
 * Steps an answer missed although it was handled before their timers fired (after an outage, or
 * behind a backlog): the breach is alerted and recorded all the same, marked late. The customer
 * has their answer, so they are not told, and nothing is reassigned.
 */
export function recordLateSteps(
  ctx: Context,
  conversation: LiveConversation,
  late: { agentId: string | undefined; version: number; waitedMs: number; steps: number[] },
): void {
  for (const step of late.steps) {
    const { agentId, waitedMs } = late
    const outcome = ctx.t('supervisor.outcomeAnsweredLate')
    const notified = alert(ctx, conversation, { step, agentId, waitedMs, outcome })
    record(ctx, conversation, { step, version: late.version, agentId, waitedMs, notified, late: true })
  }
}

/** The supervisors' (or managers') alert for one step; returns who was alerted. */
function alert(
  ctx: Context,
  conversation: LiveConversation,
  about: { step: number; agentId: string | undefined; waitedMs: number; outcome: string },
): string[] {
  const rung = ctx.settings.sla.ladder[about.step]
  if (!rung) return []
  const vars = {
    level: about.step + 1,
    code: conversation.code,
    customer: maskName(conversation.customerName),
    agent: about.agentId ? ctx.services.staff.nameOf(about.agentId) : ctx.t('staff.nobody'),
    waited: ctx.services.text.duration(about.waitedMs),
    last: lastMessage(ctx, conversation),
    outcome: about.outcome,
  }
  const text = ctx.t('supervisor.alert', vars)
  const line = ctx.t('supervisor.digestLine', vars)
  const recipients = alertRecipients(ctx, rung.notify)
  for (const recipient of recipients) ctx.alert(`alert${about.step}`, recipient, { text, line })
  return recipients
}

/** The transcript's record of a step: `escalated` always, `overdue` for the step that counts. */
function record(
  ctx: Context,
  conversation: LiveConversation,
  step: {
    step: number
    version: number
    agentId: string | undefined
    waitedMs: number
    notified: string[]
    late?: boolean
  },
): void {
  const { agentId = '', waitedMs } = step
  ctx.event(conversation, 'escalated', BOT, {
    level: step.step + 1,
    version: step.version,
    agentId,
    waitedMs,
    notified: step.notified,
    ...(step.late ? { late: true } : {}),
  })
  if (step.step === overdueStep(ctx.settings.sla))
    ctx.event(conversation, 'overdue', BOT, { agentId, waitedMs })
}

async function reassigned(
  ctx: TimerContext<'reply'>,
  conversation: LiveConversation,
  from: string | undefined,
  to: string,
  waitedMs: number,
): Promise<void> {
  const { staff, text } = ctx.services
  ctx.send(
    'moved-in',
    to,
    ctx.t('agent.reassignedIn', {
      code: conversation.code,
      waited: text.duration(waitedMs),
      from: from ? staff.nameOf(from) : ctx.t('staff.nobody'),
      name: conversation.customerName,
      last: lastMessage(ctx, conversation),
    }),
  )
  await deliverPending(ctx, conversation, to)
  if (from)
    ctx.send(
      'moved-out',
      from,
      ctx.t('agent.reassignedOut', { code: conversation.code, to: staff.nameOf(to) }),
    )
  ctx.event(conversation, 'reassigned', BOT, { agentId: to, ...(from ? { from } : {}), waitedMs })
}

/** Supervisors, or managers; a team without managers alerts its supervisors instead. */
export function alertRecipients(ctx: Context, notify: readonly string[]): string[] {
  const { staff } = ctx.services
  const ids = new Set<string>()
  const supervisors = staff.withRole('supervisor').map((member) => member.id)
  const managers = staff.withRole('manager').map((member) => member.id)
  if (notify.includes('supervisors')) for (const id of supervisors) ids.add(id)
  if (notify.includes('managers')) for (const id of managers.length ? managers : supervisors) ids.add(id)
  return [...ids]
}
