import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedis } from '../../src/queue/connection.js'
import { WriteBatchingSocket } from '../../src/queue/write-batching.js'
import { RedisServer } from '../faults/redis-server.js'

let server: RedisServer
beforeAll(async () => {
  server = await RedisServer.start()
}, 30_000)
afterAll(() => server.close())

/** One server's connection, as these tests build it: `stream` is the socket it writes to. */
const single = (batchWrites: boolean) =>
  createRedis({ url: `redis://127.0.0.1:${server.port}`, batchWrites }) as Redis

/** Counts the socket's system-call writes: Node's `_writeGeneric` runs once for each. */
function countWrites(socket: unknown): () => number {
  const target = socket as { _writeGeneric: (...args: unknown[]) => unknown }
  const original = target._writeGeneric.bind(target)
  let writes = 0
  target._writeGeneric = (...args) => {
    writes++
    return original(...args)
  }
  return () => writes
}

describe('batched writes to Redis (redis.batchWrites)', () => {
  it('send commands issued together in few writes, and every reply comes back to its command', async () => {
    const redis = single(true)
    await redis.connect()
    expect(redis.stream).toBeInstanceOf(WriteBatchingSocket)
    const writes = countWrites(redis.stream)
    const replies = await Promise.all(
      Array.from({ length: 100 }, (_, n) =>
        redis.set(`batch:${n}`, `值${n}`).then(() => redis.get(`batch:${n}`)),
      ),
    )
    expect(replies).toEqual(Array.from({ length: 100 }, (_, n) => `值${n}`))
    // 200 commands: a hundred SETs at once, then a hundred GETs as their replies arrive.
    expect(writes()).toBeLessThan(60)
    expect(await redis.quit()).toBe('OK')
  })

  it('write one command at a time without it', async () => {
    const redis = single(false)
    await redis.connect()
    expect(redis.stream).not.toBeInstanceOf(WriteBatchingSocket)
    const writes = countWrites(redis.stream)
    await Promise.all(Array.from({ length: 20 }, (_, n) => redis.set(`plain:${n}`, n)))
    expect(writes()).toBe(20)
    await redis.quit()
  })

  it('lose no command when Redis goes away and comes back', async () => {
    const redis = single(true)
    redis.on('error', () => undefined)
    await redis.connect()
    await server.down()
    const during = Promise.all(Array.from({ length: 30 }, (_, n) => redis.incr(`outage:${n % 3}`)))
    await server.up()
    await during
    expect(await redis.mget('outage:0', 'outage:1', 'outage:2')).toEqual(['10', '10', '10'])
    await redis.quit()
  }, 30_000)
})
