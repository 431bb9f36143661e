import { z } from 'zod'
import type { ConversationSummary } from './transcript.js'

/** Conversation codes are a letter and a number (`A17`): short enough to type on a phone. */
export const CODE_PATTERN = /^[A-Za-z][0-9]{1,4}$/

export function normaliseCode(text: string): string | null {
  const code = text.trim()
  return CODE_PATTERN.test(code) ? code.toUpperCase() : null
}

const count = z.coerce.number().int().nonnegative()
const optionalId = z
  .string()
  .optional()
  .transform((id) => id || undefined)

/** A conversation as the live state holds it (Redis hash fields arrive as strings). */
export const liveConversationSchema = z.object({
  id: z.string().min(1),
  code: z.string().min(1),
  customerId: z.string().min(1),
  customerName: z.string().default(''),
  status: z.enum(['queued', 'assigned', 'closed']),
  agentId: optionalId,
  openedAt: count,
  /** When the oldest unanswered customer message arrived; 0 while nobody is waiting. */
  waitingSince: count.default(0),
  /** Bumped every time the reply clock starts or stops; timers carry the version they were set for. */
  version: count.default(0),
  /** The next escalation step to take in the current waiting period. */
  ladderStep: count.default(0),
  /** When each escalation step of the current waiting period falls due (fixed when the clock starts). */
  deadlines: z
    .string()
    .default('')
    .transform((list) => (list ? list.split(',').map(Number) : [])),
  firstResponseAt: count.default(0),
  firstResponderId: optionalId,
  lastCustomerAt: count.default(0),
  /** The start of the newest customer message, for alerts and listings. */
  lastText: z.string().default(''),
  overdueCount: count.default(0),
  closedAt: count.default(0),
  category: z.string().default(''),
  /** Service days that ended with this conversation still open. */
  daysUnresolved: count.default(0),
  /** The queue place the customer was last told (0: never queued). */
  toldPosition: count.default(0),
  /** The customer's rating after close (1–5); 0 while there is none. */
  rating: count.default(0),
  rev: count.default(0),
})
export type LiveConversation = z.infer<typeof liveConversationSchema>

export function toSummary(conversation: LiveConversation): ConversationSummary {
  return {
    id: conversation.id,
    code: conversation.code,
    customerId: conversation.customerId,
    customerName: conversation.customerName,
    status: conversation.status,
    ...(conversation.agentId ? { agentId: conversation.agentId } : {}),
    openedAt: conversation.openedAt,
    ...(conversation.firstResponseAt ? { firstResponseAt: conversation.firstResponseAt } : {}),
    ...(conversation.firstResponderId ? { firstResponderId: conversation.firstResponderId } : {}),
    ...(conversation.closedAt ? { closedAt: conversation.closedAt } : {}),
    overdueCount: conversation.overdueCount,
    ...(conversation.category ? { category: conversation.category } : {}),
    ...(conversation.rating ? { rating: conversation.rating } : {}),
    rev: conversation.rev,
  }
}

/** Conversation ids are unique across deployments and time; codes are only unique among open ones. */
export function newConversationId(now: number, random: () => number = Math.random): string {
  const tail = Math.floor(random() * 36 ** 6)
    .toString(36)
    .padStart(6, '0')
  return `${now.toString(36)}${tail}`
}
