import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBot } from '../../src/app.js'
import { Harness } from '../support/harness.js'
import { RedisCluster } from '../support/redis-cluster.js'
import { coreLoop } from './core-loop.js'

let cluster: RedisCluster
beforeAll(async () => {
  cluster = await RedisCluster.start()
}, 60_000)
afterAll(() => cluster?.close())

const hashTagged = () => `{kefu-${randomBytes(3).toString('hex')}}`

describe('the bot on a Redis Cluster (3 masters, 3 replicas)', () => {
  it('runs the core loop under a hash-tagged prefix: assigned, answered, escalated', async () => {
    const h = await new Harness({
      sla: { replyTimeout: '1s' },
      redis: { cluster: { nodes: cluster.nodes }, prefix: hashTagged() },
    }).start()
    try {
      await h.onDuty(h.agentA)
      await coreLoop(h, 'c')
      await h.settle()
      const [conversation] = await h.bot.transcripts.conversationsOfCustomer('cust-c-zhang')
      expect(conversation).toMatchObject({ agentId: 'agent-a' })
    } finally {
      await h.stop()
    }
  }, 60_000)

  it('refuses a prefix without a hash tag before it connects, saying why', () => {
    expect(() =>
      createBot({ redis: { cluster: { nodes: cluster.nodes }, prefix: 'kefu' }, staff: [{ id: 'agent-a' }] }),
    ).toThrow(/in a Redis Cluster the prefix must be hash-tagged, e\.g\. \{shop-a\}/)
  })
})
