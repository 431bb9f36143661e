import { describe, expect, it } from 'vitest'
import { type ConfigInput, parseConfig } from '../../src/domain/config.js'
import { type LiveConversation, liveConversationSchema } from '../../src/domain/conversation.js'
import { type LiveGroupWait, liveGroupWaitSchema, liveRoomSchema } from '../../src/domain/groups.js'
import { buildReport } from '../../src/domain/report.js'
import { StaffDirectory } from '../../src/domain/staff.js'
import type { ConversationSummary } from '../../src/domain/transcript.js'
import { Text } from '../../src/text/text.js'
import { type BoardReads, boardSignature, boardSnapshot } from '../../src/web/board.js'
import { boardHtml } from '../../src/web/board-view.js'

const T0 = Date.UTC(2026, 11, 1, 2, 0, 0) // 10:00 in Shanghai
const S = 1000
const MIN = 60 * S

function setup(sections: Partial<ConfigInput> = {}) {
  const config = parseConfig({
    staff: [
      { id: 'agent-a', name: '小王', roles: ['agent'], maxOpen: 4 },
      { id: 'agent-b', name: '小李', roles: ['agent'] },
      { id: 'sup', name: '陈主管', roles: ['supervisor'] },
      { id: 'boss', name: '周经理', roles: ['manager'] },
    ],
    ...sections,
  })
  const staff = new StaffDirectory(config.staff)
  const member = (id: string) => {
    const found = staff.get(id)
    if (!found) throw new Error(id)
    return found
  }
  return { config, staff, member, settings: { config, staff, text: new Text('zh-CN', config.timeZone) } }
}

/** A conversation whose customer started waiting at `since`, on the default 5-minute ladder. */
function conversation(
  code: string,
  fields: Partial<Record<keyof LiveConversation, string>>,
): LiveConversation {
  const since = Number(fields.waitingSince ?? T0)
  return liveConversationSchema.parse({
    id: `id-${code}`,
    code,
    customerId: `wxid-${code}`,
    customerName: '王小明',
    status: fields.agentId ? 'assigned' : 'queued',
    openedAt: String(since),
    waitingSince: String(since),
    deadlines: since ? [since + 4 * MIN, since + 5 * MIN, since + 10 * MIN].join(',') : '',
    category: 'order',
    lastText: '我的电话 13812345678',
    ...fields,
  })
}

function reads(fields: Partial<BoardReads>): BoardReads {
  return { open: [], queued: [], loads: [], rooms: [], today: undefined, ...fields }
}

