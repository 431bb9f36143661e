import { customerActor } from '../../src/domain/actors.js'
import { type LiveConversation, newConversationId } from '../../src/domain/conversation.js'
import type { Category } from '../../src/domain/customer-text.js'
import { incomingId } from '../../src/domain/ids.js'
import type { IngestResult } from '../../src/state/port.js'
import type { CustomerContext, Reading } from './step.js'

/** Into the live state, in one atomic step: conversation, clock, category, agent, queue. */
export function ingest(ctx: CustomerContext, reading: Reading): Promise<IngestResult> {
  const { message } = ctx.update
  const { calendar } = ctx.services
  const { categories, menu } = ctx.settings.routing
  return ctx.io.state.ingestCustomerMessage({
    messageId: message.id,
    kind: message.kind,
    customerId: message.from.id,
    customerName: message.from.name,
    text: reading.body,
    at: message.receivedAt,
    newConversationId: newConversationId(message.receivedAt),
    flood: ctx.settings.customerRate,
    deadlines: reading.deadlines,
    ...(calendar.isOpen(message.receivedAt) ? {} : { closedDay: calendar.dayKey(message.receivedAt) }),
    ...(reading.category ? { category: reading.category } : {}),
    fallbackCategory: fallbackCategory(categories).id,
    offerMenu: menu,
    ...(reading.menuChoice ? { menuChoice: reading.menuChoice } : {}),
    ...(reading.rating ? { rating: reading.rating } : {}),
    praise: reading.praise,
  })
}

/** The customer's message in the transcript, under an id derived from its WeChat id. */
export function recordInbound(ctx: CustomerContext, conversation: LiveConversation, reading: Reading): void {
  const { message } = ctx.update
  ctx.message(conversation, {
    id: incomingId(message.id),
    direction: 'in',
    actor: customerActor(conversation),
    text: reading.body,
    at: message.receivedAt,
  })
}

/** A first message that names no category goes to the one that needs no keywords. */
function fallbackCategory(categories: readonly Category[]): Category {
  const fallback = categories.find((category) => category.keywords.length === 0) ?? categories[0]
  if (!fallback) throw new Error('routing.categories is empty')
  return fallback
}
