import type { Dispatcher } from '../src/dispatcher.js'
import { BOT, type Context, type UpdateOf } from './context.js'
import { announceAssignments, armStep, deliverPending } from './delivery.js'
import { scheduleDays } from './follow-up.js'
import { scheduleShiftEnd } from './handover.js'

/**
 * Start-up reconciliation (invariant 4). Timers are BullMQ jobs that survive restarts, but a crash
 * between a state change and its follow-up can leave work undone: re-arm every waiting
 * conversation's timer (an overdue one fires at once), re-deliver messages an agent has not been
 * handed, and give queued conversations to agents with room. Everything here is idempotent. It also
 * runs when the staff list changes, to take anyone no longer on it off duty.
 */
export function recoveryHandlers(dispatcher: Dispatcher): void {
  dispatcher.on('recovery', recover)
}

async function recover(ctx: Context<UpdateOf<'recovery'>>): Promise<void> {
  await retireFormerAgents(ctx)
  const open = await ctx.ports.state.openConversations()
  const agents = await ctx.ports.state.loads(ctx.ports.staff.withRole('agent').map((agent) => agent.id))
  // Messages for an away agent wait for their return (or their away time running out).
  const away = new Set(agents.filter((load) => load.away).map((load) => load.agentId))
  let timers = 0
  for (const conversation of open) {
    if (conversation.waitingSince && conversation.ladderStep < ctx.ports.sla.ladder.length) {
      await armStep(ctx, conversation, conversation.ladderStep)
      timers++
    }
    if (conversation.agentId && !away.has(conversation.agentId)) {
      await deliverPending(ctx, conversation, conversation.agentId)
    }
  }
  await rearmDigests(ctx)
  await scheduleDays(ctx, true)
  await scheduleShiftEnd(ctx)
  const assigned = await ctx.ports.state.drainQueue()
  await announceAssignments(ctx, assigned)
  ctx.touch(...assigned.map((assignment) => assignment.conversation))
  ctx.log.info({ open: open.length, timers, assigned: assigned.length }, 'open work reconciled')
}

/**
 * Someone on duty who is no longer an agent (removed from the staff list) goes off duty at once;
 * their open conversations return to the queue, in their old places, and on to colleagues.
 */
async function retireFormerAgents(ctx: Context<UpdateOf<'recovery'>>): Promise<void> {
  const { state, staff } = ctx.ports
  for (const agentId of await state.onDuty()) {
    if (staff.get(agentId)?.roles.includes('agent')) continue
    const result = await state.setDuty({ agentId, mode: 'off', force: true, cap: 0 })
    if (!result.ok) continue
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
async function rearmDigests(ctx: Context<UpdateOf<'recovery'>>): Promise<void> {
  const { state, staff, timers } = ctx.ports
  for (const member of [...staff.withRole('supervisor'), ...staff.withRole('manager')]) {
    const flush = await state.pendingDigest(member.id)
    if (flush) await timers.arm({ kind: 'digest', recipient: member.id, flush }, ctx.now)
  }
}
