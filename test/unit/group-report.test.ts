import { describe, expect, it } from 'vitest'
import { buildReport, type KpiReport, type KpiRow, type RoomRow } from '../../src/domain/report.js'
import type { EventType, TranscriptEntry } from '../../src/domain/transcript.js'
import { zonedTime } from '../../src/domain/zoned-time.js'
import { renderCsv, renderMarkdown } from '../../src/text/report.js'
import { Text } from '../../src/text/text.js'

const TZ = 'Asia/Shanghai'
const D1 = '2026-11-02'
const D2 = '2026-11-03'
const MINUTE = 60_000

const at = (day: string, time: string) => {
  const [h = 0, m = 0] = time.split(':').map(Number)
  return zonedTime(day, h * 60 + m, TZ)
}

const SHOP = { roomId: 'shop@chatroom', code: 'G1', topic: '小店客户群' }
const SECOND = { roomId: 'second@chatroom', code: 'G2', topic: '二群' }
const VIP = { roomId: 'vip@chatroom', code: 'G10', topic: 'VIP群' }

let ids = 0
function event(type: EventType, when: number, data: Record<string, unknown>): TranscriptEntry {
  return {
    id: `e${++ids}`,
    conversationId: `group-${String(data.roomId ?? 'c1')}`,
    at: when,
    seq: 0,
    actor: { id: 'bot', role: 'bot' },
    kind: 'event',
    type,
    data,
  }
}

const waiting = (room: typeof SHOP, when: number, customerId: string) =>
  event('group-waiting', when, { ...room, customerId, customerName: '张秘密', messageId: `m${ids}` })
const answered = (room: typeof SHOP, when: number, by: string, responsesMs: unknown) =>
  event('group-answered', when, { ...room, by, customerId: 'c', customerName: '张秘密', responsesMs })
const overdue = (room: typeof SHOP, when: number, agentId: string, messages: unknown) =>
  event('group-overdue', when, { ...room, customerId: 'c', customerName: '张秘密', agentId, messages })

const events: TranscriptEntry[] = [
  // G1, day 1: 张 writes twice; the step at 10 minutes finds the first overdue, 小王's answer at
  // 14 minutes the second: one answer, two messages, two overdue.
  waiting(SHOP, at(D1, '09:00'), 'zhang'),
  waiting(SHOP, at(D1, '09:03'), 'zhang'),
  overdue(SHOP, at(D1, '09:10'), 'wang', 1),
  answered(SHOP, at(D1, '09:14'), 'wang', [14 * MINUTE, 11 * MINUTE]),
  overdue(SHOP, at(D1, '09:14'), 'wang', 1),
  // 李 is answered from the bot account itself after a minute: nobody's.
  waiting(SHOP, at(D1, '09:05'), 'li-customer'),
  answered(SHOP, at(D1, '09:06'), '', [MINUTE]),
  // 陈 is answered by 小李 within 3 minutes.
  waiting(SHOP, at(D1, '10:00'), 'chen'),
  answered(SHOP, at(D1, '10:02'), 'li', [2 * MINUTE]),
  // G2: 小李 answers after 5 minutes and types a forbidden phrase into the group.
  waiting(SECOND, at(D1, '11:00'), 'zhao'),
  answered(SECOND, at(D1, '11:05'), 'li', [5 * MINUTE]),
  event('group-wording', at(D1, '11:05'), { ...SECOND, agentId: 'li', phrase: '不知道' }),
  // G10: 小王 relays an answer with /force after a minute.
  waiting(VIP, at(D1, '11:59'), 'qian'),
  answered(VIP, at(D1, '12:00'), 'wang', [MINUTE]),
  event('phrase-forced', at(D1, '12:00'), { ...VIP, agentId: 'wang', phrase: '不知道' }),
  // A /force in a 1:1 conversation names no room: 小李's only.
  event('phrase-forced', at(D1, '13:00'), { agentId: 'li', phrase: '不知道' }),
  // Nothing sensible to count: ignored.
  answered(SHOP, at(D1, '15:00'), 'wang', 'soon'),
  answered(SHOP, at(D1, '15:01'), 'wang', [-5, Number.NaN]),
  overdue(SHOP, at(D1, '15:02'), 'wang', 0),
  // G1, day 2, renamed: a message overdue in a room without one responsible agent.
  waiting({ ...SHOP, topic: '小店客户群（新）' }, at(D2, '09:00'), 'zhou'),
  overdue({ ...SHOP, topic: '小店客户群（新）' }, at(D2, '09:10'), '', 1),
  // After the range: ignored.
  waiting(SHOP, at('2026-11-04', '09:00'), 'wu'),
]