describe('the board', () => {
  const { settings, member } = setup()

  it('turns a wait amber at the warning step and red at the overdue step, to the millisecond', () => {
    const a1 = conversation('A1', { agentId: 'agent-a' })
    const at = (ms: number) =>
      boardSnapshot(reads({ open: [a1] }), member('boss'), settings, T0 + ms).waiting[0]
    expect(at(4 * MIN - 1)?.level).toBe('ok')
    expect(at(4 * MIN)?.level).toBe('warning')
    expect(at(5 * MIN - 1)?.level).toBe('warning')
    expect(at(5 * MIN)?.level).toBe('overdue')
    expect(at(3 * MIN)).toMatchObject({
      code: 'A1',
      agent: '小王',
      category: '订单',
      status: 'assigned',
      since: T0,
      waitedMs: 3 * MIN,
      nextStep: { index: 0, dueAt: T0 + 4 * MIN, notify: ['agent'] },
      warningAt: T0 + 4 * MIN,
      overdueAt: T0 + 5 * MIN,
    })
  })

  it('names the step the ladder takes next, and none once every step is taken', () => {
    const next = (ladderStep: string) =>
      boardSnapshot(
        reads({ open: [conversation('A1', { agentId: 'agent-a', ladderStep })] }),
        member('boss'),
        settings,
        T0,
      ).waiting[0]?.nextStep
    expect(next('1')).toEqual({ index: 1, dueAt: T0 + 5 * MIN, notify: ['supervisors'] })
    expect(next('2')).toEqual({ index: 2, dueAt: T0 + 10 * MIN, notify: ['managers'] })
    expect(next('3')).toBeNull()
  })

  it('gives no warning when the first step is the overdue one', () => {
    const oneStep = setup({ sla: { replyTimeout: '5m', ladder: [{ after: '5m' }] } })
    const a1 = conversation('A1', { agentId: 'agent-a', deadlines: String(T0 + 5 * MIN) })
    const at = (ms: number) =>
      boardSnapshot(reads({ open: [a1] }), oneStep.member('boss'), oneStep.settings, T0 + ms).waiting[0]
    expect(at(5 * MIN - 1)).toMatchObject({ level: 'ok', warningAt: null })
    expect(at(5 * MIN)?.level).toBe('overdue')
  })

  it('leaves answered conversations off, keeps queued ones, longest wait first', () => {
    const answered = conversation('A1', { agentId: 'agent-a', waitingSince: '0' })
    const queued = conversation('A2', { waitingSince: String(T0 - MIN) })
    const later = conversation('A3', { agentId: 'agent-b', waitingSince: String(T0 + MIN) })
    const snapshot = boardSnapshot(
      reads({ open: [answered, later, queued], queued: [queued] }),
      member('sup'),
      settings,
      T0 + 2 * MIN,
    )
    expect(snapshot.waiting.map((row) => [row.code, row.status, row.agent])).toEqual([
      ['A2', 'queued', null],
      ['A3', 'assigned', '小李'],
    ])
    expect(snapshot.queue).toEqual([
      { code: 'A2', place: 1, customer: '王**', category: '订单', since: T0 - MIN, waitedMs: 3 * MIN },
    ])
  })

  it('shows a supervisor names and personal data masked, a manager whole', () => {
    const open = [conversation('A1', { agentId: 'agent-a' })]
    const supervisor = boardSnapshot(reads({ open }), member('sup'), settings, T0).waiting[0]
    const manager = boardSnapshot(reads({ open }), member('boss'), settings, T0).waiting[0]
    expect(supervisor).toMatchObject({ customer: '王**', lastText: '我的电话 138****5678' })
    expect(manager).toMatchObject({ customer: '王小明', lastText: '我的电话 13812345678' })
    expect(JSON.stringify(boardSnapshot(reads({ open }), member('sup'), settings, T0))).not.toContain('wxid-')
  })

  it('shows an agent only their own conversations, their own line and figures, and the queue masked', () => {
    const mine = conversation('A1', { agentId: 'agent-a' })
    const theirs = conversation('A2', { agentId: 'agent-b' })
    const queued = conversation('A3', {})
    const summary = (agentId: string, code: string): ConversationSummary => ({
      id: `s-${code}`,
      code,
      customerId: `wxid-${code}`,
      customerName: '客户',
      status: 'assigned',
      agentId,
      openedAt: T0,
      overdueCount: 0,
      rev: 1,
    })
    const [today] = buildReport(
      {
        conversations: [summary('agent-a', 'A1'), summary('agent-b', 'A2'), summary('agent-b', 'A4')],
        events: [],
      },
      { from: '2026-12-01', to: '2026-12-01', timeZone: 'Asia/Shanghai', by: 'range' },
    ).periods
    const board = reads({
      open: [mine, theirs, queued],
      queued: [queued],
      loads: [
        { agentId: 'agent-a', onDuty: true, open: 1 },
        { agentId: 'agent-b', onDuty: true, open: 2, away: { until: T0 + 30 * MIN, reason: '吃饭' } },
      ],
      today,
    })
    const agent = boardSnapshot(board, member('agent-a'), settings, T0)
    expect(agent.scope).toBe('mine')
    expect(agent.waiting.map((row) => [row.code, row.customer, row.lastText])).toEqual([
      ['A1', '王小明', '我的电话 13812345678'],
    ])
    expect(agent.queue.map((row) => [row.code, row.customer])).toEqual([['A3', '王**']])
    expect(agent.agents).toEqual([{ id: 'agent-a', name: '小王', state: { kind: 'on' }, open: 1, cap: 4 }])
    expect(agent.today?.conversations).toBe(1)

    const supervisor = boardSnapshot(board, member('sup'), settings, T0)
    expect(supervisor.scope).toBe('all')
    expect(supervisor.waiting.map((row) => row.code)).toEqual(['A1', 'A2', 'A3'])
    expect(supervisor.agents).toEqual([
      { id: 'agent-a', name: '小王', state: { kind: 'on' }, open: 1, cap: 4 },
      {
        id: 'agent-b',
        name: '小李',
        state: { kind: 'away', reason: '吃饭', until: T0 + 30 * MIN },
        open: 2,
        cap: 10,
      },
    ])
    expect(supervisor.today?.conversations).toBe(3)
  })

  it('shows the rooms with their waiting customers, an agent only the rooms they look after', () => {
    const groups = setup({
      groups: {
        watch: 'all',
        rooms: [
          { room: '售后群', agents: ['小王'] },
          { room: '团购群', agents: ['小李'] },
        ],
      },
    })
    const room = (id: string, code: string, topic: string) => liveRoomSchema.parse({ id, code, topic })
    const wait = (roomId: string, ladderStep: number): LiveGroupWait =>
      liveGroupWaitSchema.parse({
        roomId,
        customerId: 'wxid-c',
        customerName: '李四',
        since: T0,
        version: 1,
        ladderStep,
        deadlines: [T0 + 8 * MIN, T0 + 10 * MIN, T0 + 20 * MIN].join(','),
        count: 2,
        lastText: '有人吗 13812345678',
      })
    const board = reads({
      rooms: [
        { room: room('r1@chatroom', 'G1', '售后群'), waits: [wait('r1@chatroom', 1)] },
        { room: room('r2@chatroom', 'G2', '团购群'), waits: [] },
      ],
    })
    const supervisor = boardSnapshot(board, groups.member('sup'), groups.settings, T0 + 9 * MIN)
    expect(supervisor.groups).toEqual([
      {
        code: 'G1',
        topic: '售后群',
        waits: [
          {
            customer: '李*',
            since: T0,
            waitedMs: 9 * MIN,
            messages: 2,
            lastText: '有人吗 138****5678',
            dueAt: T0 + 10 * MIN,
            nextStep: { index: 1, dueAt: T0 + 10 * MIN, notify: ['supervisors'] },
            warningAt: T0 + 8 * MIN,
            overdueAt: T0 + 10 * MIN,
            level: 'warning',
          },
        ],
      },
      { code: 'G2', topic: '团购群', waits: [] },
    ])
    const agent = boardSnapshot(board, groups.member('agent-b'), groups.settings, T0 + 10 * MIN)
    expect(agent.groups.map((row) => row.code)).toEqual(['G2'])
    const other = boardSnapshot(board, groups.member('agent-a'), groups.settings, T0 + 10 * MIN)
    expect(other.groups[0]?.waits[0]).toMatchObject({ customer: '李四', level: 'overdue' })
  })

  it('keeps one signature while only time passes, and a new one when a level changes', () => {
    const open = [conversation('A1', { agentId: 'agent-a' })]
    const signature = (ms: number) =>
      boardSignature(boardSnapshot(reads({ open }), member('sup'), settings, T0 + ms))
    expect(signature(S)).toBe(signature(2 * S))
    expect(signature(4 * MIN)).not.toBe(signature(2 * S))
  })

  it('renders rows with the countdown to the next step, then how long overdue, names escaped', () => {
    const rows = (ms: number, ladderStep = '0') => {
      const a1 = conversation('A1', {
        agentId: 'agent-a',
        customerName: '<img src=x onerror=alert(1)>',
        ladderStep,
      })
      return boardHtml(settings.text, boardSnapshot(reads({ open: [a1] }), member('boss'), settings, T0 + ms))
        .waiting
    }
    expect(rows(0)).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(rows(0)).not.toContain('<img')
    expect(rows(0)).toMatch(/<tr data-code="A1" data-level="ok"[^>]*>/)
    expect(rows(0)).toMatch(/<td class="time" data-countdown>04:00<\/td>/)
    expect(rows(4 * MIN - 500)).toMatch(/data-countdown>00:01</)
    // The step fell due and its timer has not run yet: the countdown waits at zero.
    expect(rows(4 * MIN + 100)).toMatch(/data-countdown>00:00</)
    expect(rows(4 * MIN + 30 * S, '1')).toMatch(/data-level="warning"[\s\S]*data-countdown>00:30</)
    expect(rows(6 * MIN + 5 * S, '2')).toMatch(/data-level="overdue"[\s\S]*data-countdown>超时 01:05</)
  })
})
