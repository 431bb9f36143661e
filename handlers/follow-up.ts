import type { Dispatcher } from '../src/dispatcher.js'
import { BOT, type Context, type TimerUpdate } from './context.js'

/**
 * Problems are followed up until solved (the regulations: complaints are called back to check the
 * customer's satisfaction — 回访).
 */
export function followUpHandlers(dispatcher: Dispatcher): void {
  dispatcher.timer('follow-up', onFollowUpDue)
}

/** A closed complaint's follow-up visit is due: its agent (or, without one, the supervisors) is reminded. */
async function onFollowUpDue(ctx: Context<TimerUpdate<'follow-up'>>): Promise<void> {
  const { conversationId } = ctx.update.timer
  const { store, staff, text, routing } = ctx.ports
  const conversation = await store.conversation(conversationId)
  if (!conversation) {
    ctx.log.warn({ conversation: conversationId }, 'follow-up due for a conversation the store does not have')
    return
  }
  const category = routing.categories.find((known) => known.id === conversation.category)
  const agentId = conversation.agentId ?? conversation.firstResponderId
  const reminder = ctx.t('agent.followUpDue', {
    code: conversation.code,
    name: conversation.customerName,
    category: category ? text.categoryName(category) : '',
    closed: text.dateTime(conversation.closedAt ?? ctx.now),
  })
  const recipients =
    agentId && staff.get(agentId)
      ? [agentId]
      : staff.withRole('supervisor').map((supervisor) => supervisor.id)
  for (const recipient of recipients) ctx.send('follow-up', recipient, reminder)
  ctx.event(conversation, 'follow-up-due', BOT, { agentId: recipients[0] ?? '' })
}
