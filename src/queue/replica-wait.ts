import { Cluster, type Redis } from 'ioredis'
import type { Log } from '../log/log.js'
import type { RedisConnection } from './connection.js'
import { withTimeout } from './with-timeout.js'

export interface ReplicaWaitSettings {
  /** How many replicas must hold a write before it counts as safe from a failover. */
  replicas: number
  /** How long `WAIT` may block for them. */
  timeoutMs: number
}

/**
 * `WAIT replicas timeout` after writes that must outlive a failover: Redis replicates
 * asynchronously, so a write it acknowledged may be missing on the replica Sentinel or the Cluster
 * promotes. WAIT counts the replicas holding every earlier write of the same connection, so it is
 * sent on the connection the writes went through: in a Cluster, the connection to the master of
 * the account's slot (a keyless command would go to a random node). Every write of the account
 * goes through that one connection (BullMQ's workers share it; only their blocking pops have
 * their own), so a WAIT covers whatever the bot wrote before it, whichever part wrote it.
 *
 * WAIT blocks that connection, the bot's only command connection, until the replicas answer. So
 * writers share WAITs: one asked for while another is in flight waits for the next, which covers
 * everything written up to then; a burst of messages costs about two replication round trips, not
 * one each. Once one falls short, the next goes out RECHECK_MS later; until then none is confirmed.
 */
/**
 * After a WAIT fell short, how long until the next is sent: while a replica is gone each would
 * block the connection for the whole timeout, holding every other command back behind it.
 */
const RECHECK_MS = 5000

export class ReplicaWait {
  private shortUntil = 0
  private running: Promise<boolean> | undefined
  private queued: Promise<boolean> | undefined
  private slot: number | undefined

  constructor(
    private readonly redis: RedisConnection,
    /** A key of the account's: its slot names the Cluster node to WAIT on. */
    private readonly anchorKey: string,
    private readonly settings: ReplicaWaitSettings,
    private readonly log: Log,
    /** Hears of each WAIT that fell short (a metric). */
    private readonly onShort: () => void,
  ) {}

  /**
   * Whether `replicas` replicas hold every write made on the connection before this call. False
   * when they did not within the timeout, or the WAIT itself failed (a connection lost mid-failover).
   */
  confirm(): Promise<boolean> {
    if (Date.now() < this.shortUntil) return Promise.resolve(false)
    if (!this.running) return this.start()
    this.queued ??= this.running.then(() => {
      this.queued = undefined
      return this.start()
    })
    return this.queued
  }

  private start(): Promise<boolean> {
    const run = this.waitOnce().finally(() => {
      if (this.running === run) this.running = undefined
    })
    this.running = run
    return run
  }

  private async waitOnce(): Promise<boolean> {
    const { replicas, timeoutMs } = this.settings
    try {
      const node = await this.node()
      // A connection that is reconnecting queues the WAIT: bounded here, beside Redis's own timeout.
      const acked = Number(await withTimeout(node.call('WAIT', replicas, timeoutMs), timeoutMs + 1000))
      if (acked >= replicas) return true
      this.log.warn({ acked, asked: replicas, timeoutMs }, 'fewer replicas than asked hold the last writes')
    } catch (error) {
      this.log.warn({ err: (error as Error).message }, 'WAIT for replicas failed')
    }
    this.shortUntil = Date.now() + RECHECK_MS
    this.onShort()
    return false
  }

  /** The server the bot's writes for this account go to. */
  private async node(): Promise<Redis> {
    const redis = this.redis
    if (!(redis instanceof Cluster)) return redis
    this.slot ??= (await redis.call('CLUSTER', 'KEYSLOT', this.anchorKey)) as number
    const owner = redis.slots[this.slot]?.[0]
    const node = redis
      .nodes('master')
      .find((candidate) => `${candidate.options.host}:${candidate.options.port}` === owner)
    if (!node) throw new Error(`no connection to the master of slot ${this.slot} (${owner ?? 'unknown'})`)
    return node
  }
}
