import { z } from 'zod'
import { composeId } from './ids.js'

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
