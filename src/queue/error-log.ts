import type { Log } from '../log/log.js'

/**
 * A BullMQ queue's or worker's 'error' events, into the structured log. A queue with no listener
 * has BullMQ print each one raw with its stack on stderr (`QueueBase.emit` falls back to
 * `console.error`), and during an outage ioredis reports every failed reconnect, several a second
 * for each queue: so the same error is logged once a minute at most, which says when an outage began
 * and that it goes on without burying the log. A different error is logged when it first comes.
 */
const SAME_ERROR_AGAIN_MS = 60_000

interface Emitter {
  readonly name: string
  on(event: 'error', listener: (error: Error) => void): unknown
}

export function logErrors(emitter: Emitter, log: Log, message: string): void {
  const loggedAt = new Map<string, number>()
  emitter.on('error', (error) => {
    const now = Date.now()
    const last = loggedAt.get(error.message)
    if (last !== undefined && now - last < SAME_ERROR_AGAIN_MS) return
    for (const [seen, at] of loggedAt) if (now - at >= SAME_ERROR_AGAIN_MS) loggedAt.delete(seen)
    loggedAt.set(error.message, now)
    log.error({ queue: emitter.name, err: error.message }, message)
  })
}