const input = { conversations: [], events }
const byDay = buildReport(input, {
  from: D1,
  to: D2,
  timeZone: TZ,
  by: 'day',
  groupReplyTimeout: 10 * MINUTE,
})
const byRange = buildReport(input, { from: D1, to: D2, timeZone: TZ, by: 'range' })

const agent = (report: KpiReport, period: number, agentId: string | undefined): KpiRow => {
  const found = report.periods[period]
  const result = agentId === undefined ? found?.team : found?.agents.find((a) => a.agentId === agentId)
  if (!result) throw new Error(`no row ${period}/${agentId}`)
  return result
}

const room = (report: KpiReport, period: number, code: string | undefined): RoomRow => {
  const found = report.periods[period]
  const result = code === undefined ? found?.allRooms : found?.rooms.find((r) => r.code === code)
  if (!result) throw new Error(`no room ${period}/${code}`)
  return result
}

const nameOf = (id: string) => ({ wang: '小王', li: '小李' })[id] ?? id

describe('group figures per agent', () => {
  it('counts each message an answer answered, with the time it waited, for whoever answered', () => {
    expect(agent(byDay, 0, 'wang')).toMatchObject({
      conversations: 0,
      groupAnswered: 3, // two in one answer in G1, one in G10
      groupWithin3m: 1,
      groupWithinTimeout: 1,
      groupResponseMedianMs: 11 * MINUTE,
      groupResponseP90Ms: 14 * MINUTE,
      groupOverdue: 2, // one found by the step, one by the answer
      improperWording: 1,
      tally: 2 * -50 + -20,
    })
    expect(agent(byDay, 0, 'li')).toMatchObject({
      groupAnswered: 2,
      groupWithin3m: 1,
      groupWithinTimeout: 2,
      groupResponseMedianMs: 3.5 * MINUTE,
      groupResponseP90Ms: 5 * MINUTE,
      groupOverdue: 0,
      improperWording: 2, // typed into G2, and a /force in 1:1
      tally: 2 * -20,
    })
  })

  it('gives what the bot account answered to nobody, and the team everything', () => {
    expect(agent(byDay, 0, '')).toMatchObject({
      groupAnswered: 1,
      groupWithin3m: 1,
      groupResponseMedianMs: MINUTE,
      groupOverdue: 0,
      tally: 0,
    })
    expect(agent(byDay, 0, undefined)).toMatchObject({
      groupAnswered: 6,
      groupWithin3m: 3,
      groupWithinTimeout: 4,
      groupResponseMedianMs: 3.5 * MINUTE, // of 1, 1, 2, 5, 11, 14 minutes
      groupResponseP90Ms: 14 * MINUTE,
      groupOverdue: 2,
      improperWording: 3,
      tally: 2 * -50 + 3 * -20,
    })
    expect(agent(byDay, 1, '')).toMatchObject({ groupAnswered: 0, groupOverdue: 1, tally: -50 })
  })

  it('measures "within the timeout" against the configured timeout, and tallies the configured amount', () => {
    const longer = buildReport(input, {
      from: D1,
      to: D1,
      timeZone: TZ,
      by: 'day',
      groupReplyTimeout: 15 * MINUTE,
      tally: {
        overdueReply: -20,
        extraDayUnresolved: -50,
        praise: 50,
        improperWording: -20,
        groupOverdue: -30,
      },
    })
    expect(agent(longer, 0, 'wang')).toMatchObject({ groupWithinTimeout: 3, tally: 2 * -30 - 20 })
    expect(agent(longer, 0, undefined)).toMatchObject({ groupWithin3m: 3, groupWithinTimeout: 6 })
    expect(room(longer, 0, 'G1')).toMatchObject({ withinTimeout: 4, tally: 2 * -30 })
    expect(longer.groupReplyTimeout).toBe(15 * MINUTE)
    expect(byRange.groupReplyTimeout).toBe(10 * MINUTE) // the regulations' default
  })
})

