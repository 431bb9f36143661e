import { mkdirSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Person } from '../../src/demo/mock-world.js'
import { launchBrowser } from '../support/browser.js'
import { eventually, Harness, received, STAFF } from '../support/harness.js'

/**
 * The web console in a real Chromium against the real bot on the mock WeChat: staff log in with the
 * link `/console` sends them, watch the board, read conversations as their role allows and act on
 * them. Screenshots of the board and a report go to test/e2e/__screenshots__/ (git-ignored).
 */
const SCREENSHOTS = join(import.meta.dirname, '__screenshots__')
/**
 * Where the ladder is not what a test is about, it must not move a conversation to another agent
 * half-way (the harness's 2-second timeout would, on a busy machine).
 */
const CALM = { console: { port: 0 }, sla: { replyTimeout: '10m' } }
const LINK = /https?:\/\/\S+\/login\/[A-Za-z0-9_-]+/

let browser: Browser
let h: Harness
const contexts: BrowserContext[] = []

beforeAll(async () => {
  browser = await launchBrowser()
  mkdirSync(SCREENSHOTS, { recursive: true })
})
afterAll(async () => {
  await browser?.close()
})
afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close()
  await h?.stop()
})

function origin(): string {
  const address = h.bot.consoleAddress()
  if (!address) throw new Error('the console is not listening')
  return `http://127.0.0.1:${address.port}`
}

/** The link the bot sends a staff member for `/console`, the newest one. */
async function linkFor(person: Person): Promise<string> {
  const before = person.texts().length
  person.say('/console')
  await eventually(
    () =>
      person
        .texts()
        .slice(before)
        .some((text) => LINK.test(text)),
    10_000,
    'a link',
  )
  const text = person
    .texts()
    .slice(before)
    .find((said) => LINK.test(said))
  const link = text?.match(LINK)?.[0]
  if (!link) throw new Error('no login link')
  return link
}

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ locale: 'zh-CN' })
  contexts.push(context)
  return context.newPage()
}

/** Opens the link in a fresh browser and confirms it: the board is what comes up. */
async function logIn(person: Person): Promise<Page> {
  const page = await newPage()
  await page.goto(await linkFor(person))
  await page.click('form[data-login] button[type=submit]')
  await page.waitForURL(`${origin()}/`)
  return page
}

