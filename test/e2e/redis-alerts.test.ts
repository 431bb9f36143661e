import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { type Bot, createBot } from '../../src/app.js'
import { MockWorld } from '../../src/demo/mock-world.js'
import { memoryLog } from '../../src/log/log.js'
import { RedisServer } from '../faults/redis-server.js'
import { eventually, STAFF } from '../support/harness.js'
import { sample } from '../support/prometheus.js'
import { testPrefix } from '../support/redis.js'
import { WebhookServer } from '../support/webhook-server.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function readyz(bot: Bot): Promise<{ status: number; body: { checks: Record<string, string> } }> {
  const address = bot.httpAddress()
  const response = await fetch(`http://127.0.0.1:${address?.port}/readyz`)
  return { status: response.status, body: (await response.json()) as { checks: Record<string, string> } }
}

async function spooled(bot: Bot): Promise<number | undefined> {
  const response = await fetch(`http://127.0.0.1:${bot.httpAddress()?.port}/metrics`)
  return sample(await response.text(), 'kefu_spool_messages')
}

describe('when Redis goes away', () => {
  it('alerts once when Redis is lost and once when it is back, and as the spool fills and drains', async () => {
    const redis = await RedisServer.start()
    cleanups.push(() => redis.close())
    const hook = await WebhookServer.start()
    cleanups.push(() => hook.close())
    const dir = mkdtempSync(join(tmpdir(), 'kefu-redis-alerts-'))
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }))
    const world = new MockWorld()
    const prefix = testPrefix('alerts')
    const bot = createBot(
      {
        locale: 'en',
        redis: { url: redis.url, prefix },
        store: { file: join(dir, 'transcripts.db') },
        ingest: { partitions: 1, spoolLimit: 4 },
        alerts: { webhook: { url: hook.url } },
        http: { port: 0 },
        staff: [{ ...STAFF.agentA, roles: ['agent'] }],
      },
      { puppet: world.puppet, log: memoryLog() },
    )
    await bot.start()
    let stopped = false
    cleanups.push(async () => {
      if (!stopped) await bot.stop()
    })
    expect((await readyz(bot)).status).toBe(200)

    await redis.down()
    await eventually(() => hook.kinds().includes('redis-down'), 10_000, 'the redis-down alert')
    const down = await readyz(bot)
    expect(down.status).toBe(503)
    expect(down.body.checks.redis).toMatch(/^not connected/)
    expect(down.body.checks.wechat).toBe('ok')

    // Customers keep writing: their messages wait in the spool, which holds four; the fifth is refused.
    const customer = world.person('cust-spool', 'Ann')
    for (const [index, text] of ['one', 'two', 'three', 'four'].entries()) {
      customer.say(text)
      await eventually(async () => (await spooled(bot)) === index + 1, 10_000, `${index + 1} spooled`)
    }
    customer.say('five')
    await eventually(() => hook.kinds().includes('spool-full'), 10_000, 'the spool-full alert')
    // A longer outage leaves BullMQ's blocking connections reconnecting, which once made the stop
    // below wait forever (taskforcesh/bullmq#4656).
    await new Promise((resolve) => setTimeout(resolve, 12_000))

    await redis.up()
    await eventually(() => hook.kinds().includes('spool-drained'), 20_000, 'the spool-drained alert')
    await eventually(async () => (await readyz(bot)).status === 200, 10_000, 'ready again')
    // Reconnecting failed many times meanwhile; each condition was told once each way.
    expect(hook.kinds()).toEqual(['redis-down', 'spool-filling', 'spool-full', 'redis-back', 'spool-drained'])
    const [filling, full] = hook.posted.slice(1, 3).map((post) => post.body)
    expect(filling).toMatchObject({ severity: 'warning', details: { size: 2, limit: 4 } })
    expect(full).toMatchObject({
      severity: 'critical',
      text: `🔴 [${prefix}] The local spool is full (4 messages): new messages are refused. Bring Redis back now.`,
    })
    // And the bot still stops within the service's 30 s drain.
    const stopping = Date.now()
    await bot.stop()
    stopped = true
    expect(Date.now() - stopping).toBeLessThan(30_000)
    // The waits above are bounded one by one; on a loaded machine they may add up past the default.
  }, 120_000)
})
