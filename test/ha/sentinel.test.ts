import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Harness, received, sleep } from '../support/harness.js'
import { MASTER_NAME, RedisSentinelGroup } from '../support/redis-sentinel.js'
import { afterFailover, coreLoop } from './core-loop.js'

let group: RedisSentinelGroup
beforeAll(async () => {
  group = await RedisSentinelGroup.start()
}, 60_000)
afterAll(() => group?.close())

const sentinelHarness = () =>
  new Harness({
    sla: { replyTimeout: '1s' },
    redis: {
      sentinels: group.sentinelEndpoints,
      name: MASTER_NAME,
      prefix: `kefu-${randomBytes(3).toString('hex')}`,
    },
  })

describe('the bot on Redis Sentinel (a master, a replica, three sentinels)', () => {
  it('runs the core loop through the master the sentinels name: assigned, answered, escalated', async () => {
    const h = await sentinelHarness().start()
    try {
      await h.onDuty(h.agentA)
      await coreLoop(h, 's')
    } finally {
      await h.stop()
    }
  }, 60_000)

  it('carries on when the master is killed: the replica is promoted and later messages are handled', async () => {
    const h = await sentinelHarness().start()
    try {
      await h.onDuty(h.agentA)
      const wang = h.customer('cust-wang', '王五')
      wang.say('之前的消息')
      const before = await received(h.agentA, '王五：之前的消息')

      const former = await group.masterPort()
      const killed = former === group.master.port ? group.master : group.replica
      const zhao = h.customer('cust-zhao', '赵六')
      // Customers keep writing while the master dies and the sentinels agree on a new one.
      const during = (async () => {
        for (let n = 1; n <= 5; n++) {
          zhao.say(`故障中的消息 ${n}`)
          await sleep(150)
        }
      })()
      await sleep(200)
      const killedAt = Date.now()
      await killed.kill()
      const promoted = await group.failedOver(former)
      const failoverMs = Date.now() - killedAt
      await during
      expect(promoted).not.toBe(former)

      const arrived = await afterFailover(h, wang, before)
      console.info(
        `sentinel failover: ${failoverMs} ms; written around the kill: 5, forwarded: ${arrived.length}`,
      )
      expect(arrived).toEqual([1, 2, 3, 4, 5])
    } finally {
      await h.stop()
    }
  }, 90_000)
})
