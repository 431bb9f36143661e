import { z } from 'zod'

/** One message the bot sends: a text, or a copy of a WeChat message it received (an image, a file). */
export const outgoingSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), to: z.string().min(1), text: z.string() }),
  z.object({ kind: z.literal('forward'), to: z.string().min(1), messageId: z.string().min(1) }),
])
export type Outgoing = z.infer<typeof outgoingSchema>
