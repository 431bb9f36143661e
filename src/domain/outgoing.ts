import { z } from 'zod'

/**
 * One message the bot sends: a text, or a copy of a WeChat message it received (an image, a file),
 * to a person; or a text posted in a WeChat group, @-mentioning customers there.
 */
export const outgoingSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), to: z.string().min(1), text: z.string() }),
  z.object({
    kind: z.literal('room-text'),
    /** The room's id. */
    to: z.string().min(1),
    text: z.string(),
    /** Contact ids to @-mention; WeChat shows them as `@name` in front of the text. */
    mentions: z.array(z.string().min(1)).default([]),
  }),
  z.object({ kind: z.literal('forward'), to: z.string().min(1), messageId: z.string().min(1) }),
])
export type Outgoing = z.infer<typeof outgoingSchema>
