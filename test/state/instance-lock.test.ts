import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { keysFor } from '../../src/queue/keys.js'
import { InstanceLock, InstanceLockedError } from '../../src/state/instance-lock.js'
import { deletePrefix, testPrefix, testRedis } from '../support/redis.js'

const redis = testRedis()
const prefix = testPrefix('lock-scripts')
const keys = keysFor(prefix)
afterEach(() => deletePrefix(redis, prefix))
afterAll(() => redis.quit())

describe('claim-lock and release-lock', () => {
  it("takes a free lock with its TTL, and gives it back only while it is still this process's", async () => {
    const mine = new InstanceLock(redis, keys, 5000)
    await mine.acquire()
    expect(JSON.parse((await redis.get(keys.instanceLock)) ?? '')).toEqual(mine.me)
    expect(await redis.pttl(keys.instanceLock)).toBeGreaterThan(4000)

    // It expired and another process took it: releasing must not remove that one's lock.
    const other = new InstanceLock(redis, keys, 5000)
    await redis.del(keys.instanceLock)
    await other.acquire()
    expect(await mine.release()).toBe(false)
    expect(JSON.parse((await redis.get(keys.instanceLock)) ?? '')).toEqual(other.me)
    expect(await other.release()).toBe(true)
    expect(await redis.exists(keys.instanceLock)).toBe(0)
  })

  it('refuses at once a lock that never expires, and says what it holds', async () => {
    await redis.set(keys.instanceLock, 'set by hand')
    const lock = new InstanceLock(redis, keys, 5000)
    const refusal = await lock.acquire().catch((error: unknown) => error)
    expect(refusal).toBeInstanceOf(InstanceLockedError)
    expect((refusal as Error).message).toContain(
      `holds something no bot wrote (set by hand); remove the key ${keys.instanceLock}`,
    )
    expect(await lock.release()).toBe(false)
    expect(await redis.get(keys.instanceLock)).toBe('set by hand')
  })

  it('waits out a lock nobody renews (a crashed holder), and takes it once it expires', async () => {
    const crashed = new InstanceLock(redis, keys, 1000)
    await crashed.acquire()
    const next = new InstanceLock(redis, keys, 1000)
    const watched: unknown[] = []
    const started = Date.now()
    await next.acquire((holder) => watched.push(holder))
    expect(watched).toEqual([crashed.me])
    expect(Date.now() - started).toBeGreaterThan(700)
    expect(JSON.parse((await redis.get(keys.instanceLock)) ?? '')).toEqual(next.me)
    expect(await next.release()).toBe(true)
  })

  it('refuses a lock its holder renews, once it sees the renewal', async () => {
    const alive = new InstanceLock(redis, keys, 1200)
    await alive.acquire()
    alive.heartbeat({ lost: () => undefined, retaken: () => undefined, failed: () => undefined })
    const refusal = await new InstanceLock(redis, keys, 1200).acquire().catch((error: unknown) => error)
    expect(refusal).toBeInstanceOf(InstanceLockedError)
    expect((refusal as InstanceLockedError).holder).toEqual(alive.me)
    expect(await alive.release()).toBe(true)
  })

  it('renews its lock every third of the TTL', async () => {
    const lock = new InstanceLock(redis, keys, 1200)
    await lock.acquire()
    const lost: unknown[] = []
    lock.heartbeat({ lost: (holder) => lost.push(holder), retaken: () => undefined, failed: () => undefined })
    await new Promise((resolve) => setTimeout(resolve, 2000))
    // Without renewals it would have expired 800 ms ago.
    expect(await redis.pttl(keys.instanceLock)).toBeGreaterThan(400)
    expect(lost).toEqual([])
    expect(await lock.release()).toBe(true)
  })
})
