import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RedisTarget } from '../../src/domain/redis-config.js'
import { connectRedis, createRedis, type RedisConnection } from '../../src/queue/connection.js'
import { checkDurability } from '../../src/queue/durability.js'
import { MASTER_NAME, RedisSentinelGroup } from '../support/redis-sentinel.js'

let group: RedisSentinelGroup
beforeAll(async () => {
  group = await RedisSentinelGroup.start()
}, 60_000)
afterAll(() => group?.close())

/** The check as start-up and `kefu doctor` run it: on the bot's own Sentinel connection. */
async function check() {
  const target: RedisTarget = { url: undefined, sentinels: group.sentinelEndpoints, name: MASTER_NAME }
  const redis: RedisConnection = createRedis(target)
  await connectRedis(redis, target)
  try {
    return await checkDurability(redis)
  } finally {
    await redis.quit()
  }
}

async function onReplica(...args: string[]): Promise<void> {
  const replica = new Redis(group.replica.port, '127.0.0.1')
  try {
    await replica.call('CONFIG', ...args)
  } finally {
    replica.disconnect()
  }
}

describe('the durability check behind Sentinel', () => {
  it('finds nothing wrong when the master and its replica have AOF on and noeviction', async () => {
    expect(await check()).toEqual({ ok: true, findings: [] })
  })

  it('names the replica that has AOF off, which would lose work once it took over', async () => {
    // Left off: turned on again, a server writes its first AOF and refuses to shut down meanwhile.
    await onReplica('SET', 'appendonly', 'no')
    expect(await check()).toEqual({
      ok: false,
      findings: [
        expect.objectContaining({
          field: 'appendonly',
          value: `no on 127.0.0.1:${group.replica.port}`,
          expected: 'yes',
        }),
      ],
    })
  })
})
