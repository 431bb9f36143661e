import { describe, expect, it } from 'vitest'
import {
  buildAccountsReport,
  buildReport,
  DEFAULT_TALLY,
  type KpiReport,
  type KpiRow,
  percentile,
  reportWindow,
  tallyAmountsSchema,
} from '../../src/domain/report.js'
import type { ConversationSummary, EventType, TranscriptEntry } from '../../src/domain/transcript.js'
import { zonedTime } from '../../src/domain/zoned-time.js'
import { csvField, renderCsv, renderMarkdown } from '../../src/text/report.js'
import { Text } from '../../src/text/text.js'

const TZ = 'Asia/Shanghai'
const D1 = '2026-11-02'
const D2 = '2026-11-03'
const D3 = '2026-11-04'

/** An instant on a local date, `HH:MM` plus seconds. */
const at = (day: string, time: string, seconds = 0) => {
  const [h = 0, m = 0] = time.split(':').map(Number)
  return zonedTime(day, h * 60 + m, TZ) + seconds * 1000
}

let ids = 0
function conversation(
  openedAt: number,
  fields: { responder?: string; agent?: string; firstResponseS?: number; closedAt?: number } = {},
): ConversationSummary {
  const id = `c${++ids}`
  return {
    id,
    code: `A${ids}`,
    customerId: `cust-${ids}`,
    customerName: '张秘密客户',
    status: fields.closedAt === undefined ? 'assigned' : 'closed',
    openedAt,
    ...(fields.agent ? { agentId: fields.agent } : {}),
    ...(fields.responder ? { firstResponderId: fields.responder } : {}),
    ...(fields.firstResponseS === undefined
      ? {}
      : { firstResponseAt: openedAt + fields.firstResponseS * 1000 }),
    ...(fields.closedAt === undefined ? {} : { closedAt: fields.closedAt }),
    overdueCount: 0,
    rev: 1,
  }
}

function event(type: EventType, when: number, data: Record<string, unknown>): TranscriptEntry {
  return {
    id: `e${++ids}`,
    conversationId: 'c0',
    at: when,
    seq: 0,
    actor: { id: 'bot', role: 'bot' },
    kind: 'event',
    type,
    data,
  }
}

const conversations: ConversationSummary[] = [
  // Day 1, 小王: first responses 30 s, 60 s, 120 s and one unanswered; two closed the same day.
  conversation(at(D1, '09:00'), {
    responder: 'wang',
    agent: 'wang',
    firstResponseS: 30,
    closedAt: at(D1, '10:00'),
  }),
  conversation(at(D1, '10:00'), {
    responder: 'wang',
    agent: 'wang',
    firstResponseS: 60,
    closedAt: at(D2, '09:00'),
  }),
  conversation(at(D1, '11:00'), { responder: 'wang', agent: 'wang', firstResponseS: 120 }),
  conversation(at(D1, '12:00'), { agent: 'wang', closedAt: at(D1, '23:59') }),
  // Day 1, 小李 answered first although 小王 holds it now: it counts for 小李.
  conversation(at(D1, '13:00'), {
    responder: 'li',
    agent: 'wang',
    firstResponseS: 10,
    closedAt: at(D1, '13:05'),
  }),
  // Day 1, nobody: never assigned.
  conversation(at(D1, '23:30')),
  // Day 2, 小王: 90 s, closed that evening.
  conversation(at(D2, '00:10'), {
    responder: 'wang',
    agent: 'wang',
    firstResponseS: 90,
    closedAt: at(D2, '23:00'),
  }),
  // Day 2, 小李: 300 s, 20 s, 40 s, 50 s; one closed the same day, one after midnight.
  conversation(at(D2, '08:00'), {
    responder: 'li',
    agent: 'li',
    firstResponseS: 300,
    closedAt: at(D3, '01:00'),
  }),
  conversation(at(D2, '09:00'), {
    responder: 'li',
    agent: 'li',
    firstResponseS: 20,
    closedAt: at(D2, '09:30'),
  }),
  conversation(at(D2, '10:00'), { responder: 'li', agent: 'li', firstResponseS: 40 }),
  conversation(at(D2, '11:00'), { responder: 'li', agent: 'li', firstResponseS: 50 }),
]

