import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Harness, received, sleep } from '../support/harness.js'
import { RedisCluster } from '../support/redis-cluster.js'
import { afterFailover } from './core-loop.js'

let cluster: RedisCluster
beforeAll(async () => {
  cluster = await RedisCluster.start()
}, 60_000)
afterAll(() => cluster?.close())

describe('the bot on a Redis Cluster whose master is killed', () => {
  it('carries on once the replica has taken over the account’s slot', async () => {
    const prefix = `{kefu-${randomBytes(3).toString('hex')}}`
    const h = await new Harness({
      sla: { replyTimeout: '1m' },
      redis: { cluster: { nodes: cluster.nodes }, prefix },
    }).start()
    try {
      await h.onDuty(h.agentA)
      const wang = h.customer('cust-wang', '王五')
      wang.say('之前的消息')
      const before = await received(h.agentA, '王五：之前的消息')

      const master = await cluster.masterOf(prefix)
      const zhao = h.customer('cust-zhao', '赵六')
      const during = (async () => {
        for (let n = 1; n <= 5; n++) {
          zhao.say(`故障中的消息 ${n}`)
          await sleep(150)
        }
      })()
      await sleep(200)
      const killedAt = Date.now()
      await master.kill()
      await cluster.healthy()
      const takeoverMs = Date.now() - killedAt
      await during
      expect((await cluster.masterOf(prefix)).port).not.toBe(master.port)

      const arrived = await afterFailover(h, wang, before)
      console.info(
        `cluster failover: the replica took over ${takeoverMs} ms after the kill; written around the kill: 5, forwarded: ${arrived.length}`,
      )
      expect(arrived).toEqual([1, 2, 3, 4, 5])
    } finally {
      await h.stop()
    }
  }, 90_000)
})
