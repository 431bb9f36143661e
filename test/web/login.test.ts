import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STAFF } from '../support/harness.js'
import { consoleBot } from './console-client.js'

let bot: Awaited<ReturnType<typeof consoleBot>>
beforeAll(async () => {
  bot = await consoleBot()
}, 60_000)
afterAll(() => bot?.stop())

describe('the console: login by one-time link, sessions, CSRF, logout', () => {
  it('logs in by the link, with an HttpOnly SameSite=Strict cookie; the link works once', async () => {
    const url = await bot.link(STAFF.supervisor)
    const confirm = await fetch(url, { redirect: 'manual' })
    expect(confirm.status).toBe(200)
    // Opening the link (as WeChat's preview does) does not use it up: the page has a button.
    expect(await confirm.text()).toMatch(/<form data-login method="post" action="\/login">/)
    const browser = bot.client()
    const login = await browser.login(url)
    expect(login.status).toBe(303)
    expect(login.headers.get('location')).toBe('/')
    expect(login.headers.get('set-cookie')).toMatch(
      /^kefu_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=43200$/,
    )
    const page = await browser.get('/conversations/none')
    expect(page.status).toBe(404)
    expect(await page.text()).toContain(STAFF.supervisor.name)

    const again = await bot.client().login(url)
    expect(again.status).toBe(401)
    expect(again.headers.get('set-cookie')).toBeNull()
    expect(await again.text()).toContain('/console')
  })

  it('answers nothing without a session: 401 for pages, the API and the event stream', async () => {
    const stranger = bot.client()
    for (const path of ['/', '/board.json', '/events', '/conversations/x', '/c/A1', '/search']) {
      const response = await stranger.get(path)
      expect(response.status, path).toBe(401)
    }
    expect(await (await stranger.get('/board.json')).json()).toEqual({
      error: expect.stringContaining('/console'),
    })
    stranger.cookie = 'kefu_session=not-a-session'
    expect((await stranger.get('/conversations/x')).status).toBe(401)
  })

  it('refuses a POST without the CSRF token, with a wrong one, or from another site', async () => {
    const browser = bot.client()
    await browser.login(await bot.link(STAFF.manager))
    const csrf = await browser.csrf()
    expect((await browser.post('/logout', {})).status).toBe(403)
    expect((await browser.post('/logout', { csrf: `${csrf.slice(1)}x` })).status).toBe(403)
    expect((await browser.post('/logout', { csrf }, { origin: 'https://evil.example' })).status).toBe(403)
    expect((await browser.post('/logout', { csrf }, { 'sec-fetch-site': 'cross-site' })).status).toBe(403)
    // Still logged in after every refusal.
    expect((await browser.get('/conversations/none')).status).toBe(404)
    // A cross-site login form is refused too.
    const login = await bot
      .client()
      .post('/login', { token: 'x'.repeat(43) }, { origin: 'https://evil.example' })
    expect(login.status).toBe(403)
  })

  it('logout ends the session and clears the cookie', async () => {
    const browser = bot.client()
    await browser.login(await bot.link(STAFF.manager))
    const session = browser.cookie
    const csrf = await browser.csrf()
    const out = await browser.post('/logout', { csrf }, { origin: bot.origin })
    expect(out.status).toBe(303)
    expect(out.headers.get('location')).toBe('/login')
    expect(out.headers.get('set-cookie')).toMatch(
      /^kefu_session=; HttpOnly; SameSite=Strict; Path=\/; Max-Age=0/,
    )
    browser.cookie = session
    expect((await browser.get('/conversations/none')).status).toBe(401)
  })

  it('a member removed from the staff list loses every session at once', async () => {
    const first = bot.client()
    const second = bot.client()
    await first.login(await bot.link(STAFF.agentB))
    await second.login(await bot.link(STAFF.agentB))
    expect((await first.get('/conversations/none')).status).toBe(404)
    const config = bot.h.config()
    await bot.h.bot.updateStaff(config.staff.filter((member) => member.id !== STAFF.agentB.id))
    expect((await first.get('/conversations/none')).status).toBe(401)
    expect((await second.get('/conversations/none')).status).toBe(401)
    await bot.h.bot.updateStaff(config.staff)
    expect((await first.get('/conversations/none')).status).toBe(401)
  })

  it('sends the security headers with every answer', async () => {
    for (const response of [await bot.client().get('/'), await bot.client().get('/login')]) {
      expect(response.headers.get('content-security-policy')).toBe(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
      )
      expect(response.headers.get('x-content-type-options')).toBe('nosniff')
      expect(response.headers.get('referrer-policy')).toBe('same-origin')
      expect(response.headers.get('cache-control')).toBe('no-store')
    }
  })

  it('logs each request by its route, never a token', async () => {
    const url = await bot.link(STAFF.supervisor)
    await bot.client().login(url)
    const token = url.split('/login/')[1] ?? ''
    const logged = JSON.stringify(bot.h.log.lines)
    expect(logged).toContain('"route":"/login/:token"')
    expect(logged).not.toContain(token)
    expect(logged).not.toContain('kefu_session=')
  })

  it('serves the assets by name without a session, and nothing else from the disk', async () => {
    const stranger = bot.client()
    expect((await stranger.get('/assets/no-such.css')).status).toBe(404)
    expect((await stranger.get('/assets/..%2Fserver.ts')).status).toBe(404)
    expect((await stranger.get('/assets/%2E%2E%2Fparts.ts')).status).toBe(404)
  })

  it('limits failed logins from one address, then refuses even a good link for a while', async () => {
    const guesser = bot.client()
    const statuses: number[] = []
    // Earlier tests failed a login or two from this address too.
    for (let n = 0; n < 21; n++)
      statuses.push((await guesser.post('/login', { token: `${n}`.padEnd(43, 'x') })).status)
    const limited = statuses.indexOf(429)
    expect(limited).toBeGreaterThan(15)
    expect(statuses.slice(0, limited).every((status) => status === 401)).toBe(true)
    expect((await bot.client().login(await bot.link(STAFF.manager))).status).toBe(429)
  })
})