const events: TranscriptEntry[] = [
  event('overdue', at(D1, '11:05'), { agentId: 'wang' }),
  event('overdue', at(D1, '11:15'), { agentId: 'wang' }),
  event('overdue', at(D1, '23:35'), { agentId: '' }),
  event('rated', at(D1, '10:01'), { agentId: 'wang', score: 5 }),
  event('rated', at(D1, '23:59'), { agentId: 'wang', score: 4 }),
  event('rated', at(D1, '14:00'), { agentId: 'li', score: 9 }), // not a score: ignored
  event('praised', at(D1, '09:10'), { agentId: 'wang' }),
  event('phrase-forced', at(D1, '13:03'), { agentId: 'li', phrase: '不知道' }),
  // The first unresolved day is not penalised; the sweep ran just after midnight.
  event('day-unresolved', at(D2, '00:00', 30), { agentId: 'wang', day: D1, days: 1 }),
  event('day-unresolved', at(D2, '23:59'), { agentId: 'wang', day: D2, days: 2 }),
  // Recorded after the range, for the range's last day: counts on D2.
  event('day-unresolved', at(D3, '00:00', 10), { agentId: 'li', day: D2, days: 3 }),
  event('rated', at(D2, '12:00'), { agentId: 'li', score: 3 }),
  event('praised', at(D2, '12:00'), { agentId: 'li' }),
  event('praised', at(D2, '13:00'), { agentId: 'li' }),
  event('overdue', at(D3, '09:00'), { agentId: 'wang' }), // after the range: ignored
  event('assigned', at(D1, '09:00'), { agentId: 'wang' }), // not a report event: ignored
]

const input = { conversations, events }
const byDay = buildReport(input, { from: D1, to: D2, timeZone: TZ, by: 'day' })
const byRange = buildReport(input, { from: D1, to: D2, timeZone: TZ, by: 'range' })

const row = (report: KpiReport, period: number, agentId: string | undefined): KpiRow => {
  const found = report.periods[period]
  const result = agentId === undefined ? found?.team : found?.agents.find((a) => a.agentId === agentId)
  if (!result) throw new Error(`no row ${period}/${agentId}`)
  return result
}

const staffNames: Record<string, string> = { wang: '小王', li: '小李' }
const nameOf = (id: string) => staffNames[id] ?? id

