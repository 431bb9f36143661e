import { z } from 'zod'
import { durationSchema } from './duration.js'
import { keywordSchema } from './keywords.js'

/**
 * Watched customer groups (社群): which WeChat rooms the bot serves, who answers there, and the
 * 10-minute rule's ladder (群里的消息超过10分钟不回复). Nothing is watched unless configured.
 */

/** The regulations' thanks and acknowledgements: a customer writing only this is waiting for nothing. */
export const DEFAULT_ACKNOWLEDGEMENTS: readonly string[] = [
  '谢谢',
  '谢谢你',
  '谢谢您',
  '多谢',
  '感谢',
  '好的',
  '好',
  '好滴',
  '收到',
  '嗯',
  '嗯嗯',
  '哦',
  '行',
  '可以',
  '明白',
  '知道了',
  'ok',
  'okay',
  'thanks',
  'thank you',
  'thx',
]

const groupStepSchema = z
  .object({
    /** Measured from the customer's first unanswered message in the room. */
    after: durationSchema,
    /** `agents`: the room's responsible agents (a private note with the message and the room's code). */
    notify: z.array(z.enum(['agents', 'supervisors', 'managers'])).default(['supervisors']),
  })
  .strict()
export type GroupStep = z.infer<typeof groupStepSchema>

/** A room named by its WeChat id (`…@chatroom`) or by its topic (the group's name). */
const roomReference = z.string().trim().min(1)

export const groupsSchema = z
  .object({
    /** `all`: every room the bot account is in; else room ids or topics. Default: none. */
    watch: z.union([z.literal('all'), z.array(roomReference)]).default([]),
    /** Per room, the agents responsible for it (ids, names or aliases of staff members). */
    rooms: z
      .array(z.object({ room: roomReference, agents: z.array(z.string().trim().min(1)).min(1) }).strict())
      .default([]),
    /**
     * `any`: any staff message in the room answers everyone waiting there (as SCRM tools count);
     * `mention`: only the customers a staff message @-mentions or quotes.
     */
    answeredBy: z.enum(['any', 'mention']).default('any'),
    /** A group message unanswered this long is overdue (the regulations' 10 minutes). */
    replyTimeout: durationSchema.default(600_000),
    /** Defaults to: the room's agents at four fifths, supervisors at the timeout, managers at twice it. */
    ladder: z.array(groupStepSchema).min(1).optional(),
    /** Messages that wait for nothing (thanks, acknowledgements), in addition to stickers. */
    acknowledgements: z.array(keywordSchema).default([...DEFAULT_ACKNOWLEDGEMENTS]),
  })
  .strict()
  .superRefine((groups, ctx) => {
    groups.ladder?.forEach((step, index, ladder) => {
      const previous = ladder[index - 1]
      if (previous && step.after <= previous.after) {
        ctx.addIssue({
          code: 'custom',
          path: ['ladder', index, 'after'],
          message: 'each step must come later than the one before it',
        })
      }
    })
    const seen = new Set<string>()
    groups.rooms.forEach((room, index) => {
      if (seen.has(room.room))
        ctx.addIssue({
          code: 'custom',
          path: ['rooms', index, 'room'],
          message: `"${room.room}" is listed twice`,
        })
      seen.add(room.room)
    })
  })
  .transform((groups) => ({
    ...groups,
    ladder: groups.ladder ?? defaultGroupLadder(groups.replyTimeout),
  }))
export type GroupsConfig = z.output<typeof groupsSchema>

/** For a 10-minute timeout: the room's agents at 8 minutes, supervisors at 10, managers at 20. */
export function defaultGroupLadder(replyTimeout: number): GroupStep[] {
  return [
    { after: Math.round(replyTimeout * 0.8), notify: ['agents'] },
    { after: replyTimeout, notify: ['supervisors'] },
    { after: replyTimeout * 2, notify: ['managers'] },
  ]
}

/** A WeChat room as the bot sees it. */
export interface RoomRef {
  id: string
  topic: string
}

/** Whether the bot serves this room: by id, or by topic, or every room. */
export function watches(groups: Pick<GroupsConfig, 'watch'>, room: RoomRef): boolean {
  if (groups.watch === 'all') return true
  return groups.watch.some((wanted) => wanted === room.id || wanted === room.topic)
}

/** The staff references (ids, names, aliases) responsible for a room; empty: the agents on duty. */
export function responsibleFor(groups: Pick<GroupsConfig, 'rooms'>, room: RoomRef): readonly string[] {
  return groups.rooms.find((entry) => entry.room === room.id || entry.room === room.topic)?.agents ?? []
}
