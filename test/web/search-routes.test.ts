import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { maskName } from '../../src/domain/mask.js'
import type { ConversationSummary, MessageEntry } from '../../src/domain/transcript.js'
import { zonedTime } from '../../src/domain/zoned-time.js'
import { SEARCH_PAGE_SIZE, searchRoutes } from '../../src/web/routes/search.js'
import { get, type PagesUnderTest, post, servePages, TZ } from './store-parts.js'

let pages: PagesUnderTest
const at = (day: string, minute: number) => zonedTime(day, minute, TZ)

function conversation(
  id: string,
  openedAt: number,
  fields: Partial<ConversationSummary>,
): ConversationSummary {
  return {
    id,
    code: `A${id.slice(1)}`,
    customerId: `cust-${id}`,
    customerName: '张三丰',
    status: 'closed',
    agentId: 'agent-a',
    openedAt,
    overdueCount: 0,
    category: 'order',
    rev: 1,
    ...fields,
  }
}

function said(conversationId: string, when: number, text: string): MessageEntry {
  return {
    kind: 'message',
    id: `${conversationId}-m`,
    conversationId,
    at: when,
    seq: 0,
    actor: { id: `cust-${conversationId}`, role: 'customer' },
    direction: 'in',
    text,
  }
}

beforeAll(async () => {
  pages = await servePages([searchRoutes], { now: at('2026-12-01', 12 * 60) })
  // 25 of agent-a's on 20 Nov, one a minute; then agent-b's: 李四 gave his phone, 王五 wants a refund.
  for (let n = 1; n <= 25; n++) {
    const id = `c${String(n).padStart(2, '0')}`
    const opened = at('2026-11-20', 9 * 60 + n)
    await pages.store.write({
      entries: [said(id, opened, '我的订单三天了还没发货')],
      conversation: conversation(id, opened, n % 2 ? { rating: 5 } : {}),
    })
  }
  const c26 = at('2026-11-25', 10 * 60)
  await pages.store.write({
    entries: [said('c26', c26, '电话 13912345678，快点')],
    conversation: conversation('c26', c26, {
      customerName: '李四',
      agentId: 'agent-b',
      category: 'aftersales',
      status: 'assigned',
    }),
  })
  const c27 = at('2026-11-28', 10 * 60)
  await pages.store.write({
    entries: [said('c27', c27, '退款什么时候到账')],
    conversation: conversation('c27', c27, {
      customerName: '王五',
      agentId: 'agent-b',
      category: 'complaint',
      rating: 2,
    }),
  })
})
afterAll(() => pages.close())

/** The results' conversation ids, in page order. */
const idsOf = (body: string) => [...body.matchAll(/<tr data-result data-id="([^"]+)">/g)].map((m) => m[1])
const rel = (body: string, name: string) => new RegExp(`<a rel="${name}" href="([^"]+)"`).exec(body)?.[1]