describe('KPI aggregation', () => {
  it('defines p90 as the nearest rank', () => {
    expect(percentile([], 90)).toBeUndefined()
    expect(percentile([7], 90)).toBe(7)
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9)
    expect(percentile([4, 1, 3, 2], 90)).toBe(4)
    expect(percentile([5, 1, 3], 50)).toBe(3)
  })

  it('covers the local dates from…to in the time zone', () => {
    expect(reportWindow(D1, D2, TZ)).toEqual({
      start: Date.parse('2026-11-01T16:00:00Z'),
      end: Date.parse('2026-11-03T16:00:00Z'),
    })
  })

  it('gives one row per agent and day, nobody last, and a team row per day', () => {
    expect(byDay.periods.map((p) => [p.from, p.to, p.agents.map((a) => a.agentId)])).toEqual([
      [D1, D1, ['li', 'wang', '']],
      [D2, D2, ['li', 'wang']],
    ])
    expect(row(byDay, 0, 'wang')).toEqual({
      agentId: 'wang',
      conversations: 4,
      answered: 3,
      firstResponseMedianMs: 60_000,
      firstResponseP90Ms: 120_000,
      overdue: 2,
      resolvedSameDay: 2,
      sameDayRate: 0.5,
      ratings: 2,
      averageRating: 4.5,
      praise: 1,
      extraDays: 0,
      improperWording: 0,
      groupAnswered: 0,
      groupWithin3m: 0,
      groupWithinTimeout: 0,
      groupResponseMedianMs: undefined,
      groupResponseP90Ms: undefined,
      groupOverdue: 0,
      tally: 2 * -20 + 50,
    })
    expect(row(byDay, 0, 'li')).toMatchObject({
      conversations: 1,
      firstResponseMedianMs: 10_000,
      firstResponseP90Ms: 10_000,
      sameDayRate: 1,
      ratings: 0,
      averageRating: undefined,
      improperWording: 1,
      tally: -20,
    })
    expect(row(byDay, 0, '')).toMatchObject({
      conversations: 1,
      answered: 0,
      firstResponseMedianMs: undefined,
      firstResponseP90Ms: undefined,
      overdue: 1,
      sameDayRate: 0,
      tally: -20,
    })
    expect(row(byDay, 0, undefined)).toMatchObject({
      agentId: undefined,
      conversations: 6,
      answered: 4,
      firstResponseMedianMs: 45_000,
      firstResponseP90Ms: 120_000,
      overdue: 3,
      resolvedSameDay: 3,
      sameDayRate: 0.5,
      ratings: 2,
      averageRating: 4.5,
      praise: 1,
      improperWording: 1,
      tally: 10 - 20 - 20,
    })
  })

  it('places day-unresolved on the day it names and counts only the days after the first', () => {
    expect(row(byDay, 1, 'wang')).toMatchObject({
      conversations: 1,
      firstResponseMedianMs: 90_000,
      sameDayRate: 1,
      overdue: 0,
      extraDays: 1,
      tally: -50,
    })
    expect(row(byDay, 1, 'li')).toMatchObject({
      conversations: 4,
      firstResponseMedianMs: 45_000,
      firstResponseP90Ms: 300_000,
      resolvedSameDay: 1,
      sameDayRate: 0.25,
      ratings: 1,
      averageRating: 3,
      praise: 2,
      extraDays: 1,
      tally: 2 * 50 - 50,
    })
    expect(row(byDay, 1, undefined)).toMatchObject({
      conversations: 5,
      firstResponseMedianMs: 50_000,
      firstResponseP90Ms: 300_000,
      sameDayRate: 0.4,
      extraDays: 2,
      tally: 0,
    })
  })

  it('over the whole range takes medians and p90 of all the times, not of daily medians', () => {
    expect(byRange.periods).toHaveLength(1)
    expect(byRange.periods[0]).toMatchObject({ from: D1, to: D2 })
    expect(row(byRange, 0, 'wang')).toMatchObject({
      conversations: 5,
      answered: 4,
      firstResponseMedianMs: 75_000, // of 30, 60, 90, 120 s; the daily medians were 60 s and 90 s
      firstResponseP90Ms: 120_000,
      resolvedSameDay: 3,
      sameDayRate: 0.6,
      extraDays: 1,
      tally: 2 * -20 + 50 - 50,
    })
    expect(row(byRange, 0, 'li')).toMatchObject({
      conversations: 5,
      firstResponseMedianMs: 40_000,
      firstResponseP90Ms: 300_000,
      sameDayRate: 0.4,
      averageRating: 3,
      tally: 2 * 50 - 50 - 20,
    })
    expect(row(byRange, 0, undefined)).toMatchObject({
      conversations: 11,
      answered: 9,
      firstResponseMedianMs: 50_000,
      firstResponseP90Ms: 300_000,
      overdue: 3,
      resolvedSameDay: 5,
      sameDayRate: 5 / 11,
      ratings: 3,
      averageRating: 4,
      praise: 3,
      extraDays: 2,
      improperWording: 1,
      tally: -40 + 30 - 20,
    })
  })

  it('tallies with the regulations’ amounts by default and with configured ones', () => {
    expect(DEFAULT_TALLY).toEqual({
      overdueReply: -20,
      extraDayUnresolved: -50,
      praise: 50,
      improperWording: -20,
      groupOverdue: -50,
    })
    expect(tallyAmountsSchema.parse({ praise: 100 })).toEqual({ ...DEFAULT_TALLY, praise: 100 })
    expect(tallyAmountsSchema.safeParse({ praise: 1.5 }).success).toBe(false)
    expect(tallyAmountsSchema.safeParse({ praiseLetter: 100 }).success).toBe(false)
    const custom = buildReport(input, {
      from: D1,
      to: D2,
      timeZone: TZ,
      by: 'range',
      tally: {
        overdueReply: -10,
        extraDayUnresolved: -100,
        praise: 100,
        improperWording: 0,
        groupOverdue: -50,
      },
    })
    expect(row(custom, 0, 'wang').tally).toBe(2 * -10 - 100 + 100)
    expect(row(custom, 0, 'li').tally).toBe(2 * 100 - 100)
    expect(row(custom, 0, undefined).tally).toBe(-20 + 100 - 10)
    expect(custom.tally.praise).toBe(100)
  })

  it('has a team row for a day without any activity, and refuses a reversed range', () => {
    const empty = buildReport(
      { conversations: [], events: [] },
      { from: D1, to: D1, timeZone: TZ, by: 'day' },
    )
    expect(empty.periods).toEqual([
      {
        from: D1,
        to: D1,
        agents: [],
        team: expect.objectContaining({ conversations: 0, sameDayRate: undefined }),
        rooms: [],
        allRooms: expect.objectContaining({ roomId: undefined, messages: 0, tally: 0 }),
      },
    ])
    expect(empty.groups).toBe(false)
    expect(() => buildReport(input, { from: D2, to: D1, timeZone: TZ, by: 'day' })).toThrow(RangeError)
  })
})

