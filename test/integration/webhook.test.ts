import { createServer } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { eventually } from '../../src/demo/wait.js'
import { memoryLog } from '../../src/log/log.js'
import type { Alert } from '../../src/ops/alert-kinds.js'
import { Alerts } from '../../src/ops/alerts.js'
import { WebhookSender } from '../../src/ops/webhook.js'
import { Text } from '../../src/text/text.js'
import { WebhookServer } from '../support/webhook-server.js'

/** Retries a few milliseconds apart, so that giving up takes no time. */
const QUICK = { queueLimit: 3, attempts: 3, backoffMs: 10, maxBackoffMs: 20 }

let hook: WebhookServer | undefined
let sender: WebhookSender | undefined
afterEach(async () => {
  await sender?.close(0)
  await hook?.close()
})

function alert(kind: Alert['kind'], n = 0): Alert {
  return {
    kind,
    at: new Date(n).toISOString(),
    account: 'kefu',
    prefix: 'kefu',
    severity: 'info',
    text: `alert ${n}`,
    details: { n },
  }
}

describe('the webhook sender', () => {
  it('gives an alert up after every attempt failed, with a log line, and goes on with the next', async () => {
    hook = await WebhookServer.start()
    const log = memoryLog()
    sender = new WebhookSender({ url: hook.url, timeoutMs: 1000, headers: {} }, log, QUICK)
    hook.refuse(3)
    sender.post(alert('redis-down', 1), JSON.stringify(alert('redis-down', 1)))
    sender.post(alert('redis-back', 2), JSON.stringify(alert('redis-back', 2)))
    await eventually(() => hook?.kinds().includes('redis-back') ?? false, 10_000, 'the second alert')
    expect(hook.attempts).toBe(4)
    expect(hook.kinds()).toEqual(['redis-back'])
    const gaveUp = log.lines.find((line) => line.message === 'alert given up: the webhook did not take it')
    expect(gaveUp).toMatchObject({
      level: 'error',
      fields: { kind: 'redis-down', attempts: 3, err: 'HTTP 500' },
    })
  })

  it('names the account in every alert: its name in the body, its title in the sentence', async () => {
    hook = await WebhookServer.start()
    const log = memoryLog()
    sender = new WebhookSender({ url: hook.url, timeoutMs: 1000, headers: {} }, log, QUICK)
    const alerts = new Alerts({
      account: { name: 'shop-a', title: '旗舰店' },
      prefix: '{shop-a}',
      text: new Text('zh-CN', 'Asia/Shanghai'),
      log,
      clock: () => 0,
      webhook: { sender, format: 'json' },
    })
    alerts.wentDown('redis')
    await eventually(() => hook?.kinds().length === 1, 10_000, 'the alert')
    expect(hook.posted[0]?.body).toMatchObject({
      kind: 'redis-down',
      account: 'shop-a',
      prefix: '{shop-a}',
      text: expect.stringMatching(/^🔴【旗舰店】Redis 无法连接/),
    })
  })

  it('keeps at most its limit of alerts waiting, dropping the oldest', async () => {
    hook = await WebhookServer.start()
    hook.mode = 'hang'
    const log = memoryLog()
    sender = new WebhookSender({ url: hook.url, timeoutMs: 60_000, headers: {} }, log, QUICK)
    for (let n = 1; n <= 5; n++) sender.post(alert('send-failed', n), JSON.stringify(alert('send-failed', n)))
    expect(log.lines.filter((line) => line.message.startsWith('alert dropped')).length).toBe(2)
    await eventually(() => hook?.attempts === 1, 10_000, 'the first attempt')
    // The one in flight hangs; stopping aborts it and drops what still waits.
    await sender.close(0)
    expect(log.lines.some((line) => line.message.startsWith('alerts not posted'))).toBe(true)
  })

  it('counts a WeCom robot refusing a message with a non-zero errcode as a failure', async () => {
    const log = memoryLog()
    let answers = 0
    const robot = createServer((_request, response) => {
      answers++
      response.end(answers === 1 ? '{"errcode":45009,"errmsg":"api freq out of limit"}' : '{"errcode":0}')
    })
    await new Promise<void>((resolve) => robot.listen(0, '127.0.0.1', resolve))
    try {
      const port = (robot.address() as { port: number }).port
      sender = new WebhookSender(
        { url: `http://127.0.0.1:${port}/`, timeoutMs: 1000, headers: {} },
        log,
        QUICK,
      )
      sender.post(alert('logged-out'), '{}')
      await eventually(() => answers === 2, 10_000, 'the retry')
      await eventually(
        () => log.lines.some((line) => line.message === 'alert posted to the webhook'),
        10_000,
        'the alert to be taken',
      )
    } finally {
      await sender?.close(0)
      robot.closeAllConnections()
      await new Promise((resolve) => robot.close(resolve))
    }
  })
})
