import { BOT } from '../src/domain/actors.js'
import type { Context } from '../src/kernel/context.js'
import type { UpdateOf } from '../src/kernel/updates.js'
import { announceAssignments, armStep, deliverPending } from './delivery.js'
import { scheduleDays } from './follow-up.js'
import { rearmGroupWaits } from './groups/ladder.js'
import { scheduleShiftEnd } from './handover.js'

type Recovery = Context<UpdateOf<'recovery'>>

/**
 * Start-up reconciliation (invariant 4). Timers are BullMQ jobs that survive restarts, but a crash
 * between a state change and its follow-up can leave work undone: re-arm every waiting
 * conversation's timer (an overdue one fires at once), re-deliver messages an agent has not been
 * handed, and give queued conversations to agents with room. Everything here is idempotent. It also
 * runs when the staff list changes, to take anyone no longer on it off duty.
 */
export async function recover(ctx: Recovery): Promise<void> {
  const { state } = ctx.io
  await retireFormerAgents(ctx)
  const open = await state.openConversations()
  const agents = await state.loads(ctx.services.staff.withRole('agent').map((agent) => agent.id))
  // Messages for an away agent wait for their return (or their away time running out).
  const away = new Set(agents.filter((load) => load.away).map((load) => load.agentId))
  let timers = 0
  for (const conversation of open) {
    if (conversation.waitingSince && conversation.ladderStep < ctx.settings.sla.ladder.length) {
      await armStep(ctx, conversation, conversation.ladderStep)
      timers++
    }
    if (conversation.agentId && !away.has(conversation.agentId)) {
      await deliverPending(ctx, conversation, conversation.agentId)
    }
  }
  const groupTimers = await rearmGroupWaits(ctx)
  await rearmDigests(ctx)
  await scheduleDays(ctx, true)
  await scheduleShiftEnd(ctx)
  const assigned = await state.drainQueue()
  await announceAssignments(ctx, assigned)
  ctx.touch(...assigned.map((assignment) => assignment.conversation))
  ctx.log.info({ open: open.length, timers, groupTimers, assigned: assigned.length }, 'open work reconciled')
}

/**
 * Someone on duty who is no longer an agent (removed from the staff list) goes off duty at once;
 * their open conversations return to the queue, in their old places, and on to colleagues.
 */
async function retireFormerAgents(ctx: Recovery): Promise<void> {
  const { state } = ctx.io
  for (const agentId of await state.onDuty()) {
    if (ctx.services.staff.get(agentId)?.roles.includes('agent')) continue
    const result = await state.goOffDuty({ agentId, force: true })
    if (result.status === 'refused') continue
    for (const conversation of result.requeued) {
      ctx.event(conversation, 'queued', BOT, { reason: 'agent-removed', from: agentId })
    }
    await announceAssignments(ctx, result.assigned)
    ctx.touch(...result.requeued, ...result.assigned.map((assignment) => assignment.conversation))
    ctx.log.warn(
      { agent: agentId, requeued: result.requeued.length },
      'agent no longer on the staff list; off duty',
    )
  }
}

/** A digest whose timer a crash may have lost goes out now. */
async function rearmDigests(ctx: Recovery): Promise<void> {
  const { state, timers } = ctx.io
  const { staff } = ctx.services
  for (const member of [...staff.withRole('supervisor'), ...staff.withRole('manager')]) {
    const flush = await state.pendingDigest(member.id)
    if (flush) await timers.arm({ kind: 'digest', recipient: member.id, flush }, ctx.now)
  }
}
