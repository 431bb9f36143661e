import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs'
import { dirname } from 'node:path'
import { type InboundMessage, inboundMessageSchema } from '../domain/inbound.js'

export class SpoolFullError extends Error {
  constructor(limit: number) {
    super(
      `the inbound spool is full (${limit} messages) while Redis is unreachable; the message was not taken in`,
    )
    this.name = 'SpoolFullError'
  }
}

/**
 * Where inbound messages wait while Redis cannot take them: a local file, one JSON line a message,
 * so that they outlive the bot process too. Bounded: past `limit` messages a new one is refused.
 *
 * `drain` first sets the file aside (`.draining`), so what arrives meanwhile starts a new one, and
 * forgets the set-aside messages only once all are taken; a crash in between hands some over twice,
 * which the ingest job ids make harmless.
 */
export class InboundSpool {
  private count: number
  private readonly draining: string

  constructor(
    private readonly file: string,
    private readonly limit: number,
  ) {
    mkdirSync(dirname(file), { recursive: true })
    this.draining = `${file}.draining`
    this.count = readMessages(this.draining).length + readMessages(this.file).length
  }

  get size(): number {
    return this.count
  }

  add(message: InboundMessage): void {
    if (this.count >= this.limit) throw new SpoolFullError(this.limit)
    appendFileSync(this.file, `${JSON.stringify(message)}\n`)
    this.count++
  }

  /**
   * Hands every spooled message to `take`, oldest first, until the spool is empty or `take` fails.
   * `prepare` sees each set-aside batch whole before any of it is taken.
   */
  async drain(
    take: (message: InboundMessage) => Promise<void>,
    prepare: (messages: InboundMessage[]) => Promise<void> = async () => undefined,
  ): Promise<number> {
    let taken = 0
    while (this.count > 0) {
      if (!existsSync(this.draining)) {
        if (!existsSync(this.file)) break
        renameSync(this.file, this.draining)
      }
      const messages = readMessages(this.draining)
      await prepare(messages)
      for (const [index, message] of messages.entries()) {
        try {
          await take(message)
        } catch (error) {
          writeFileSync(this.draining, toLines(messages.slice(index)))
          throw error
        }
        taken++
        this.count--
      }
      unlinkSync(this.draining)
    }
    this.count = readMessages(this.file).length
    return taken
  }
}

function toLines(messages: InboundMessage[]): string {
  return messages.map((message) => `${JSON.stringify(message)}\n`).join('')
}

/** A line cut short by a crash while it was written is skipped. */
function readMessages(file: string): InboundMessage[] {
  if (!existsSync(file)) return []
  return readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((line) => {
      try {
        const parsed = inboundMessageSchema.safeParse(JSON.parse(line))
        return parsed.success ? [parsed.data] : []
      } catch {
        return []
      }
    })
}
