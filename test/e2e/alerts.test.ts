import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { eventually, Harness, received } from '../support/harness.js'
import { WebhookServer } from '../support/webhook-server.js'

let h: Harness | undefined
let hook: WebhookServer | undefined
afterEach(async () => {
  await h?.stop()
  await hook?.close()
  h = undefined
  hook = undefined
})

async function botWithWebhook(
  format: 'json' | 'wecom-markdown' = 'json',
  timeoutMs = 5000,
): Promise<{ h: Harness; hook: WebhookServer }> {
  hook = await WebhookServer.start()
  h = await new Harness({
    alerts: {
      digestWindow: '200ms',
      webhook: { url: hook.url, format, timeoutMs, headers: { authorization: 'Bearer test-token' } },
    },
  }).start()
  return { h, hook }
}

/** The puppet logs the account out, and the bot's account logs in again, as WeChat does. */
function logOut(h: Harness): Promise<void> {
  return h.world.puppet.logout('kicked out by the test')
}
function logIn(h: Harness): void {
  h.world.mocker.login(h.world.botAccount)
}

describe('alerts that do not need WeChat', () => {
  it('posts one JSON alert when WeChat logs the bot out and one when it logs in again', async () => {
    const { h, hook } = await botWithWebhook()
    await logOut(h)
    await eventually(() => hook.kinds().includes('logged-out'), 10_000, 'the logged-out alert')
    logIn(h)
    await eventually(() => hook.kinds().includes('logged-in'), 10_000, 'the logged-in alert')
    // The same outage heard of again (Wechaty repeats itself) is no new alert.
    await logOut(h)
    await eventually(() => hook.kinds().length === 3, 10_000, 'the second logged-out alert')
    logIn(h)
    await eventually(() => hook.kinds().length === 4, 10_000, 'the second logged-in alert')
    expect(hook.kinds()).toEqual(['logged-out', 'logged-in', 'logged-out', 'logged-in'])
    const [post] = hook.posted
    expect(post?.headers.authorization).toBe('Bearer test-token')
    expect(post?.headers['content-type']).toBe('application/json')
    expect(post?.body).toEqual({
      kind: 'logged-out',
      at: expect.any(String),
      account: h.prefix,
      prefix: h.prefix,
      severity: 'critical',
      text: `🔴【${h.prefix}】微信账号已退出登录，消息暂停发送。请尽快重新扫码登录。`,
      details: {},
    })
    expect(new Date(String(post?.body.at)).toISOString()).toBe(post?.body.at)
    // Meanwhile the bot still serves: sends waited for the login and then went out.
    await h.onDuty(h.agentA)
  })

  it('tells a WeCom group robot of a send given up on, in markdown, with ids and no customer text', async () => {
    const { h, hook } = await botWithWebhook('wecom-markdown')
    await h.onDuty(h.agentA)
    const puppet = h.world.puppet
    const send = puppet.messageSendText.bind(puppet)
    puppet.messageSendText = async (to: string, text: string) => {
      if (to === 'cust-blocked') throw new Error('the contact has blocked the account')
      return send(to, text)
    }
    h.customer('cust-blocked', '秦八').say('我的手机号是13812345678')
    await received(h.agentA, '【A1】秦八')
    h.agentA.say('A1 秦先生您好，已为您查到订单')
    await received(h.supervisor, '【发送失败】')
    await eventually(() => hook.posted.length > 0, 10_000, 'the send-failed alert')
    for (const post of hook.posted) {
      expect(post.body.msgtype).toBe('markdown')
      const content = (post.body.markdown as { content: string }).content
      expect(content).toMatch(
        /^<font color="comment">🟠【test-e2e-[0-9a-f]+】一条发给客户的消息多次重试后仍未发出/,
      )
      expect(content).toContain('> to: cust-blocked')
      expect(content).toMatch(/> 时间：\d{4}-\d{2}-\d{2} \d{2}:\d{2}/)
      for (const secret of ['秦八', '秦先生', '13812345678', '已为您查到订单'])
        expect(post.raw).not.toContain(secret)
    }
  })

  it('posts one alert when the transcript store refuses writes and one when it takes them again', async () => {
    const { h, hook } = await botWithWebhook()
    await h.onDuty(h.agentA)
    // Another writer holds the SQLite file: every write of the bot's is refused meanwhile.
    const lock = new Database(String(h.config().store?.file))
    lock.exec('BEGIN EXCLUSIVE')
    try {
      h.customer('cust-store', '周九').say('在吗')
      await received(h.agentA, '【A1】周九：在吗')
      h.agentA.say('A1 在的')
      await eventually(() => hook.kinds().includes('store-down'), 10_000, 'the store-down alert')
    } finally {
      lock.exec('COMMIT')
      lock.close()
    }
    await eventually(() => hook.kinds().includes('store-back'), 20_000, 'the store-back alert')
    await h.settle(20_000)
    expect(hook.kinds()).toEqual(['store-down', 'store-back'])
    expect(hook.posted[0]?.body.severity).toBe('warning')
  })

  it('delivers an alert after the webhook failed it, retrying with backoff', async () => {
    const { h, hook } = await botWithWebhook()
    hook.refuse(2)
    await logOut(h)
    await eventually(() => hook.kinds().includes('logged-out'), 15_000, 'the alert after retries')
    expect(hook.attempts).toBe(3)
    expect(hook.kinds()).toEqual(['logged-out'])
  })

  it('keeps serving while the webhook never answers, and stops all the same', async () => {
    const { h: bot, hook } = await botWithWebhook('json', 300)
    hook.mode = 'hang'
    await logOut(bot)
    logIn(bot)
    await bot.onDuty(bot.agentA)
    const customer = bot.customer('cust-hang', '吴十')
    customer.say('你好')
    await received(bot.agentA, '【A1】吴十：你好')
    bot.agentA.say('A1 您好')
    await received(customer, '您好')
    await eventually(() => hook.attempts >= 2, 10_000, 'a retry after the first attempt timed out')
    expect(hook.posted).toEqual([])
    // Stopping gives the waiting alerts a short grace, then drops them with a log line.
    h = undefined
    await bot.stop()
    expect(bot.log.lines.some((line) => line.message.startsWith('alerts not posted'))).toBe(true)
  })
})
