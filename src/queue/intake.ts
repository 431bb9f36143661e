import { type InboundMessage, inboundMessageSchema } from '../domain/inbound.js'
import type { Log } from '../log/log.js'
import type { RedisConnection } from './connection.js'
import type { InboundSpool } from './spool.js'
import { withTimeout } from './with-timeout.js'

/** How long Redis may take to accept one inbound message before it goes to the spool. */
const ENQUEUE_TIMEOUT_MS = 2000
const SPOOL_RETRY_MS = 1000

export interface IntakeParts {
  redis: RedisConnection
  spool: InboundSpool
  log: Log
  /**
   * Puts one message into its ingest queue (and whatever must precede that). False when it is in
   * Redis but the replicas asked for (`redis.waitReplicas`) did not confirm they hold it.
   */
  enqueue(message: InboundMessage): Promise<boolean>
  /** Sees each message of a batch of spooled messages before any of the batch is enqueued. */
  beforeDrain(message: InboundMessage): Promise<void>
}

/**
 * The transport boundary: once `receive` resolves, the message is durable (invariant 1) — in the
 * ingest queue, or, while Redis cannot take it, in the local spool, which goes to the queue, in
 * order, as soon as Redis is back. It throws only when the spool is full too.
 */
export class Intake {
  private draining: Promise<void> | undefined
  private open = false

  constructor(private readonly parts: IntakeParts) {
    parts.redis.on('ready', () => this.drain())
  }

  /** Messages still in the spool: timers wait for them (they may hold answers that beat a deadline). */
  get spooled(): number {
    return this.parts.spool.size
  }

  /** The queues exist: spooled messages may go in. */
  opened(): void {
    this.open = true
    this.drain()
  }

  /** The queues are another process's now (the instance lock was lost): what arrives is spooled. */
  closed(): void {
    this.open = false
  }

  async receive(input: InboundMessage): Promise<void> {
    const { spool, redis, log } = this.parts
    // Nothing from outside is trusted (invariant 6): a malformed message is refused here, with the
    // reason, rather than failing its job again and again later.
    const message = inboundMessageSchema.parse(input)
    if (this.open && spool.size === 0 && redis.status === 'ready') {
      try {
        if (await withTimeout(this.parts.enqueue(message), ENQUEUE_TIMEOUT_MS)) return
        // In Redis, but maybe only on a master about to die: the spool keeps it until it is in
        // Redis again after any failover (a second enqueue collapses into the first by job id).
        log.info({ message: message.id }, 'replicas did not confirm a message; spooled as well')
      } catch (error) {
        log.warn(
          { message: message.id, err: (error as Error).message },
          'Redis did not take a message; spooled',
        )
      }
    }
    spool.add(message)
    this.drain()
  }

  /** One drain at a time; while Redis is away it waits for the connection to come back. */
  private drain(): void {
    const { spool, redis, log } = this.parts
    if (this.draining || spool.size === 0 || redis.status !== 'ready' || !this.open) return
    this.draining = spool
      .drain(
        // Taken from the spool once it is in Redis, confirmed or not: while no replica answers (one
        // lost, or none left after a failover) the spool would otherwise never empty.
        (message) => withTimeout(this.parts.enqueue(message), ENQUEUE_TIMEOUT_MS).then(() => undefined),
        // Bounded like the enqueue: commands wait out a reconnect, and a drain waiting on one
        // would hold the spool, and every timer waiting for the spool, as long as Redis is away.
        // A drain that times out is paused and tried again.
        async (messages) => {
          for (const message of messages)
            await withTimeout(this.parts.beforeDrain(message), ENQUEUE_TIMEOUT_MS)
        },
      )
      .then(
        (taken) => log.info({ taken }, 'spooled messages handed to the ingest queue'),
        (error: unknown) =>
          log.warn({ err: (error as Error).message, left: spool.size }, 'spool drain paused'),
      )
      .finally(() => {
        this.draining = undefined
        if (spool.size > 0) setTimeout(() => this.drain(), SPOOL_RETRY_MS).unref()
      })
  }
}
