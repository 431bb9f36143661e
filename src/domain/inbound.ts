import { z } from 'zod'

/**
 * Lone UTF-16 surrogates cannot be encoded as UTF-8 (Redis, Lua's cjson and SQLite all reject or
 * mangle them) and no WeChat client sends them: they become U+FFFD at the boundary.
 */
const wellFormed = (max: number) =>
  z
    .string()
    .max(max)
    .transform((text) => text.toWellFormed())

/** What the channel hands to the ingest queue for every WeChat message from a person. */
export const inboundMessageSchema = z.object({
  /** The WeChat message id: the ingest job id, so a second delivery collapses into the first. */
  id: z.string().min(1).max(200),
  from: z.object({
    id: z.string().min(1).max(200),
    name: wellFormed(200).default(''),
  }),
  kind: z.enum(['text', 'image', 'voice', 'video', 'file', 'emoticon', 'link', 'other']),
  /** Text of a text message; a short description for other kinds. Capped at the boundary. */
  text: wellFormed(100_000),
  /** When the bot received it (bot clock); the reply clock and deadlines use this. */
  receivedAt: z.number().int().nonnegative(),
  /** Present for a message in a WeChat group (room): which room, and whom it @-mentions. */
  room: z
    .object({
      id: z.string().min(1).max(200),
      topic: wellFormed(200).default(''),
      /** Contact ids the message @-mentions (the bot account's own id is `mentionsBot`). */
      mentions: z.array(z.string().min(1).max(200)).max(500).default([]),
      mentionsBot: z.boolean().default(false),
      /** Written from the bot's own account: by the bot, or by staff on its phone. */
      fromBot: z.boolean().default(false),
    })
    .optional(),
})
export type InboundMessage = z.infer<typeof inboundMessageSchema>
