import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RedisServer } from '../faults/redis-server.js'
import { Harness, received } from '../support/harness.js'
import { type ReplicatedPair, replicaSynced, startReplicatedPair } from '../support/replicated-pair.js'

/**
 * `redis.waitReplicas` on a master and a replica a slow link apart (300 ms each way): nothing the bot
 * does outside Redis runs ahead of the replica, and a replica that is gone holds nothing up for long.
 */
const LINK_MS = 300

let pair: ReplicatedPair
let master: RedisServer
let replica: RedisServer
let onReplica: Redis
beforeAll(async () => {
  pair = await startReplicatedPair(LINK_MS)
  ;({ master, replica } = pair)
  await replicaSynced(replica)
  onReplica = new Redis(replica.port, '127.0.0.1', { maxRetriesPerRequest: 1 })
  // It is refused while the second test has the replica down, and reconnects after.
  onReplica.on('error', () => undefined)
}, 60_000)
afterAll(async () => {
  onReplica?.disconnect()
  await pair?.close()
})

const waitingHarness = () =>
  new Harness({
    sla: { replyTimeout: '1m' },
    redis: { url: master.url, waitReplicas: { replicas: 1, timeout: '5s' } },
  })

describe('redis.waitReplicas: the replicas first, then the world', () => {
  it('forwards a customer message only once the replica holds the reply timer its handling armed', async () => {
    const h = await waitingHarness().start()
    try {
      await h.onDuty(h.agentA)
      await h.settle()
      const timers = () => onReplica.zcard(`${h.prefix}:sla:delayed`)
      const armedBefore = await timers()
      h.customer('cust-zhang', '张三').say('我的订单还没发货')
      await received(h.agentA, '张三：我的订单还没发货', 20_000)
      // Read at once: without the WAIT before the send, the replica would be LINK_MS behind.
      expect(await timers()).toBe(armedBefore + 1)
    } finally {
      await h.stop()
    }
  }, 60_000)

  it('still answers customers when the replica is gone: a WAIT that falls short holds a send back for its timeout at most', async () => {
    const h = await waitingHarness().start()
    try {
      await h.onDuty(h.agentA)
      await replica.down()
      const li = h.customer('cust-li', '李四')
      li.say('在吗')
      const forward = await received(h.agentA, '李四：在吗', 20_000)
      h.agentA.say(`${/^【([A-Z]\d+)】/.exec(forward)?.[1]} 在的`)
      await received(li, '在的', 20_000)
    } finally {
      await replica.up()
      await h.stop()
    }
  }, 60_000)
})
