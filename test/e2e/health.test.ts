import { afterEach, describe, expect, it } from 'vitest'
import { eventually, Harness, received } from '../support/harness.js'
import { sample } from '../support/prometheus.js'

let h: Harness | undefined
afterEach(async () => {
  await h?.stop()
  h = undefined
})

function url(h: Harness, path: string): string {
  const address = h.bot.httpAddress()
  if (!address) throw new Error('the bot serves no HTTP')
  return `http://127.0.0.1:${address.port}${path}`
}

async function scrape(h: Harness): Promise<string> {
  const response = await fetch(url(h, '/metrics'))
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/)
  return response.text()
}

async function until(h: Harness, name: string, value: number, labels: Record<string, string> = {}) {
  await eventually(
    async () => sample(await scrape(h), name, labels) === value,
    15_000,
    `${name} to read ${value}`,
  )
}

describe('health and metrics over HTTP', () => {
  it('counts a waiting customer, overdue once the reply timeout passes, and no longer once answered', async () => {
    h = await new Harness({ http: { port: 0 } }).start()
    await h.onDuty(h.agentA)
    const first = await scrape(h)
    expect(sample(first, 'kefu_conversations_waiting')).toBe(0)
    expect(sample(first, 'kefu_agents_on_duty')).toBe(1)
    expect(sample(first, 'kefu_agents_away')).toBe(0)
    expect(sample(first, 'kefu_wechat_logged_in')).toBe(1)
    expect(sample(first, 'kefu_spool_messages')).toBe(0)
    expect(sample(first, 'kefu_queue_jobs', { queue: 'outbox' })).toBeTypeOf('number')
    expect(sample(first, 'kefu_outbox_backlog')).toBeTypeOf('number')
    expect(sample(first, 'kefu_process_cpu_user_seconds_total')).toBeTypeOf('number')
    expect(sample(first, 'kefu_sends_failed_total')).toBe(0)

    const customer = h.customer('cust-wait', '郑一')
    customer.say('请问发货了吗')
    await received(h.agentA, '【A1】郑一：请问发货了吗')
    await until(h, 'kefu_conversations_waiting', 1)
    // The harness's reply timeout is 2 s: the supervisors hear of it, and the gauge counts it overdue.
    await received(h.supervisor, 'A1')
    await until(h, 'kefu_conversations_overdue', 1)
    await until(h, 'kefu_alert_lateness_seconds_count', 1, { level: '2' })

    h.agentA.say('A1 已经发货了')
    await received(customer, '已经发货了')
    await until(h, 'kefu_conversations_waiting', 0)
    const answered = await scrape(h)
    expect(sample(answered, 'kefu_conversations_overdue')).toBe(0)
    // Answered after the 2 s timeout had passed: the first response took longer than that.
    expect(sample(answered, 'kefu_first_response_seconds_count')).toBe(1)
    expect(sample(answered, 'kefu_first_response_seconds_sum')).toBeGreaterThan(2)
  })

  it('is ready while WeChat is logged in, and 503 naming WeChat while it is not', async () => {
    h = await new Harness({ http: { port: 0 } }).start()
    const ready = await fetch(url(h, '/readyz'))
    expect(ready.status).toBe(200)
    expect(await ready.json()).toEqual({ ready: true, checks: { redis: 'ok', store: 'ok', wechat: 'ok' } })

    await h.world.puppet.logout('kicked out by the test')
    await eventually(async () => (await fetch(url(h as Harness, '/readyz'))).status === 503, 10_000, '503')
    const notReady = await fetch(url(h, '/readyz'))
    expect(await notReady.json()).toEqual({
      ready: false,
      checks: { redis: 'ok', store: 'ok', wechat: 'not logged in' },
    })
    expect(sample(await scrape(h), 'kefu_wechat_logged_in')).toBe(0)
    const alive = await fetch(url(h, '/healthz'))
    expect(alive.status).toBe(200)

    h.world.mocker.login(h.world.botAccount)
    await eventually(async () => (await fetch(url(h as Harness, '/readyz'))).status === 200, 10_000, '200')
    expect(sample(await scrape(h), 'kefu_wechat_logged_in')).toBe(1)
  })

  it('answers 404 for a path it does not serve', async () => {
    h = await new Harness({ http: { port: 0 } }).start()
    const response = await fetch(url(h, '/admin'))
    expect(response.status).toBe(404)
    expect(await response.json()).toEqual({ error: 'not found', path: '/admin' })
    expect((await fetch(url(h, '/metrics'), { method: 'POST' })).status).toBe(405)
  })

  it('listens nowhere when no port is configured', async () => {
    const servers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'TCPServerWrap').length
    const before = servers()
    h = await new Harness().start()
    expect(h.bot.httpAddress()).toBeUndefined()
    expect(servers()).toBe(before)
  })
})
