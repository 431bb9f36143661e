import { z } from 'zod'
import { composeId } from './ids.js'
import type { TranscriptEntry } from './transcript.js'

/** A watched room and a customer's waiting period there, as the live state holds them. */

const count = z.coerce.number().int().nonnegative()

export const liveRoomSchema = z.object({
  id: z.string().min(1),
  /** `G` and a number: what staff type to answer through the bot (`G7 您好…`). */
  code: z.string().min(1),
  topic: z.string().default(''),
  lastCustomerId: z.string().default(''),
  lastCustomerName: z.string().default(''),
  lastCustomerAt: count.default(0),
  lastStaffAt: count.default(0),
  rev: count.default(0),
})
export type LiveRoom = z.infer<typeof liveRoomSchema>

export const liveGroupWaitSchema = z.object({
  roomId: z.string().min(1),
  customerId: z.string().min(1),
  customerName: z.string().default(''),
  /** When the customer's first unanswered message in the room arrived. */
  since: count,
  version: count,
  /** The next ladder step to take. */
  ladderStep: count,
  /** When each ladder step falls due (fixed when the waiting began). */
  deadlines: z
    .string()
    .default('')
    .transform((list) => (list ? list.split(',').map(Number) : [])),
  /** Messages in this waiting period. */
  count: count.default(0),
  lastText: z.string().default(''),
  lastAt: count.default(0),
})
export type LiveGroupWait = z.infer<typeof liveGroupWaitSchema>

/** Room codes are `G` and a number. */
export const ROOM_CODE = /^G[0-9]{1,6}$/

/** The transcript's conversation id for a room's record: one per room, for good. */
export function groupThreadId(roomId: string): string {
  return composeId('group', roomId)
}

/**
 * Every room's record id starts with `group-`, that is, lies in [from, to) (`.` is the character after
 * `-`): the form stores bound their index scans and partial indexes of room records with. A 1:1
 * conversation id (base 36 letters and digits) never starts so.
 */
export const GROUP_THREADS = { from: 'group-', to: 'group.' } as const

export function isGroupThread(conversationId: string): boolean {
  return conversationId >= GROUP_THREADS.from && conversationId < GROUP_THREADS.to
}

/**
 * The customer an entry of a room's record belongs to, for export and erasure (docs/privacy.md):
 * the one an event is about (`data.customerId`: waiting, answered, escalated, overdue), else the
 * customer who wrote it. Staff messages, staff events and entries outside room records: nobody's,
 * since a room record has no summary naming one customer, while a 1:1 conversation's does.
 */
export function groupEntryCustomer(entry: TranscriptEntry): string | undefined {
  if (!isGroupThread(entry.conversationId)) return undefined
  const about = entry.kind === 'event' ? entry.data.customerId : undefined
  if (typeof about === 'string') return about || undefined
  return entry.actor.role === 'customer' ? entry.actor.id : undefined
}