describe('KPI rendering', () => {
  const zh = new Text('zh-CN', TZ)
  const en = new Text('en', TZ)

  it('quotes CSV fields as RFC 4180 says', () => {
    expect(csvField('小王')).toBe('小王')
    expect(csvField('Wang, Jr')).toBe('"Wang, Jr"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('two\nlines')).toBe('"two\nlines"')
  })

  it('renders CSV with Chinese headers, raw seconds and the team row', () => {
    const csv = renderCsv(byDay, zh, nameOf)
    const lines = csv.split('\r\n')
    expect(csv.endsWith('\r\n')).toBe(true)
    expect(lines[0]).toBe(
      '日期,客服,会话数,已回复,首次响应中位数,首次响应中位数（秒）,首次响应P90,首次响应P90（秒）,超时次数,当日解决,当日解决率,评价数,平均评分,表扬次数,拖延天数,用语不当,奖惩（元）',
    )
    expect(lines.slice(1, -1)).toEqual([
      '2026-11-02,小李,1,1,10秒,10,10秒,10,0,1,100%,0,—,0,0,1,-20',
      '2026-11-02,小王,4,3,1分0秒,60,2分0秒,120,2,2,50%,2,4.50,1,0,0,10',
      '2026-11-02,未分配,1,0,—,,—,,1,0,0%,0,—,0,0,0,-20',
      '2026-11-02,全体客服,6,4,45秒,45,2分0秒,120,3,3,50%,2,4.50,1,0,1,-30',
      '2026-11-03,小李,4,4,45秒,45,5分0秒,300,0,1,25%,1,3.00,2,1,0,50',
      '2026-11-03,小王,1,1,1分30秒,90,1分30秒,90,0,1,100%,0,—,0,1,0,-50',
      '2026-11-03,全体客服,5,5,50秒,50,5分0秒,300,0,2,40%,1,3.00,2,2,0,0',
    ])
    expect(csv).not.toContain('张秘密客户')
  })

  it('quotes an agent name with a comma and quotes, and shows unknown ids as the id', () => {
    const names: Record<string, string> = { wang: 'Wang, "Jr"' }
    const csv = renderCsv(byRange, en, (id) => names[id] ?? id)
    const lines = csv.split('\r\n')
    expect(lines[0]).toBe(
      'Date,Agent,Conversations,Answered,First response (median),First response median (s),First response (p90),First response p90 (s),Overdue,Resolved same day,Same-day resolution,Ratings,Average rating,Praise,Extra days unresolved,Improper wording,Tally (CNY)',
    )
    expect(lines).toContain(
      '2026-11-02 to 2026-11-03,"Wang, ""Jr""",5,4,1m 15s,75,2m 0s,120,2,3,60%,2,4.50,1,1,0,-40',
    )
    expect(lines).toContain('2026-11-02 to 2026-11-03,li,5,5,40s,40,5m 0s,300,0,2,40%,1,3.00,2,1,1,30')
    expect(lines).toContain('2026-11-02 to 2026-11-03,unassigned,1,0,—,,—,,1,0,0%,0,—,0,0,0,-20')
    expect(lines).toContain(
      '2026-11-02 to 2026-11-03,all agents,11,9,50s,50,5m 0s,300,3,5,45.5%,3,4.00,3,2,1,-30',
    )
  })

  it('renders Markdown for people: title, tally rule, a table, the notes', () => {
    const md = renderMarkdown(byDay, zh, nameOf)
    expect(md).toContain('# 客服 KPI 报表：2026-11-02 至 2026-11-03')
    expect(md).toContain('统计方式：按天 · 时区：Asia/Shanghai')
    expect(md).toContain('超时未回复 -20/次')
    expect(md).toContain('客户表扬 +50/次')
    expect(md).toContain(
      '| 日期 | 客服 | 会话数 | 已回复 | 首次响应中位数 | 首次响应P90 | 超时次数 | 当日解决率 | 评价数 | 平均评分 | 表扬次数 | 拖延天数 | 用语不当 | 奖惩（元） |',
    )
    expect(md).toContain('| --- | --- | ---: |')
    expect(md).toContain(
      '| 2026-11-02 | 小王 | 4 | 3 | 1分0秒 | 2分0秒 | 2 | 50% | 2 | 4.50 | 1 | 0 | 0 | +10 |',
    )
    expect(md).toContain(
      '| 2026-11-02 | **全体客服** | 6 | 4 | 45秒 | 2分0秒 | 3 | 50% | 2 | 4.50 | 1 | 0 | 1 | -30 |',
    )
    expect(md).toContain('最近秩法')
    expect(md).not.toContain('张秘密客户')
  })

  it('renders the English Markdown by range without a date column, escaping pipes in names', () => {
    const md = renderMarkdown(byRange, en, (id) => (id === 'li' ? 'Li | B' : id))
    expect(md).toContain('# Agent KPI report: 2026-11-02 to 2026-11-03')
    expect(md).toContain('Grouped over the whole range · time zone: Asia/Shanghai')
    expect(md).toContain(
      '| Agent | Conversations | Answered | First response (median) | First response (p90) |',
    )
    expect(md).toContain('| Li \\| B | 5 | 5 | 40s | 5m 0s | 0 | 40% | 1 | 3.00 | 2 | 1 | 1 | +30 |')
    expect(md).toContain('| **all agents** | 11 | 9 |')
    expect(md).not.toContain('| Date |')
  })
})

describe('the total of several accounts', () => {
  const options = { from: D1, to: D1, timeZone: TZ, by: 'day' as const }
  const room = (roomId: string, code: string) => ({ roomId, code, topic: `${code}群` })

  it('makes one row per account, its agents and its rooms together, and the median of every answer', () => {
    const total = buildAccountsReport(
      [
        {
          account: 'shop-a',
          input: {
            conversations: [
              conversation(at(D1, '09:00'), { responder: 'wx-1', firstResponseS: 10 }),
              conversation(at(D1, '09:10'), { responder: 'wx-2', firstResponseS: 20 }),
              // Nobody's conversation counts for its account.
              conversation(at(D1, '09:20')),
            ],
            events: [
              event('group-waiting', at(D1, '10:00'), { ...room('r1', 'G1') }),
              event('group-waiting', at(D1, '10:05'), { ...room('r2', 'G2') }),
            ],
          },
        },
        {
          account: 'shop-b',
          input: {
            conversations: [conversation(at(D1, '11:00'), { responder: 'wx-1', firstResponseS: 90 })],
            // Another account's G1 is another room: it stays in its own account's row.
            events: [event('group-waiting', at(D1, '12:00'), { ...room('r9', 'G1') })],
          },
        },
      ],
      options,
    )
    expect(total.rows).toBe('accounts')
    const [period] = total.periods
    expect(period?.agents.map((row) => [row.agentId, row.conversations])).toEqual([
      ['shop-a', 3],
      ['shop-b', 1],
    ])
    expect(period?.team.conversations).toBe(4)
    expect(period?.team.firstResponseMedianMs).toBe(20_000)
    expect(period?.rooms.map((row) => [row.roomId, row.messages])).toEqual([
      ['shop-a', 2],
      ['shop-b', 1],
    ])
    const text = new Text('zh-CN', TZ)
    const markdown = renderMarkdown(total, text, (name) => ({ 'shop-a': '旗舰店' })[name] ?? name)
    expect(markdown).toContain('全部 2 个账号合计')
    expect(markdown).toContain('| 旗舰店 |')
    expect(markdown).toContain('**全部账号**')
    expect(markdown).not.toContain('群名称')
  })

  it("leaves one account's report as it was: agents, not accounts", () => {
    const report = buildReport(
      { conversations: [conversation(at(D1, '09:00'), { responder: 'wx-1' })], events: [] },
      options,
    )
    expect(report.rows).toBe('agents')
    expect(report.periods[0]?.agents.map((row) => row.agentId)).toEqual(['wx-1'])
  })
})
