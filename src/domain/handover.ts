import { z } from 'zod'
import { conversationStatusSchema } from './transcript.js'

/**
 * A shift handover (交班): what a leaving agent passes on, to whom, and who acknowledged it. Records are
 * kept at least one month (the retention is configurable); the id is derived from the cause
 * (`ho-${agentId}-${shiftOrCommandId}`), so a crash-and-retry writes the same record once. Customer
 * names in the items are confidential: stored as given, never logged.
 */

/** Milliseconds since the epoch, on the bot's clock. */
const epochMs = z.number().int().nonnegative()

/** A conversation still open at the handover. */
export const handoverOpenItemSchema = z.object({
  conversationId: z.string().min(1),
  code: z.string().min(1),
  customerName: z.string(),
  status: conversationStatusSchema,
  /** Since when the customer has been waiting for a reply; 0 when the last message was answered. */
  waitingSince: epochMs,
  lastText: z.string(),
  category: z.string().optional(),
  /** Service days the problem has stayed unresolved so far. */
  daysUnresolved: z.number().int().nonnegative(),
})

/** A follow-up visit (回访) that falls to the incoming shift. */
export const handoverFollowUpSchema = z.object({
  conversationId: z.string().min(1),
  code: z.string().min(1),
  customerName: z.string(),
  dueAt: epochMs,
  note: z.string(),
})

/** Something that went wrong during the shift (urgent events, satisfaction problems). */
export const handoverExceptionSchema = z.object({
  conversationId: z.string().min(1),
  code: z.string().min(1),
  kind: z.enum(['overdue', 'low-rating', 'complaint', 'send-failed']),
  note: z.string(),
})

export const handoverSchema = z.object({
  id: z.string().min(1),
  /** The leaving agent's staff id. */
  from: z.string().min(1),
  /** Staff ids who must acknowledge: the incoming agents, or supervisors. */
  to: z.array(z.string().min(1)),
  at: epochMs,
  reason: z.enum(['shift-end', 'command']),
  /** The shift that ended. */
  shift: z.string().optional(),
  items: z.object({
    open: z.array(handoverOpenItemSchema),
    followUps: z.array(handoverFollowUpSchema),
    exceptions: z.array(handoverExceptionSchema),
  }),
  /** The handover as it was sent (rendered by the bot), kept as signed. */
  text: z.string(),
  /** Who acknowledged it and when (the second signature); set once. */
  ackedBy: z.string().min(1).optional(),
  ackedAt: epochMs.optional(),
})
export type Handover = z.infer<typeof handoverSchema>
export type HandoverException = z.infer<typeof handoverExceptionSchema>

/** The arguments of an acknowledgement, checked by the stores before they write. */
export const handoverAckSchema = z.object({ ackedBy: z.string().min(1), ackedAt: epochMs })
