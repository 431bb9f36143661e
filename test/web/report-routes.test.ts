import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../src/cli.js'
import type { ConversationSummary, EventType, TranscriptEntry } from '../../src/domain/transcript.js'
import { zonedTime } from '../../src/domain/zoned-time.js'
import { reportRoutes } from '../../src/web/routes/reports.js'
import { get, type PagesUnderTest, servePages, TZ } from './store-parts.js'

let pages: PagesUnderTest
const at = (day: string, hour: number, seconds = 0) => zonedTime(day, hour * 60, TZ) + seconds * 1000

function conversation(
  id: string,
  openedAt: number,
  fields: Partial<ConversationSummary>,
): ConversationSummary {
  return {
    id,
    code: id.toUpperCase(),
    customerId: `customer-${id}`,
    customerName: '客户王秘密',
    status: 'closed',
    agentId: 'agent-a',
    openedAt,
    overdueCount: 0,
    rev: 1,
    ...fields,
  }
}

function event(id: string, type: EventType, when: number, data: Record<string, unknown>): TranscriptEntry {
  return {
    id,
    conversationId: id.split('-')[0] ?? id,
    at: when,
    seq: 0,
    actor: { id: 'bot', role: 'bot' },
    kind: 'event',
    type,
    data,
  }
}

beforeAll(async () => {
  pages = await servePages([reportRoutes], { now: at('2026-12-01', 12) })
  // 30 Nov: 小王 answers in 60 s and 120 s and closes both that day; 小李 answers in 300 s, late, and
  // closes a day later. 1 Dec: 小王 answers in 30 s. Ratings 5, 5, 2; one praise for 小王.
  const day1 = '2026-11-30'
  const rows: [string, number, Partial<ConversationSummary>][] = [
    [
      'c1',
      at(day1, 9),
      { firstResponseAt: at(day1, 9, 60), firstResponderId: 'agent-a', closedAt: at(day1, 10) },
    ],
    [
      'c2',
      at(day1, 11),
      { firstResponseAt: at(day1, 11, 120), firstResponderId: 'agent-a', closedAt: at(day1, 12) },
    ],
    [
      'c3',
      at(day1, 14),
      {
        agentId: 'agent-b',
        firstResponseAt: at(day1, 14, 300),
        firstResponderId: 'agent-b',
        closedAt: at('2026-12-01', 9),
      },
    ],
    [
      'c4',
      at('2026-12-01', 9),
      { firstResponseAt: at('2026-12-01', 9, 30), firstResponderId: 'agent-a', status: 'assigned' },
    ],
  ]
  for (const [id, openedAt, fields] of rows)
    await pages.store.write({ entries: [], conversation: conversation(id, openedAt, fields) })
  await pages.store.write({
    entries: [
      event('c3-overdue', 'overdue', at(day1, 14, 200), { agentId: 'agent-b' }),
      event('c1-rated', 'rated', at(day1, 10, 10), { score: 5, agentId: 'agent-a' }),
      event('c2-rated', 'rated', at(day1, 12, 10), { score: 5, agentId: 'agent-a' }),
      event('c3-rated', 'rated', at('2026-12-01', 9, 10), { score: 2, agentId: 'agent-b' }),
      event('c1-praised', 'praised', at(day1, 10, 20), { agentId: 'agent-a' }),
    ],
  })
})
afterAll(() => pages.close())

const chart = (body: string, name: string) =>
  new RegExp(`<svg data-chart="${name}"[\\s\\S]*?</svg>`).exec(body)?.[0] ?? ''