describe('group figures per room', () => {
  it('counts the customer messages, the answers and the overdue of each room, by code', () => {
    expect(byDay.periods[0]?.rooms.map((r) => [r.code, r.topic, r.roomId])).toEqual([
      ['G1', '小店客户群', 'shop@chatroom'],
      ['G2', '二群', 'second@chatroom'],
      ['G10', 'VIP群', 'vip@chatroom'],
    ])
    expect(room(byDay, 0, 'G1')).toEqual({
      ...SHOP,
      messages: 4,
      answered: 4,
      within3m: 2,
      withinTimeout: 2,
      responseMedianMs: 6.5 * MINUTE, // of 1, 2, 11, 14 minutes
      responseP90Ms: 14 * MINUTE,
      overdue: 2,
      improperWording: 0,
      tally: -100,
    })
    expect(room(byDay, 0, 'G2')).toMatchObject({ messages: 1, answered: 1, within3m: 0, withinTimeout: 1 })
    expect(room(byDay, 0, 'G2')).toMatchObject({ improperWording: 1, tally: -20 })
    expect(room(byDay, 0, 'G10')).toMatchObject({ messages: 1, within3m: 1, improperWording: 1, tally: -20 })
    expect(room(byDay, 0, undefined)).toEqual({
      roomId: undefined,
      code: '',
      topic: '',
      messages: 6,
      answered: 6,
      within3m: 3,
      withinTimeout: 4,
      responseMedianMs: 3.5 * MINUTE,
      responseP90Ms: 14 * MINUTE,
      overdue: 2,
      improperWording: 2, // the 1:1 /force is in no room
      tally: -100 - 40,
    })
  })

  it('names a room as its latest event did, and counts a day with only a message waiting', () => {
    expect(byDay.periods[1]?.rooms).toEqual([
      expect.objectContaining({
        code: 'G1',
        topic: '小店客户群（新）',
        messages: 1,
        answered: 0,
        overdue: 1,
      }),
    ])
    expect(room(byDay, 1, 'G1')).toMatchObject({ responseMedianMs: undefined, responseP90Ms: undefined })
    expect(room(byRange, 0, 'G1')).toMatchObject({
      topic: '小店客户群（新）',
      messages: 5,
      overdue: 3,
      tally: -150,
    })
    expect(room(byRange, 0, undefined)).toMatchObject({ messages: 7, answered: 6, overdue: 3 })
    expect(byDay.groups).toBe(true)
  })
})

