import { BOT, staffActor } from '../src/domain/actors.js'
import type { LiveConversation } from '../src/domain/conversation.js'
import type { CommandContext, TimerHandler } from '../src/kernel/composer.js'
import type { Context } from '../src/kernel/context.js'
import type { PendingMessage } from '../src/state/port.js'
import { announceAssignments, deliverPending, forward, lastMessage, sayToCustomer } from './delivery.js'

/**
 * On duty, away, off duty (the regulations: set the away state and an auto-reply before meals and
 * breaks; at the start of a shift, answer what came in while offline first; never leave while a
 * customer is still asking). Away agents get no new conversations and their customers' messages
 * wait for them; past the away time their conversations go to colleagues.
 */

export async function goOnDuty(ctx: CommandContext<'on'>): Promise<void> {
  const { staff } = ctx.update
  const result = await ctx.io.state.goOnDuty({
    agentId: staff.id,
    cap: staff.maxOpen ?? ctx.settings.routing.maxPerAgent,
    ...(staff.skills ? { skills: staff.skills } : {}),
  })
  // The reply goes first: the outbox keeps order, so the agent reads it before the backlog.
  if (result.wasAway) {
    const backlog = await heldMessages(ctx, result.mine)
    const back = backlog.length
      ? ctx.t('staff.backWithBacklog', { count: backlog.length })
      : ctx.t('staff.backFromAway')
    ctx.reply('duty', back)
    deliverOldestFirst(ctx, staff.id, backlog)
  } else {
    const mine = result.assigned.filter((assignment) => assignment.agentId === staff.id).length
    ctx.reply('duty', mine ? ctx.t('staff.onDutyWithBacklog', { count: mine }) : ctx.t('staff.onDuty'))
  }
  await announceAssignments(ctx, result.assigned)
  ctx.log.info({ agent: staff.id, back: result.wasAway }, 'agent on duty')
  ctx.touch(...result.assigned.map((assignment) => assignment.conversation))
}

/** `/away [minutes] [reason]`: customers waiting on the agent hear when they will be back. */
export async function goAway(ctx: CommandContext<'away'>): Promise<void> {
  const { staff, command } = ctx.update
  const { awayLimit } = ctx.settings.duty
  const { text } = ctx.services
  const announced = command.minutes ? command.minutes * 60_000 : awayLimit
  const until = ctx.now + announced
  const reason = command.text ?? ''
  const result = await ctx.io.state.goAway({ agentId: staff.id, until, reason })
  if (result.status === 'refused') return ctx.reply('duty', ctx.t('staff.awayOffDuty'))
  const back = text.clock(until)
  const notice = reason
    ? ctx.t('customer.agentAwayWithReason', { reason, back })
    : ctx.t('customer.agentAway', { back })
  for (const conversation of result.waiting) sayToCustomer(ctx, 'away', conversation, notice)
  const handAt = ctx.now + Math.min(announced, awayLimit)
  ctx.reply(
    'duty',
    ctx.t('staff.awaySet', { back, waiting: result.waiting.length, handAt: text.clock(handAt) }),
  )
  await ctx.io.timers.arm({ kind: 'away', agentId: staff.id, seq: result.awaySeq }, handAt)
  ctx.log.info({ agent: staff.id, until, handAt }, 'agent away')
}

export async function goOffDuty(ctx: CommandContext<'off'>): Promise<void> {
  const { staff, command } = ctx.update
  const result = await ctx.io.state.goOffDuty({ agentId: staff.id, force: command.force === true })
  if (result.status === 'refused') {
    const codes = result.open.map((conversation) => conversation.code).join('、')
    return ctx.reply('duty', ctx.t('staff.offDutyRefused', { count: result.open.length, codes }))
  }
  for (const conversation of result.requeued) {
    ctx.event(conversation, 'queued', staffActor(staff), {
      reason: 'agent-off-duty',
      from: staff.id,
      forced: true,
    })
  }
  const count = result.requeued.length
  ctx.reply('duty', count ? ctx.t('staff.offDutyForced', { count }) : ctx.t('staff.offDuty'))
  await announceAssignments(ctx, result.assigned)
  ctx.log.info({ agent: staff.id, requeued: count }, 'agent off duty')
  ctx.touch(...result.requeued, ...result.assigned.map((assignment) => assignment.conversation))
}

/**
 * The away time is up and the agent has not come back: each of their conversations goes to a
 * colleague with room, or back to the queue, and its customer is told; the agent hears on return.
 */
export const onAwayExpired: TimerHandler<'away'> = async (ctx) => {
  const { agentId } = ctx.update.timer
  const result = await ctx.io.state.awayExpired(ctx.update.timer)
  if (result.status !== 'handed-on') return
  const { staff } = ctx.services
  for (const { conversation, agentId: to } of result.assigned) {
    const about = {
      code: conversation.code,
      name: conversation.customerName,
      last: lastMessage(ctx, conversation),
    }
    ctx.send('moved-in', to, ctx.t('agent.awayHandedIn', { ...about, from: staff.nameOf(agentId) }))
    await deliverPending(ctx, conversation, to)
    sayToCustomer(ctx, 'transferred', conversation, ctx.t('customer.transferred'))
    ctx.event(conversation, 'transferred', BOT, { agentId: to, from: agentId, reason: 'away-limit' })
  }
  for (const conversation of result.requeued) {
    ctx.event(conversation, 'queued', BOT, { reason: 'away-limit', from: agentId })
  }
  const moved = [...result.assigned.map((assignment) => assignment.conversation), ...result.requeued]
  if (moved.length) {
    const codes = moved.map((conversation) => conversation.code).join('、')
    ctx.send('away-out', agentId, ctx.t('staff.awayHandedOut', { count: moved.length, codes }))
  }
  ctx.log.info({ agent: agentId, moved: moved.length }, 'away time up; conversations handed on')
  ctx.touch(...moved)
}

interface Held {
  conversation: LiveConversation
  message: PendingMessage
}

/** Messages kept for an agent while they were away, with their conversation. */
async function heldMessages(ctx: Context, conversations: LiveConversation[]): Promise<Held[]> {
  const held: Held[] = []
  for (const conversation of conversations) {
    for (const message of await ctx.io.state.pending(conversation.id)) held.push({ conversation, message })
  }
  return held
}

/**
 * Hands held messages to the agent across conversations in the order customers wrote them; each
 * conversation's are forgotten once the update committed them to the outbox.
 */
function deliverOldestFirst(ctx: Context, agentId: string, held: Held[]): void {
  const last = new Map<string, string>()
  for (const { conversation, message } of [...held].sort((a, b) => a.message.at - b.message.at)) {
    forward(ctx, conversation, agentId, message)
    last.set(conversation.id, message.id)
  }
  for (const [conversationId, messageId] of last) {
    ctx.afterCommit(() => ctx.io.state.ackPending(conversationId, messageId))
  }
}