describe('the reports page', () => {
  it('shows the last seven days by default: four charts, the tally and the CSV link', async () => {
    const response = await get(pages, 'sup-1', '/reports')
    expect(response.status).toBe(200)
    const body = await response.text()
    expect(body).toContain('2026-11-25 至 2026-12-01（Asia/Shanghai）')
    expect(body).toContain(
      '<a data-download="csv" href="/reports.csv?from=2026-11-25&amp;to=2026-12-01" download>',
    )

    const firstResponse = chart(body, 'first-response')
    expect(firstResponse).toContain(
      '<title id="chart-first-response">首次响应时间（每日中位数与 P90）</title>',
    )
    // 30 Nov: median of 60, 120, 300 s is 120 s; p90 300 s. 1 Dec: 30 s for both.
    expect(firstResponse).toContain('<title>中位数 2026-11-30：2分0秒</title>')
    expect(firstResponse).toContain('<title>P90 2026-11-30：5分0秒</title>')
    expect(firstResponse).toContain('<title>中位数 2026-12-01：30秒</title>')
    expect(firstResponse.match(/<circle /g)).toHaveLength(4)

    const overdue = chart(body, 'overdue-per-agent')
    expect(overdue).toContain('<title>小王：0</title>')
    expect(overdue).toContain('<title>小李：1</title>')

    // 30 Nov: two of three closed the same day; 1 Dec: the one still open was not.
    const sameDay = chart(body, 'same-day')
    expect(sameDay).toContain('<title>2026-11-30：67%</title>')
    expect(sameDay).toContain('<title>2026-12-01：0%</title>')
    // A day without conversations has no rate, and no bar.
    expect(sameDay).not.toContain('2026-11-25：')

    const csat = chart(body, 'csat')
    expect(csat).toContain('<title>5 分：2</title>')
    expect(csat).toContain('<title>2 分：1</title>')
    expect(csat).toContain('<title>1 分：0</title>')

    const tally = /<table data-report="tally"[\s\S]*?<\/table>/.exec(body)?.[0] ?? ''
    expect(tally).toContain('<th scope="col">奖惩（元）</th>')
    // 小王: one praise (+50); 小李: one overdue reply (−20); the team: +30.
    expect(tally).toMatch(/<tr><td>小李<\/td>.*<td class="number">-20<\/td><\/tr>/)
    expect(tally).toMatch(/<tr><td>小王<\/td>.*<td class="number">\+50<\/td><\/tr>/)
    expect(tally).toMatch(/<tr data-team>.*<td class="number">\+30<\/td><\/tr>/)
    // Reports hold no customer data.
    expect(body).not.toContain('客户王秘密')
    expect(body).not.toMatch(/style=/)
  })

  it('gives as CSV exactly what npm run report -- --format csv --out writes for the range', async () => {
    const response = await get(pages, 'mgr-1', '/reports.csv?from=2026-11-29&to=2026-12-01')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="report-2026-11-29-2026-12-01.csv"',
    )
    const downloaded = Buffer.from(await response.arrayBuffer())

    const out = join(pages.config.store.file ?? '', '..', 'report.csv')
    const stderr = { write: () => true }
    const code = await main(
      ['report', '--from', '2026-11-29', '--to', '2026-12-01', '--format', 'csv', '--out', out],
      {
        stdout: stderr,
        stderr,
        env: { KEFU_CONFIG: pages.configFile },
      },
    )
    expect(code).toBe(0)
    const written = readFileSync(out)
    expect(downloaded.equals(written)).toBe(true)
    expect(written.toString('utf8')).toContain('小李')
  })

  it('answers a bad date, a reversed range or one too long with a clear sentence and a 400', async () => {
    const badDate = await get(pages, 'sup-1', '/reports?from=2026-02-30&to=2026-03-01')
    expect(badDate.status).toBe(400)
    const body = await badDate.text()
    expect(body).toContain('开始日期不是有效的日期：2026-02-30（请写成 2026-12-01 这样）。')
    expect(body).toContain('<form method="get" action="/reports" data-report-range')
    expect(body).not.toContain('<svg')
    const reversed = await get(pages, 'sup-1', '/reports?from=2026-12-01&to=2026-11-01')
    expect(reversed.status).toBe(400)
    expect(await reversed.text()).toContain('开始日期 2026-12-01 晚于结束日期 2026-11-01。')
    const quarter = await get(pages, 'sup-1', '/reports?from=2026-08-31&to=2026-12-01')
    expect(quarter.status).toBe(400)
    expect(await quarter.text()).toContain('一次最多查 92 天。')
    expect((await get(pages, 'sup-1', '/reports?from=2026-09-01&to=2026-12-01')).status).toBe(200)
    const csv = await get(pages, 'sup-1', '/reports.csv?from=bad')
    expect(csv.status).toBe(400)
    expect(await csv.text()).toContain('开始日期不是有效的日期：bad')
  })

  it('is for supervisors and managers: an agent gets a 403 page and no CSV', async () => {
    const page = await get(pages, 'agent-a', '/reports')
    expect(page.status).toBe(403)
    expect(await page.text()).toContain('统计报表只对主管和经理开放。')
    expect((await get(pages, 'agent-a', '/reports.csv?from=2026-11-30&to=2026-11-30')).status).toBe(403)
  })

  it('says when a chart has nothing to show', async () => {
    const body = await (await get(pages, 'mgr-1', '/reports?from=2026-10-01&to=2026-10-07')).text()
    expect(chart(body, 'csat')).toContain('这段时间没有数据。')
    expect(chart(body, 'first-response')).toContain('这段时间没有数据。')
  })
})
