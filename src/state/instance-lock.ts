import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { Cluster, Redis } from 'ioredis'
import { z } from 'zod'
import type { Keys } from '../queue/keys.js'
import { claimLockResult, releaseLockResult } from './results.js'
import { bindScripts, loadScripts, type ScriptCall } from './script-loader.js'

/**
 * One bot per Redis prefix. Two processes on one prefix take each other's jobs: a customer who
 * wrote to one account hears the greeting from the other. So a bot holds a lock in Redis while it
 * runs (`keysFor().instanceLock`), renewed by a heartbeat every third of its TTL: a crashed
 * holder's lock expires within one TTL, and a clean stop gives it back at once.
 */

export const lockHolderSchema = z.object({
  host: z.string(),
  pid: z.number(),
  /** When the holder took the lock, epoch ms. */
  since: z.number(),
  /** Random, per process: what makes the lock this process's and no other's. */
  token: z.string(),
})
export type LockHolder = z.infer<typeof lockHolderSchema>

/** Another process holds the prefix: this one must not start. */
export class InstanceLockedError extends Error {
  override readonly name = 'InstanceLockedError'

  constructor(
    readonly prefix: string,
    /** The holder, or what the lock holds when it is no bot's (set by hand, say). */
    readonly holder: LockHolder | string,
    key: string,
  ) {
    super(
      typeof holder === 'string'
        ? `the instance lock of Redis prefix "${prefix}" holds something no bot wrote (${holder}); ` +
            `remove the key ${key} if no bot runs on this prefix`
        : `another bot runs on Redis prefix "${prefix}": pid ${holder.pid} on host ${holder.host}, ` +
            `since ${new Date(holder.since).toISOString()}. Stop it first, or give this bot a prefix ` +
            'of its own (redis.prefix).',
    )
  }
}

/** What the heartbeat tells its owner; it stops beating after `lost`. */
export interface HeartbeatHooks {
  /** Another process holds the lock now: this one must stop taking work. */
  lost(holder: LockHolder | string): void
  /** The lock had expired (Redis was away longer than its TTL) and nobody took it: it is ours again. */
  retaken(): void
  /** A renewal failed (Redis away); the next one comes as planned. */
  failed(error: unknown): void
}

/** Read once per process: every deployment runs the same scripts. */
let scripts: ReturnType<typeof loadScripts> | undefined

export class InstanceLock {
  private holder: LockHolder
  private readonly scripts: Record<'claim-lock' | 'release-lock', ScriptCall>
  private timer: NodeJS.Timeout | undefined
  private beating: Promise<void> | undefined
  private stopped = false
  private held = false

  constructor(
    redis: Redis | Cluster,
    private readonly keys: Keys,
    /** How long the lock lasts without a renewal. */
    readonly ttlMs: number,
  ) {
    scripts ??= loadScripts()
    this.scripts = bindScripts(redis, keys, scripts, ['claim-lock', 'release-lock'])
    this.holder = {
      host: hostname(),
      pid: process.pid,
      since: Date.now(),
      token: randomBytes(16).toString('hex'),
    }
  }

  /** This process, as the lock's value shows it; `since` is set when it starts to claim it. */
  get me(): LockHolder {
    return this.holder
  }

  get renewEveryMs(): number {
    return Math.round(this.ttlMs / 3)
  }

  /**
   * Takes the lock, or throws InstanceLockedError naming the holder. A holder that may have crashed
   * is watched first (`watching` hears it once): when its lock is renewed (by the holder or by a
   * newcomer) the prefix is taken and this process refuses, within one renewal interval; when it
   * expires this process takes it, within one TTL. So a restart after a crash needs no operator.
   */
  async acquire(watching?: (holder: LockHolder | string, ttlMs: number) => void): Promise<void> {
    this.holder = { ...this.holder, since: Date.now() }
    let seen: { holder: string; ttlMs: number } | undefined
    for (;;) {
      const claim = await this.claim()
      if (claim.status !== 'held') {
        this.held = true
        return
      }
      const renewed = seen !== undefined && (claim.holder !== seen.holder || claim.ttlMs > seen.ttlMs)
      if (claim.ttlMs < 0 || renewed) throw this.locked(claim.holder)
      if (!seen) watching?.(parseHolder(claim.holder), claim.ttlMs)
      seen = claim
      await sleep(Math.min(claim.ttlMs + 1, Math.max(50, Math.round(this.renewEveryMs / 10))))
    }
  }

  /** Renews the lock every third of its TTL until `stop`, or until another process holds it. */
  heartbeat(hooks: HeartbeatHooks): void {
    const beat = async () => {
      try {
        const claim = await this.claim()
        if (claim.status === 'held') {
          this.stopped = true
          hooks.lost(parseHolder(claim.holder))
        } else if (claim.status === 'taken') hooks.retaken()
      } catch (error) {
        hooks.failed(error)
      }
    }
    const next = () => {
      if (this.stopped) return
      this.timer = setTimeout(() => {
        this.beating = beat().finally(next)
      }, this.renewEveryMs)
      // The heartbeat alone keeps no process alive: the bot's own connections do that.
      this.timer.unref()
    }
    next()
  }

  /** Stops the heartbeat; the lock expires within one TTL unless `release` gives it back sooner. */
  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    await this.beating
  }

  /** Stops the heartbeat and removes the lock if it is still this process's; says whether it was. */
  async release(): Promise<boolean> {
    await this.stop()
    if (!this.held) return false
    this.held = false
    const result = releaseLockResult.parse(JSON.parse(await this.scripts['release-lock'](this.me.token)))
    return result.released
  }

  private locked(holder: string): InstanceLockedError {
    return new InstanceLockedError(this.keys.prefix, parseHolder(holder), this.keys.instanceLock)
  }

  private async claim() {
    const raw = await this.scripts['claim-lock'](this.me.token, JSON.stringify(this.me), this.ttlMs)
    return claimLockResult.parse(JSON.parse(raw))
  }
}

function parseHolder(value: string): LockHolder | string {
  try {
    return lockHolderSchema.parse(JSON.parse(value))
  } catch {
    return value
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
