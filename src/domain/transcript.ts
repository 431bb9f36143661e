import { z } from 'zod'

/**
 * The transcript is the audit log (invariant 2): every message in and out and every event, with its
 * time and actor. Entry ids are derived from the cause (a WeChat message id, an outbox job id, a timer
 * step), so writing the same entry twice — after a crash and retry — stores it once.
 */

export const roleSchema = z.enum(['customer', 'agent', 'supervisor', 'manager', 'bot'])
export type Role = z.infer<typeof roleSchema>

export const actorSchema = z.object({
  id: z.string().min(1),
  role: roleSchema,
  name: z.string().optional(),
})
export type Actor = z.infer<typeof actorSchema>

export const eventTypeSchema = z.enum([
  'opened',
  'queued',
  'assigned',
  'transferred',
  /** The reply clock started (a customer is waiting) or stopped (staff answered, or it closed). */
  'clock-started',
  'clock-stopped',
  /** An escalation step was taken; `overdue` marks the one that counts against the agent. */
  'escalated',
  'overdue',
  'reassigned',
  'closed',
  'refused',
  'transcript-read',
  'send-failed',
  /** The conversation's category (咨询/订单/售后/投诉…) was set: `category`, `by` keywords, menu or staff. */
  'category-set',
  /** An agent reply held for a forbidden phrase (`phrase`, `agentId`), and one sent anyway with /force. */
  'phrase-held',
  'phrase-forced',
  /** The customer's satisfaction rating after close: `score` 1–5, `agentId`. */
  'rated',
  /** A customer message the rules recognise as praise or thanks for `agentId` (one per conversation). */
  'praised',
  /** Still open at the end of service day `day` (YYYY-MM-DD): `days` unresolved so far, `agentId`. */
  'day-unresolved',
  /** A complaint's follow-up visit (回访) fell due: the reminder went to `agentId`. */
  'follow-up-due',
  /** The conversation was listed in a shift handover (`handoverId`, `from`, `to`). */
  'handed-over',
  // ── watched groups (社群): entries of a room's record, whose conversationId is groupThreadId(room) ──
  /**
   * A customer's message in a watched room waits for an answer: `roomId`, `code`, `topic`,
   * `customerId`, `messageId`, `clockStarted` (it began the customer's waiting period), `version`
   * (that period's), `dueAt` (when this message is overdue).
   */
  'group-waiting',
  /**
   * Staff answered a customer waiting in the room: `by` (staff id, or '' for the bot account),
   * `customerId`, `responsesMs` (one per message answered: how long each waited), `relayed`.
   */
  'group-answered',
  /** A step of the group ladder was taken for `customerId`: `level`, `waitedMs`, `notified`, `late`. */
  'group-escalated',
  /**
   * Messages of `customerId` left unanswered past the group timeout: `messages` (how many), counted
   * for `agentId` (the room's one responsible agent, else '').
   */
  'group-overdue',
  /** Staff typed a forbidden phrase straight into the room (`agentId`, `phrase`): improper wording. */
  'group-wording',
])
export type EventType = z.infer<typeof eventTypeSchema>

const entryBase = {
  id: z.string().min(1),
  conversationId: z.string().min(1),
  /** Milliseconds since the epoch, on the bot's clock. */
  at: z.number().int().nonnegative(),
  /**
   * Breaks ties between entries of the same millisecond: the conversation's live-state revision
   * × 10,000 plus the entry's place among those one update recorded (src/kernel/unit-of-work.ts).
   */
  seq: z.number().int().nonnegative(),
  actor: actorSchema,
}

export const messageEntrySchema = z.object({
  ...entryBase,
  kind: z.literal('message'),
  /** `in`: the customer wrote to us; `out`: we (an agent or the bot) wrote to the customer. */
  direction: z.enum(['in', 'out']),
  text: z.string(),
})

export const eventEntrySchema = z.object({
  ...entryBase,
  kind: z.literal('event'),
  type: eventTypeSchema,
  data: z.record(z.string(), z.unknown()).default({}),
})

export const transcriptEntrySchema = z.discriminatedUnion('kind', [messageEntrySchema, eventEntrySchema])
export type MessageEntry = z.infer<typeof messageEntrySchema>
export type EventEntry = z.infer<typeof eventEntrySchema>
export type TranscriptEntry = z.infer<typeof transcriptEntrySchema>

export const conversationStatusSchema = z.enum(['queued', 'assigned', 'closed'])
export type ConversationStatus = z.infer<typeof conversationStatusSchema>

/** The stored summary of one conversation, kept next to its entries for listing and reports. */
export const conversationSummarySchema = z.object({
  id: z.string().min(1),
  code: z.string().min(1),
  customerId: z.string().min(1),
  customerName: z.string(),
  status: conversationStatusSchema,
  agentId: z.string().optional(),
  openedAt: z.number().int().nonnegative(),
  firstResponseAt: z.number().int().nonnegative().optional(),
  firstResponderId: z.string().optional(),
  closedAt: z.number().int().nonnegative().optional(),
  overdueCount: z.number().int().nonnegative(),
  /** The category id (咨询/订单/售后/投诉 by default). */
  category: z.string().optional(),
  /** The customer's satisfaction rating after close, 1–5. */
  rating: z.number().int().min(1).max(5).optional(),
  /** Live-state revision the summary was taken at; a store keeps the highest it has seen. */
  rev: z.number().int().nonnegative(),
})
export type ConversationSummary = z.infer<typeof conversationSummarySchema>

/** One write to the store: the entries one handler produced, and the conversation as it now stands. */
export const transcriptBatchSchema = z.object({
  entries: z.array(transcriptEntrySchema),
  conversation: conversationSummarySchema.optional(),
})
export type TranscriptBatch = z.infer<typeof transcriptBatchSchema>
