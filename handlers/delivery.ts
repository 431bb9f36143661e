import { BOT } from '../src/domain/actors.js'
import type { LiveConversation } from '../src/domain/conversation.js'
import { preview } from '../src/domain/mask.js'
import type { Context } from '../src/kernel/context.js'
import type { Assignment, ClockStop, PendingMessage } from '../src/state/port.js'

/** A bot message to the customer, recorded in the transcript under its outbox id. */
export function sayToCustomer(
  ctx: Context,
  purpose: string,
  conversation: LiveConversation,
  text: string,
): void {
  const id = ctx.send(purpose, conversation.customerId, text)
  ctx.message(conversation, { id, direction: 'out', actor: BOT, text })
}

/** Kinds WeChat can forward as they are; others (transfers, red envelopes…) reach agents as a note only. */
const COPYABLE = new Set<PendingMessage['kind']>(['image', 'voice', 'video', 'file', 'emoticon', 'link'])

/**
 * Hands the customer messages an agent has not seen yet to that agent, oldest first, each tagged
 * with the conversation code. Pending messages are forgotten only once the update has committed
 * them to the outbox, whose ids make a repeat harmless: a crash in between re-delivers, never loses.
 */
export async function deliverPending(
  ctx: Context,
  conversation: LiveConversation,
  agentId: string,
): Promise<void> {
  deliver(ctx, conversation, agentId, await ctx.io.state.pending(conversation.id))
}

function deliver(
  ctx: Context,
  conversation: LiveConversation,
  agentId: string,
  pending: PendingMessage[],
): void {
  for (const message of pending) forward(ctx, conversation, agentId, message)
  const last = pending.at(-1)
  if (last) ctx.afterCommit(() => ctx.io.state.ackPending(conversation.id, last.id))
}

/** One customer message to an agent, tagged with the code; images and files follow as copies. */
export function forward(
  ctx: Context,
  conversation: LiveConversation,
  agentId: string,
  message: Pick<PendingMessage, 'id' | 'kind' | 'text'>,
): void {
  const text = ctx.t('agent.forward', {
    code: conversation.code,
    name: conversation.customerName,
    text: message.text,
  })
  ctx.send('fwd', agentId, text, message.id)
  if (COPYABLE.has(message.kind)) ctx.sendCopy('copy', agentId, message.id, message.id)
}

/**
 * Conversations the queue handed to agents: tell each agent, deliver the backlog, record it. A
 * conversation with no backlog (its messages went to a colleague before) comes with its last message.
 * Customers still waiting hear their new places, unless the only one assigned is `justArrived`
 * (a new conversation taken at once: nobody behind it moved).
 */
export async function announceAssignments(
  ctx: Context,
  assignments: Assignment[],
  justArrived?: string,
): Promise<void> {
  for (const { conversation, agentId } of assignments) {
    const pending = await ctx.io.state.pending(conversation.id)
    const notice = pending.length
      ? ctx.t('agent.assigned', {
          code: conversation.code,
          name: conversation.customerName,
          waited: ctx.services.text.duration(
            conversation.waitingSince ? ctx.now - conversation.waitingSince : 0,
          ),
        })
      : ctx.t('agent.resumed', {
          code: conversation.code,
          name: conversation.customerName,
          last: lastMessage(ctx, conversation),
        })
    ctx.send('assigned', agentId, notice, ctx.causeAbout(conversation.id))
    deliver(ctx, conversation, agentId, pending)
    ctx.event(conversation, 'assigned', BOT, { agentId, by: 'queue' })
  }
  if (assignments.some((assignment) => assignment.conversation.id !== justArrived)) await tellQueuePlaces(ctx)
}

/** The queue moved up: customers still waiting hear their new place when it moved materially. */
export async function tellQueuePlaces(ctx: Context): Promise<void> {
  const places = await ctx.io.state.queuePlaces(ctx.settings.routing.positionStep)
  for (const { conversation, position } of places) {
    const notice =
      position === 1
        ? ctx.t('customer.positionNext')
        : ctx.t('customer.positionUpdate', { position, ahead: position - 1 })
    sayToCustomer(ctx, `place${position}`, conversation, notice)
  }
}

/** The last customer message, masked and cut short, for notices about a conversation. */
export function lastMessage(ctx: Context, conversation: LiveConversation): string {
  return conversation.lastText ? preview(conversation.lastText) : ctx.t('staff.nobody')
}

/** Removes the timer a stopped reply clock had armed (a late one would find its version stale anyway). */
export async function cancelTimer(
  ctx: Context,
  conversation: LiveConversation,
  stop: ClockStop,
): Promise<void> {
  if (!stop.wasWaiting) return
  await ctx.io.timers.cancel({
    kind: 'reply',
    conversationId: conversation.id,
    version: stop.previousVersion,
    step: stop.previousStep,
  })
}

/** Arms the next escalation step of a waiting conversation, if the ladder has one. */
export async function armStep(ctx: Context, conversation: LiveConversation, step: number): Promise<void> {
  const dueAt = conversation.deadlines[step]
  if (dueAt === undefined || !ctx.settings.sla.ladder[step] || !conversation.waitingSince) return
  await ctx.io.timers.arm(
    { kind: 'reply', conversationId: conversation.id, version: conversation.version, step },
    dueAt,
  )
}