describe('the web console', () => {
  it('logs in once by the link from /console, refuses the link a second time, and shows nothing without a session', async () => {
    h = await new Harness(CALM).start()
    const link = await linkFor(h.supervisor)
    const page = await newPage()
    await page.goto(link)
    await page.click('form[data-login] button[type=submit]')
    await page.waitForURL(`${origin()}/`)
    // After login neither the token nor anything else of the link is in the address bar.
    expect(page.url()).toBe(`${origin()}/`)
    await page.waitForSelector('table[data-board="waiting"]')
    const [cookie] = await page.context().cookies()
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' })

    // The same link again: the confirmation page still shows, the login it posts is refused.
    const again = await newPage()
    await again.goto(link)
    const [refused] = await Promise.all([
      again.waitForResponse((response) => response.request().method() === 'POST'),
      again.click('form[data-login] button[type=submit]'),
    ])
    expect(refused.status()).toBe(401)
    expect(again.url()).toBe(`${origin()}/login`)
    expect(await again.context().cookies()).toEqual([])

    const stranger = await newPage()
    for (const path of ['/', '/search', '/reports', `/conversations/x`]) {
      const response = await stranger.goto(`${origin()}${path}`)
      expect(response?.status()).toBe(401)
      expect(await stranger.textContent('body')).toContain('/console')
    }
    expect((await stranger.request.get(`${origin()}/board.json`)).status()).toBe(401)
  })

  it('shows a waiting customer within a second, turns the row red when the supervisor is alerted, and drops it once the agent answers', async () => {
    h = await new Harness({ console: { port: 0 }, sla: { replyTimeout: '3s' } }).start()
    await h.onDuty(h.agentA)
    const page = await logIn(h.supervisor)
    await page.waitForSelector('table[data-board="agents"] tr[data-agent="agent-a"]')

    const zhang = h.customer('cust-zhang', '张三')
    const wrote = Date.now()
    zhang.say('你好，我的快递还没到')
    const row = page.locator('table[data-board="waiting"] tr[data-code="A1"]')
    await row.waitFor({ timeout: 1000 })
    expect(Date.now() - wrote).toBeLessThan(1000)
    expect(await row.getAttribute('data-level')).toBe('ok')
    await expect.poll(() => row.locator('[data-countdown]').textContent()).toMatch(/\d/)

    await received(h.supervisor, '超时提醒', 6000)
    await eventually(async () => (await row.getAttribute('data-level')) === 'overdue', 1500, 'a red row')
    await page.screenshot({ path: join(SCREENSHOTS, 'board.png'), fullPage: true })

    h.agentA.say('A1 您好，快递明天到')
    await received(zhang, '快递明天到')
    await row.waitFor({ state: 'detached', timeout: 3000 })
  })

  it('masks the phone number for a supervisor, shows it whole to a manager and audits the read, and refuses an agent a colleague’s conversation', async () => {
    h = await new Harness(CALM).start()
    await h.onDuty(h.agentA, h.agentB)
    h.customer('cust-zhang', '张三').say('我的手机号是13812345678，请回电')
    await received(h.agentA, '13812345678')
    h.customer('cust-li', '李四').say('发票怎么开')
    await received(h.agentB, '【A2】')
    await h.settle()
    const [a1] = await h.bot.transcripts.conversationsOfCustomer('cust-zhang')
    const [a2] = await h.bot.transcripts.conversationsOfCustomer('cust-li')
    if (!a1 || !a2) throw new Error('conversations not recorded')

    const supervisor = await logIn(h.supervisor)
    await supervisor.goto(`${origin()}/conversations/${a1.id}`)
    const seenBySupervisor = await supervisor.locator('[data-entry]').allTextContents()
    expect(seenBySupervisor.join('\n')).toContain('138****5678')
    expect(seenBySupervisor.join('\n')).not.toContain('13812345678')

    const manager = await logIn(h.manager)
    await manager.goto(`${origin()}/conversations/${a1.id}`)
    expect((await manager.locator('[data-entry]').allTextContents()).join('\n')).toContain('13812345678')
    await eventually(
      async () =>
        (await h.bot.transcripts.entries(a1.id)).some(
          (entry) =>
            entry.kind === 'event' && entry.type === 'transcript-read' && entry.data.by === STAFF.manager.id,
        ),
      5000,
      "the manager's read in the audit",
    )

    const agent = await logIn(h.agentA)
    expect((await agent.goto(`${origin()}/conversations/${a2.id}`))?.status()).toBe(403)
    expect((await agent.goto(`${origin()}/conversations/${a1.id}`))?.status()).toBe(200)
  })

  it('assigns from the page, and the agent receives the conversation in WeChat', async () => {
    h = await new Harness(CALM).start()
    await h.onDuty(h.agentA, h.agentB)
    h.customer('cust-zhang', '张三').say('我想退货')
    await received(h.agentA, '【A1】张三')
    await h.settle()
    const [a1] = await h.bot.transcripts.conversationsOfCustomer('cust-zhang')
    if (!a1) throw new Error('conversation not recorded')

    const page = await logIn(h.supervisor)
    await page.goto(`${origin()}/conversations/${a1.id}`)
    await page.selectOption('form[data-action="assign"] select[name=agent]', STAFF.agentB.id)
    await page.click('form[data-action="assign"] button[type=submit]')
    await page.waitForURL(/done=assign/)
    await received(h.agentB, '【A1】')
    await h.settle()
    expect(await h.bot.transcripts.conversation(a1.id)).toMatchObject({ agentId: STAFF.agentB.id })
  })

  it('refuses a POST sent from another site, and the conversation stays as it was', async () => {
    h = await new Harness(CALM).start()
    await h.onDuty(h.agentA)
    h.customer('cust-zhang', '张三').say('在吗')
    await received(h.agentA, '【A1】张三')
    await h.settle()
    const [a1] = await h.bot.transcripts.conversationsOfCustomer('cust-zhang')
    if (!a1) throw new Error('conversation not recorded')
    const page = await logIn(h.supervisor)

    // A page on another origin that posts a close form to the console as soon as it loads.
    const target = `${origin()}/conversations/${a1.id}/close`
    const evil = await listen((_, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      response.end(
        `<form id="f" method="post" action="${target}"><input name="csrf" value="guess"></form>` +
          '<script>document.getElementById("f").submit()</script>',
      )
    })
    try {
      const posted = page.waitForResponse((response) => response.url() === target)
      await page.goto(`http://localhost:${(evil.address() as AddressInfo).port}/`)
      const response = await posted
      expect([401, 403]).toContain(response.status())
    } finally {
      evil.close()
    }
    await h.settle()
    expect(await h.bot.transcripts.conversation(a1.id)).toMatchObject({ status: 'assigned' })
  })

  it('draws the reports with their charts', async () => {
    h = await new Harness(CALM).start()
    await h.onDuty(h.agentA)
    const zhang = h.customer('cust-zhang', '张三')
    zhang.say('你好')
    await received(h.agentA, '【A1】张三')
    h.agentA.say('A1 您好')
    await received(zhang, '您好')
    h.agentA.say('/close A1')
    await received(zhang, /打分/)
    zhang.say('5')
    await h.settle()
    const page = await logIn(h.manager)
    await page.goto(`${origin()}/reports`)
    for (const chart of ['first-response', 'overdue-per-agent', 'same-day', 'csat'])
      await page.waitForSelector(`svg[data-chart="${chart}"]`)
    await page.waitForSelector('[data-report="tally"]')
    await page.screenshot({ path: join(SCREENSHOTS, 'report.png'), fullPage: true })
    const csv = await page.request.get(
      new URL((await page.getAttribute('a[data-download="csv"]', 'href')) ?? '', origin()).href,
    )
    expect(csv.status()).toBe(200)
    // The figures of npm run report: the agent who answered has a row of their own.
    expect(await csv.text()).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2},${STAFF.agentA.name},1,1,`, 'm'))
  })
})

function listen(handler: Parameters<typeof createServer>[1]): Promise<Server> {
  const server = createServer(handler)
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}
