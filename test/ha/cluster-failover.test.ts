import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Harness, received, sleep } from '../support/harness.js'
import { RedisCluster } from '../support/redis-cluster.js'

let cluster: RedisCluster
beforeAll(async () => {
  cluster = await RedisCluster.start()
}, 60_000)
afterAll(() => cluster?.close())

const codeOf = (forward: string) => /^【([A-Z]\d+)】/.exec(forward)?.[1] ?? ''

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

      const sun = h.customer('cust-sun', '孙七')
      sun.say('故障后的消息')
      const after = await received(h.agentA, '孙七：故障后的消息', 20_000)
      h.agentA.say(`${codeOf(after)} 您好，故障后的回复`)
      await received(sun, '您好，故障后的回复', 10_000)
      h.agentA.say(`${codeOf(before)} 您好，之前的问题已处理`)
      await received(wang, '您好，之前的问题已处理', 10_000)
      const arrived = [1, 2, 3, 4, 5].filter((n) =>
        h.agentA.texts().some((text) => text.includes(`赵六：故障中的消息 ${n}`)),
      )
      console.info(
        `cluster failover: the replica took over ${takeoverMs} ms after the kill; written around the kill: 5, forwarded: ${arrived.length}`,
      )
      expect(arrived).toEqual([1, 2, 3, 4, 5])
    } finally {
      await h.stop()
    }
  }, 90_000)
})
