import type { Dispatcher } from '../src/dispatcher.js'
import type { LiveConversation } from '../src/domain/conversation.js'
import type { PendingMessage } from '../src/state/port.js'
import { BOT, type Context, staffActor, type TimerUpdate, type UpdateOf } from './context.js'
import { announceAssignments, deliverPending, forward, lastMessage, sayToCustomer } from './delivery.js'

type Command = Context<UpdateOf<'staff-command'>>

/**
 * On duty, away, off duty (the regulations: set the away state and an auto-reply before meals and
 * breaks; at the start of a shift, answer what came in while offline first; never leave while a
 * customer is still asking). Away agents get no new conversations and their customers' messages
 * wait for them; past the away time their conversations go to colleagues.
 */
export function dutyHandlers(dispatcher: Dispatcher): void {
  dispatcher
    .command('on', goOnDuty)
    .command('away', goAway)
    .command('off', goOffDuty)
    .timer('away', onAwayExpired)
}

async function goOnDuty(ctx: Command): Promise<void> {
  const { staff } = ctx.update
  const result = await ctx.ports.state.setDuty({
    agentId: staff.id,
    mode: 'on',
    force: false,
    cap: staff.maxOpen ?? ctx.ports.maxPerAgent,
    ...(staff.skills ? { skills: staff.skills } : {}),
  })
  if (!result.ok) throw new Error('going on duty cannot be refused')
  // The reply goes first: the outbox keeps order, so the agent reads it before the backlog.
  if (result.wasAway) {
    const backlog = await heldMessages(ctx, result.mine ?? [])
    ctx.reply(
      'duty',
      backlog.length
        ? ctx.t('staff.backWithBacklog', { count: backlog.length })
        : ctx.t('staff.backFromAway'),
    )
    deliverOldestFirst(ctx, staff.id, backlog)
  } else {
    const mine = result.assigned.filter((assignment) => assignment.agentId === staff.id).length
    ctx.reply('duty', mine ? ctx.t('staff.onDutyWithBacklog', { count: mine }) : ctx.t('staff.onDuty'))
  }
  await announceAssignments(ctx, result.assigned)
  ctx.log.info({ agent: staff.id, back: result.wasAway === true }, 'agent on duty')
  ctx.touch(...result.assigned.map((assignment) => assignment.conversation))
}

/** `/away [minutes] [reason]`: customers waiting on the agent hear when they will be back. */
async function goAway(ctx: Command): Promise<void> {
  const { staff, command } = ctx.update
  const { awayLimit, state } = ctx.ports
  const announced = command.minutes ? command.minutes * 60_000 : awayLimit
  const until = ctx.now + announced
  const reason = command.text ?? ''
  const result = await state.setDuty({
    agentId: staff.id,
    mode: 'away',
    force: false,
    cap: staff.maxOpen ?? ctx.ports.maxPerAgent,
    until,
    reason,
  })
  if (!result.ok) return ctx.reply('duty', ctx.t('staff.awayOffDuty'))
  const back = ctx.ports.text.clock(until)
  const notice = reason
    ? ctx.t('customer.agentAwayWithReason', { reason, back })
    : ctx.t('customer.agentAway', { back })
  for (const conversation of result.waiting ?? []) sayToCustomer(ctx, 'away', conversation, notice)
  const handAt = ctx.now + Math.min(announced, awayLimit)
  ctx.reply(
    'duty',
    ctx.t('staff.awaySet', {
      back,
      waiting: result.waiting?.length ?? 0,
      handAt: ctx.ports.text.clock(handAt),
    }),
  )
  await ctx.ports.timers.arm({ kind: 'away', agentId: staff.id, seq: result.awaySeq ?? 0 }, handAt)
  ctx.log.info({ agent: staff.id, until, handAt }, 'agent away')
}

async function goOffDuty(ctx: Command): Promise<void> {
  const { staff, command } = ctx.update
  const result = await ctx.ports.state.setDuty({
    agentId: staff.id,
    mode: 'off',
    force: command.force === true,
    cap: staff.maxOpen ?? ctx.ports.maxPerAgent,
  })
  if (!result.ok) {
    if (result.reason !== 'has-open') throw new Error(`going off duty refused: ${result.reason}`)
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
  ctx.reply(
    'duty',
    result.requeued.length
      ? ctx.t('staff.offDutyForced', { count: result.requeued.length })
      : ctx.t('staff.offDuty'),
  )
  await announceAssignments(ctx, result.assigned)
  ctx.log.info({ agent: staff.id, requeued: result.requeued.length }, 'agent off duty')
  ctx.touch(...result.requeued, ...result.assigned.map((assignment) => assignment.conversation))
}

/**
 * The away time is up and the agent has not come back: each of their conversations goes to a
 * colleague with room, or back to the queue, and its customer is told; the agent hears on return.
 */
async function onAwayExpired(ctx: Context<TimerUpdate<'away'>>): Promise<void> {
  const { agentId } = ctx.update.timer
  const result = await ctx.ports.state.awayExpired(ctx.update.timer)
  if (!result.ok) return
  const { staff } = ctx.ports
  for (const { conversation, agentId: to } of result.assigned) {
    ctx.send(
      'moved-in',
      to,
      ctx.t('agent.awayHandedIn', {
        code: conversation.code,
        from: staff.nameOf(agentId),
        name: conversation.customerName,
        last: lastMessage(ctx, conversation),
      }),
    )
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
    for (const message of await ctx.ports.state.pending(conversation.id)) held.push({ conversation, message })
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
    ctx.afterCommit(() => ctx.ports.state.ackPending(conversationId, messageId))
  }
}