describe('the search page', () => {
  it('lists every conversation newest first, 20 a page, with links to the next and previous pages', async () => {
    const first = await get(pages, 'sup-1', '/search')
    expect(first.status).toBe(200)
    const body = await first.text()
    expect(body).toContain('<form method="get" action="/search" data-search')
    expect(idsOf(body)).toHaveLength(SEARCH_PAGE_SIZE)
    expect(idsOf(body).slice(0, 3)).toEqual(['c27', 'c26', 'c25'])
    expect(body).toContain('<a href="/conversations/c27">A27</a>')
    expect(rel(body, 'prev')).toBeUndefined()
    const next = rel(body, 'next')
    expect(next).toBe('/search?page=2')
    const second = await (await get(pages, 'sup-1', next ?? '')).text()
    expect(idsOf(second)).toEqual(['c07', 'c06', 'c05', 'c04', 'c03', 'c02', 'c01'])
    expect(rel(second, 'prev')).toBe('/search?page=1')
    expect(rel(second, 'next')).toBeUndefined()
    expect(second).toContain('共 27 个会话，显示第 21–27 个。')
  })

  it('filters by code, dates, agent, category, status, rating and text, and keeps the filters on the next page', async () => {
    const ids = async (query: string) => idsOf(await (await get(pages, 'sup-1', `/search?${query}`)).text())
    expect(await ids('code=a26')).toEqual(['c26'])
    expect(await ids('from=2026-11-25&to=2026-11-28')).toEqual(['c27', 'c26'])
    expect(await ids('to=2026-11-25')).toHaveLength(SEARCH_PAGE_SIZE)
    expect(await ids('agent=agent-b')).toEqual(['c27', 'c26'])
    expect(await ids('category=complaint')).toEqual(['c27'])
    expect(await ids('status=assigned')).toEqual(['c26'])
    expect(await ids('rating=2')).toEqual(['c27'])
    expect(await ids(`text=${encodeURIComponent('退款')}`)).toEqual(['c27'])
    expect(
      await ids(`text=${encodeURIComponent('三天了')}&rating=5&from=2026-11-20&to=2026-11-20`),
    ).toHaveLength(13)
    const body = await (await get(pages, 'sup-1', `/search?text=${encodeURIComponent('发货')}`)).text()
    expect(rel(body, 'next')).toBe(`/search?text=${encodeURIComponent('发货')}&amp;page=2`)
    // The form shows the filters it was sent.
    expect(body).toContain('value="发货"')
  })

  it('shows supervisors customers masked and managers whole', async () => {
    const supervisor = await (await get(pages, 'sup-1', '/search?agent=agent-b')).text()
    expect(supervisor).toContain(`<td>${maskName('李四')}</td>`)
    expect(supervisor).not.toContain('李四')
    expect(supervisor).not.toContain('data-search="customer"')
    const manager = await (await get(pages, 'mgr-1', '/search?agent=agent-b')).text()
    expect(manager).toContain('<td>李四</td>')
    expect(manager).toContain('<td>小李</td>')
    expect(manager).toContain('<form method="post" action="/search" data-search="customer"')
    expect(manager).toContain('<input type="hidden" name="csrf" value="csrf-mgr-1">')
  })

  it('shows an agent only the conversations they handled, whatever the filters say', async () => {
    const own = await (await get(pages, 'agent-b', '/search')).text()
    expect(idsOf(own)).toEqual(['c27', 'c26'])
    expect(own).toContain('这里只列出你处理的会话。')
    expect(own).not.toContain('name="agent"')
    expect(idsOf(await (await get(pages, 'agent-b', '/search?agent=agent-a')).text())).toEqual(['c27', 'c26'])
    expect(
      idsOf(await (await get(pages, 'agent-a', `/search?text=${encodeURIComponent('退款')}`)).text()),
    ).toEqual([])
  })

  it('lets a manager find a customer by phone or name by POST, audited with field names and a count only', async () => {
    const before = (await pages.store.auditRecords()).length
    const byPhone = await post(pages, 'mgr-1', '/search', { csrf: 'csrf-mgr-1', customer: '13912345678' })
    expect(byPhone.status).toBe(200)
    expect(idsOf(await byPhone.text())).toEqual(['c26'])
    const byName = await post(pages, 'mgr-1', '/search', {
      csrf: 'csrf-mgr-1',
      customer: '王五',
      from: '2026-11-01',
    })
    expect(idsOf(await byName.text())).toEqual(['c27'])
    const audit = (await pages.store.auditRecords()).slice(before)
    // Both were written at the same instant: their order is the ids', which tell nothing.
    expect(audit).toHaveLength(2)
    expect(audit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'search',
          by: 'mgr-1',
          via: 'web',
          fields: ['customer'],
          results: 1,
        }),
        expect.objectContaining({
          action: 'search',
          by: 'mgr-1',
          via: 'web',
          fields: ['from', 'customer'],
          results: 1,
        }),
      ]),
    )
    expect(JSON.stringify(audit)).not.toMatch(/13912345678|王五|2026-11-01/)
  })

  it('pages a customer search by posting again, never by a link holding the customer', async () => {
    const body = await (
      await post(pages, 'mgr-1', '/search', { csrf: 'csrf-mgr-1', customer: '张三丰' })
    ).text()
    expect(idsOf(body)).toHaveLength(SEARCH_PAGE_SIZE)
    expect(body).not.toMatch(/href="[^"]*customer=/)
    expect(body).toContain('<button type="submit" name="page" value="2" data-rel="next">')
    const second = await post(pages, 'mgr-1', '/search', {
      csrf: 'csrf-mgr-1',
      customer: '张三丰',
      page: '2',
    })
    expect(idsOf(await second.text())).toEqual(['c05', 'c04', 'c03', 'c02', 'c01'])
  })

  it('refuses a customer search from anyone but a manager, and one without the session token', async () => {
    const before = (await pages.store.auditRecords()).length
    const supervisor = await post(pages, 'sup-1', '/search', { csrf: 'csrf-sup-1', customer: '李四' })
    expect(supervisor.status).toBe(403)
    expect(await supervisor.text()).toContain('只有经理可以按客户检索。')
    const forged = await post(pages, 'mgr-1', '/search', { csrf: 'csrf-sup-1', customer: '李四' })
    expect(forged.status).toBe(403)
    expect(await forged.text()).toContain('页面已过期，请重新检索。')
    // In a URL the customer is no filter at all.
    expect(
      idsOf(await (await get(pages, 'mgr-1', `/search?customer=${encodeURIComponent('李四')}`)).text()),
    ).toHaveLength(SEARCH_PAGE_SIZE)
    expect(await pages.store.auditRecords()).toHaveLength(before)
  })

  it('answers a bad date, rating or page with a clear sentence on the page and a 400', async () => {
    const badDate = await get(pages, 'sup-1', '/search?from=2026-13-01')
    expect(badDate.status).toBe(400)
    const body = await badDate.text()
    expect(body).toContain('开始日期不是有效的日期：2026-13-01（请写成 2026-12-01 这样）。')
    expect(body).toContain('<form method="get" action="/search" data-search')
    expect(idsOf(body)).toEqual([])
    const reversed = await get(pages, 'sup-1', '/search?from=2026-11-28&to=2026-11-01')
    expect(reversed.status).toBe(400)
    expect(await reversed.text()).toContain('开始日期 2026-11-28 晚于结束日期 2026-11-01。')
    const rating = await get(pages, 'sup-1', '/search?rating=9&page=0')
    expect(rating.status).toBe(400)
    const text = await rating.text()
    expect(text).toContain('评分的值无效：9。')
    expect(text).toContain('页码无效：0。')
  })

  it('refuses a supervisor a text that holds personal data, which the mask hides from them', async () => {
    const response = await get(pages, 'sup-1', '/search?text=13912345678')
    expect(response.status).toBe(400)
    expect(await response.text()).toContain('按电话、证件号等个人信息检索只限经理，请换个词。')
    const manager = await get(pages, 'mgr-1', '/search?text=13912345678')
    expect(idsOf(await manager.text())).toEqual(['c26'])
  })
})