describe('group figures rendered', () => {
  const zh = new Text('zh-CN', TZ)
  const en = new Text('en', TZ)

  it('adds nothing when no room had anything', () => {
    const plain = buildReport(
      { conversations: [], events: [event('overdue', at(D1, '09:00'), { agentId: 'wang' })] },
      { from: D1, to: D1, timeZone: TZ, by: 'day' },
    )
    expect(plain.groups).toBe(false)
    const csv = renderCsv(plain, zh, nameOf)
    expect(csv.split('\r\n')).toEqual([
      '日期,客服,会话数,已回复,首次响应中位数,首次响应中位数（秒）,首次响应P90,首次响应P90（秒）,超时次数,当日解决,当日解决率,评价数,平均评分,表扬次数,拖延天数,用语不当,奖惩（元）',
      '2026-11-02,小王,0,0,—,,—,,1,0,—,0,—,0,0,0,-20',
      '2026-11-02,全体客服,0,0,—,,—,,1,0,—,0,—,0,0,0,-20',
      '',
    ])
    const md = renderMarkdown(plain, zh, nameOf)
    expect(md).not.toContain('群')
    expect(md.endsWith(`${zh.t('report.notes')}\n`)).toBe(true)
  })

  it('appends the agents’ group columns to the CSV and the rooms after an empty line', () => {
    const [agents, rooms, ...rest] = renderCsv(byDay, zh, nameOf).split('\r\n\r\n')
    expect(rest).toEqual([])
    const agentLines = agents?.split('\r\n') ?? []
    expect(agentLines[0]).toBe(
      '日期,客服,会话数,已回复,首次响应中位数,首次响应中位数（秒）,首次响应P90,首次响应P90（秒）,超时次数,当日解决,当日解决率,评价数,平均评分,表扬次数,拖延天数,用语不当,奖惩（元）,群消息已回复,群3分钟内回复,群10分钟内回复,群首次响应中位数,群首次响应中位数（秒）,群首次响应P90,群首次响应P90（秒）,群超时未回复',
    )
    expect(agentLines).toContain(
      '2026-11-02,小王,0,0,—,,—,,0,0,—,0,—,0,0,1,-120,3,1,1,11分0秒,660,14分0秒,840,2',
    )
    expect(agentLines).toContain('2026-11-02,未分配,0,0,—,,—,,0,0,—,0,—,0,0,0,0,1,1,1,1分0秒,60,1分0秒,60,0')
    expect(agentLines).toContain('2026-11-03,未分配,0,0,—,,—,,0,0,—,0,—,0,0,0,-50,0,0,0,—,,—,,1')
    expect(rooms?.split('\r\n')).toEqual([
      '日期,群编号,群名称,群消息,已回复,3分钟内回复,10分钟内回复,首次响应中位数,首次响应中位数（秒）,首次响应P90,首次响应P90（秒）,超时未回复,用语不当,奖惩（元）',
      '2026-11-02,G1,小店客户群,4,4,2,2,6分30秒,390,14分0秒,840,2,0,-100',
      '2026-11-02,G2,二群,1,1,0,1,5分0秒,300,5分0秒,300,0,1,-20',
      '2026-11-02,G10,VIP群,1,1,1,1,1分0秒,60,1分0秒,60,0,1,-20',
      '2026-11-02,全部群,,6,6,3,4,3分30秒,210,14分0秒,840,2,2,-140',
      '2026-11-03,G1,小店客户群（新）,1,0,0,0,—,,—,,1,0,-50',
      '2026-11-03,全部群,,1,0,0,0,—,,—,,1,0,-50',
      '',
    ])
    expect(renderCsv(byDay, zh, nameOf)).not.toContain('张秘密')
  })

  it('gives Markdown a section for the rooms, with the group rule and notes', () => {
    const md = renderMarkdown(byRange, en, nameOf)
    expect(md).toContain(
      '| Agent | Conversations | Answered | First response (median) | First response (p90) | Overdue | Same-day resolution | Ratings | Average rating | Praise | Extra days unresolved | Improper wording | Tally (CNY) | Group answered | Group within 3 min | Group within 10 min | Group first response (median) | Group first response (p90) | Group unanswered past the timeout |',
    )
    expect(md).toContain(
      '| 小王 | 0 | 0 | — | — | 0 | — | 0 | — | 0 | 0 | 1 | -120 | 3 | 1 | 1 | 11m 0s | 14m 0s | 2 |',
    )
    expect(md).toContain('## Watched groups: replies to group messages')
    expect(md).toContain(
      'a group message unanswered past 10 min -50 each · improper wording in a group -20 each',
    )
    expect(md).toContain(
      '| Group | Name | Messages | Answered | Within 3 min | Within 10 min | First response (median) | First response (p90) | Unanswered past the timeout | Improper wording | Tally (CNY) |',
    )
    expect(md).toContain('| G1 | 小店客户群（新） | 5 | 4 | 2 | 2 | 6m 30s | 14m 0s | 3 | 0 | -150 |')
    expect(md).toContain('| **all groups** |  | 7 | 6 | 3 | 4 | 3m 30s | 14m 0s | 3 | 2 | -190 |')
    expect(md.indexOf('## Watched groups')).toBeLessThan(md.indexOf(en.t('report.notes')))
    expect(md).toContain('Notes (groups):')
    expect(md).not.toContain('张秘密')
  })
})
