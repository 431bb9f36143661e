import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../src/cli.js'
import { groupThreadId } from '../../src/domain/groups.js'
import type { ConversationSummary, EventType, TranscriptEntry } from '../../src/domain/transcript.js'
import { zonedTime } from '../../src/domain/zoned-time.js'
import { EmbeddedTranscriptStore } from '../../src/store/embedded.js'

const TZ = 'Asia/Shanghai'
const D1 = '2026-11-01'
const D2 = '2026-11-02'
const dir = mkdtempSync(join(tmpdir(), 'kefu-report-'))
const dbFile = join(dir, 'data', 'transcripts.db')
const configFile = join(dir, 'kefu.json')
const env = { KEFU_CONFIG: configFile }
// A second deployment, with watched groups, its own store and config.
const groupsDbFile = join(dir, 'groups', 'transcripts.db')
const groupsConfigFile = join(dir, 'groups.json')

const at = (day: string, hour: number, seconds = 0) => zonedTime(day, hour * 60, TZ) + seconds * 1000

function summary(
  id: string,
  openedAt: number,
  fields: Partial<ConversationSummary> & { firstResponseS?: number },
): ConversationSummary {
  const { firstResponseS, ...rest } = fields
  return {
    id,
    code: id.toUpperCase(),
    customerId: `customer-${id}`,
    customerName: '客户王秘密',
    status: 'assigned',
    openedAt,
    overdueCount: 0,
    rev: 1,
    ...(firstResponseS === undefined ? {} : { firstResponseAt: openedAt + firstResponseS * 1000 }),
    ...rest,
  }
}

function event(
  id: string,
  conversationId: string,
  type: EventType,
  when: number,
  data: object,
): TranscriptEntry {
  return {
    id,
    conversationId,
    at: when,
    seq: 0,
    actor: { id: 'bot', role: 'bot' },
    kind: 'event',
    type,
    data: { ...data },
  }
}

function capture() {
  let text = ''
  return {
    write: (chunk: string) => (text += chunk),
    get text() {
      return text
    },
  }
}

async function run(...argv: string[]) {
  return runWith(env, argv)
}

async function runWith(environment: NodeJS.ProcessEnv, argv: string[]) {
  const stdout = capture()
  const stderr = capture()
  const code = await main(['report', ...argv], { stdout, stderr, env: environment })
  return { code, stdout: stdout.text, stderr: stderr.text }
}

const SHOP = { roomId: 'shop@chatroom', code: 'G1', topic: '小店客户群' }
const SECOND = { roomId: 'second@chatroom', code: 'G2', topic: '二群' }

/** An event of a room's record, as the group handlers write it. */
function groupEvent(
  id: string,
  room: typeof SHOP,
  type: EventType,
  when: number,
  data: object,
): TranscriptEntry {
  return event(id, groupThreadId(room.roomId), type, when, { ...room, ...data })
}

/** The groups deployment: a 15-minute group timeout and −30 per overdue group message. */
async function seedGroups(): Promise<void> {
  writeFileSync(
    groupsConfigFile,
    JSON.stringify({
      locale: 'zh-CN',
      timeZone: TZ,
      store: { file: groupsDbFile },
      staff: [
        { id: 'wx-wang', name: '小王' },
        { id: 'wx-li', name: '小李' },
      ],
      groups: { watch: 'all', rooms: [{ room: SHOP.roomId, agents: ['wx-wang'] }], replyTimeout: '15m' },
      tally: { groupOverdue: -30 },
    }),
  )
  const store = new EmbeddedTranscriptStore(groupsDbFile)
  await store.init()
  // A 1:1 conversation of 小王's, answered in 30 s: the agent row has both.
  await store.write({
    entries: [],
    conversation: summary('c1', at(D1, 9), {
      firstResponseS: 30,
      firstResponderId: 'wx-wang',
      agentId: 'wx-wang',
    }),
  })
  const customer = { customerId: 'customer-zhang', customerName: '客户王秘密' }
  // G1, day 1: 张 writes twice at 10:00 and 10:04; the step at 10:15 finds the first overdue, 小王's
  // answer at 10:20 the second: 20 and 16 minutes. 赵 is answered from the bot account in 1 minute.
  await store.write({
    entries: [
      groupEvent('g1', SHOP, 'group-waiting', at(D1, 10), {
        ...customer,
        messageId: 'w1',
        clockStarted: true,
      }),
      groupEvent('g2', SHOP, 'group-waiting', at(D1, 10, 240), {
        ...customer,
        messageId: 'w2',
        clockStarted: false,
      }),
      groupEvent('g3', SHOP, 'group-overdue', at(D1, 10, 900), {
        ...customer,
        agentId: 'wx-wang',
        messages: 1,
      }),
      groupEvent('g4', SHOP, 'group-overdue', at(D1, 10, 1200), {
        ...customer,
        agentId: 'wx-wang',
        messages: 1,
      }),
      groupEvent('g5', SHOP, 'group-answered', at(D1, 10, 1200), {
        ...customer,
        by: 'wx-wang',
        responsesMs: [1_200_000, 960_000],
        waitedMs: 1_200_000,
        relayed: false,
      }),
      groupEvent('g6', SHOP, 'group-waiting', at(D1, 11), {
        ...customer,
        messageId: 'w3',
        clockStarted: true,
      }),
      groupEvent('g7', SHOP, 'group-answered', at(D1, 11, 60), {
        ...customer,
        by: '',
        responsesMs: [60_000],
        waitedMs: 60_000,
        relayed: false,
      }),
    ],
  })
  // G2, day 2: 小李 answers in 12 minutes (within this deployment's 15) and types a forbidden phrase.
  await store.write({
    entries: [
      groupEvent('h1', SECOND, 'group-waiting', at(D2, 9), {
        ...customer,
        messageId: 'w4',
        clockStarted: true,
      }),
      groupEvent('h2', SECOND, 'group-answered', at(D2, 9, 720), {
        ...customer,
        by: 'wx-li',
        responsesMs: [720_000],
        waitedMs: 720_000,
        relayed: true,
      }),
      groupEvent('h3', SECOND, 'group-wording', at(D2, 9, 720), { agentId: 'wx-li', phrase: '不知道' }),
      // The day after the range: not in the report.
      groupEvent('h4', SECOND, 'group-waiting', at('2026-11-03', 9), { ...customer, messageId: 'w5' }),
    ],
  })
  await store.close()
}

beforeAll(async () => {
  writeFileSync(
    configFile,
    JSON.stringify({
      locale: 'zh-CN',
      timeZone: TZ,
      store: { file: dbFile },
      staff: [
        { id: 'wx-wang', name: '王, "小王"' },
        { id: 'wx-li', name: '小李' },
        { id: 'wx-boss', name: '主管', roles: ['supervisor'] },
      ],
    }),
  )
  const store = new EmbeddedTranscriptStore(dbFile)
  await store.init()
  // Day 1: 小王 answers c1 (30 s, closed that day) and c2 (90 s, left open, unresolved for two days).
  await store.write({
    entries: [
      event('c1-rated', 'c1', 'rated', at(D1, 11), { agentId: 'wx-wang', score: 5 }),
      event('c1-praised', 'c1', 'praised', at(D1, 10, 5), { agentId: 'wx-wang' }),
    ],
    conversation: summary('c1', at(D1, 10), {
      firstResponseS: 30,
      firstResponderId: 'wx-wang',
      agentId: 'wx-wang',
      status: 'closed',
      closedAt: at(D1, 11),
    }),
  })
  await store.write({
    entries: [
      event('c2-overdue', 'c2', 'overdue', at(D1, 12, 300), { agentId: 'wx-wang' }),
      event('c2-day1', 'c2', 'day-unresolved', at(D2, 0, 1), { agentId: 'wx-wang', day: D1, days: 1 }),
      event('c2-day2', 'c2', 'day-unresolved', at(D2, 23, 3500), { agentId: 'wx-wang', day: D2, days: 2 }),
    ],
    conversation: summary('c2', at(D1, 12), {
      firstResponseS: 400,
      firstResponderId: 'wx-wang',
      agentId: 'wx-wang',
    }),
  })
  // Day 2: 小李 answers c3 (20 s) and sends a forbidden phrase anyway; c4 waits in the queue.
  await store.write({
    entries: [
      event('c3-forced', 'c3', 'phrase-forced', at(D2, 9, 60), { agentId: 'wx-li', phrase: '不知道' }),
      event('c3-rated', 'c3', 'rated', at(D2, 10), { agentId: 'wx-li', score: 2 }),
    ],
    conversation: summary('c3', at(D2, 9), {
      firstResponseS: 20,
      firstResponderId: 'wx-li',
      agentId: 'wx-li',
      status: 'closed',
      closedAt: at(D2, 9, 600),
    }),
  })
  await store.write({ entries: [], conversation: summary('c4', at(D2, 22), { status: 'queued' }) })
  // The day after the range: not in the report.
  await store.write({
    entries: [event('c5-overdue', 'c5', 'overdue', at('2026-11-03', 9), { agentId: 'wx-li' })],
    conversation: summary('c5', at('2026-11-03', 9), { agentId: 'wx-li' }),
  })
  await store.close()
  await seedGroups()
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('npm run report', () => {
  it('prints the CSV per agent and day from the transcript store', async () => {
    const { code, stdout, stderr } = await run('--from', D1, '--to', D2, '--format', 'csv')
    expect(stderr).toContain('已读取会话 4 个')
    expect(stderr).toContain('正在读取事件 5/9（phrase-forced）…')
    expect(stderr).toContain('正在读取事件 9/9（group-wording）…')
    expect(code).toBe(0)
    const lines = stdout.split('\r\n')
    expect(lines[0]?.startsWith('日期,客服,会话数,已回复,首次响应中位数,首次响应中位数（秒）')).toBe(true)
    expect(lines.slice(1, -1)).toEqual([
      '2026-11-01,"王, ""小王""",2,2,3分35秒,215,6分40秒,400,1,1,50%,1,5.00,1,0,0,30',
      '2026-11-01,全体客服,2,2,3分35秒,215,6分40秒,400,1,1,50%,1,5.00,1,0,0,30',
      // agents in pinyin order (wáng before xiǎo), the unassigned and the team after them
      '2026-11-02,"王, ""小王""",0,0,—,,—,,0,0,—,0,—,0,1,0,-50',
      '2026-11-02,小李,1,1,20秒,20,20秒,20,0,1,100%,1,2.00,0,0,1,-20',
      '2026-11-02,未分配,1,0,—,,—,,0,0,0%,0,—,0,0,0,0',
      '2026-11-02,全体客服,2,1,20秒,20,20秒,20,0,1,50%,1,2.00,0,1,1,-70',
    ])
    expect(stdout).not.toContain('客户王秘密')
    expect(stdout).not.toContain('不知道')
    expect(stdout).not.toContain('群') // no watched group had anything: the report it always was
  })

  it('adds the group figures per agent and a table per room, with the configured timeout and amount', async () => {
    const { code, stdout, stderr } = await runWith({ KEFU_CONFIG: groupsConfigFile }, [
      '--from',
      D1,
      '--to',
      D2,
      '--format',
      'csv',
    ])
    expect(stderr).toContain('已读取 group-waiting 事件 4 条')
    expect(code).toBe(0)
    const [agents, rooms, ...rest] = stdout.split('\r\n\r\n')
    expect(rest).toEqual([])
    const agentLines = agents?.split('\r\n') ?? []
    expect(agentLines[0]).toBe(
      '日期,客服,会话数,已回复,首次响应中位数,首次响应中位数（秒）,首次响应P90,首次响应P90（秒）,超时次数,当日解决,当日解决率,评价数,平均评分,表扬次数,拖延天数,用语不当,奖惩（元）,群消息已回复,群3分钟内回复,群15分钟内回复,群首次响应中位数,群首次响应中位数（秒）,群首次响应P90,群首次响应P90（秒）,群超时未回复',
    )
    expect(agentLines.slice(1)).toEqual([
      '2026-11-01,小王,1,1,30秒,30,30秒,30,0,0,0%,0,—,0,0,0,-60,2,0,0,18分0秒,1080,20分0秒,1200,2',
      '2026-11-01,未分配,0,0,—,,—,,0,0,—,0,—,0,0,0,0,1,1,1,1分0秒,60,1分0秒,60,0',
      '2026-11-01,全体客服,1,1,30秒,30,30秒,30,0,0,0%,0,—,0,0,0,-60,3,1,1,16分0秒,960,20分0秒,1200,2',
      '2026-11-02,小李,0,0,—,,—,,0,0,—,0,—,0,0,1,-20,1,0,1,12分0秒,720,12分0秒,720,0',
      '2026-11-02,全体客服,0,0,—,,—,,0,0,—,0,—,0,0,1,-20,1,0,1,12分0秒,720,12分0秒,720,0',
    ])
    expect(rooms?.split('\r\n')).toEqual([
      '日期,群编号,群名称,群消息,已回复,3分钟内回复,15分钟内回复,首次响应中位数,首次响应中位数（秒）,首次响应P90,首次响应P90（秒）,超时未回复,用语不当,奖惩（元）',
      '2026-11-01,G1,小店客户群,3,3,1,1,16分0秒,960,20分0秒,1200,2,0,-60',
      '2026-11-01,全部群,,3,3,1,1,16分0秒,960,20分0秒,1200,2,0,-60',
      '2026-11-02,G2,二群,1,1,0,1,12分0秒,720,12分0秒,720,0,1,-20',
      '2026-11-02,全部群,,1,1,0,1,12分0秒,720,12分0秒,720,0,1,-20',
      '',
    ])
    expect(stdout).not.toContain('客户王秘密')
    expect(stdout).not.toContain('不知道')
  })

  it('gives the Markdown report a section for the rooms', async () => {
    const { code, stdout } = await runWith({ KEFU_CONFIG: groupsConfigFile }, [
      '--from',
      D1,
      '--to',
      D2,
      '--by',
      'range',
    ])
    expect(code).toBe(0)
    expect(stdout).toContain('## 社群：群消息回复')
    expect(stdout).toContain('群消息超过15分钟未回复 -30/条')
    expect(stdout).toContain(
      '| 小王 | 1 | 1 | 30秒 | 30秒 | 0 | 0% | 0 | — | 0 | 0 | 0 | -60 | 2 | 0 | 0 | 18分0秒 | 20分0秒 | 2 |',
    )
    expect(stdout).toContain('| G1 | 小店客户群 | 3 | 3 | 1 | 1 | 16分0秒 | 20分0秒 | 2 | 0 | -60 |')
    expect(stdout).toContain('| **全部群** |  | 4 | 4 | 1 | 2 | 14分0秒 | 20分0秒 | 2 | 1 | -80 |')
  })

  it('prints Markdown over the whole range in English and writes it to a file', async () => {
    const out = join(dir, 'week.md')
    const { code, stdout, stderr } = await run(
      `--from=${D1}`,
      `--to=${D2}`,
      '--by',
      'range',
      '--locale',
      'en',
      '--out',
      out,
    )
    expect(code).toBe(0)
    expect(stdout).toBe('')
    expect(stderr).toContain(`report written to ${out}`)
    const md = readFileSync(out, 'utf8')
    expect(md).toContain('# Agent KPI report: 2026-11-01 to 2026-11-02')
    expect(md).toContain('| 王, "小王" | 2 | 2 | 3m 35s | 6m 40s | 1 | 50% | 1 | 5.00 | 1 | 1 | 0 | -20 |')
    expect(md).toContain('| 小李 | 1 | 1 | 20s | 20s | 0 | 100% | 1 | 2.00 | 0 | 0 | 1 | -20 |')
    expect(md).toContain('| unassigned | 1 | 0 | — | — | 0 | 0% | 0 | — | 0 | 0 | 0 | 0 |')
    expect(md).toContain('| **all agents** | 4 | 3 | 30s | 6m 40s | 1 | 50% | 2 | 3.50 | 1 | 1 | 1 | -40 |')
  })

  it('starts a CSV file with a byte-order mark for spreadsheet programs', async () => {
    const out = join(dir, 'day.csv')
    expect((await run('--from', D2, '--to', D2, '--format', 'csv', '--out', out)).code).toBe(0)
    const csv = readFileSync(out, 'utf8')
    expect(csv.startsWith('\uFEFF日期,客服,')).toBe(true)
    expect(csv).toContain('2026-11-02,小李,1,1,20秒,20,')
  })

  it.each([
    [['--from', '2026-02-30', '--to', D2], '--from：“2026-02-30”不是有效日期，请写成 YYYY-MM-DD'],
    [['--from', D1, '--to', '11/02/2026'], '--to：“11/02/2026”不是有效日期'],
    [['--from', D2, '--to', D1], '--from（2026-11-02）不能晚于 --to（2026-11-01）'],
    [['--from', D1, '--to', D2, '--format', 'xlsx'], '--format：未知格式“xlsx”，可选 md、csv'],
    [['--from', D1, '--to', D2, '--by', 'week'], '--by：未知分组“week”'],
    [['--from', D1, '--to', D2, '--fromat', 'csv'], '未知参数“--fromat”'],
    [['--to', D2], '缺少必填参数 --from'],
    [['--from', D1, '--to'], '--to 缺少取值'],
    [['--from', D1, '--from', D1, '--to', D2], '--from 只能给出一次'],
    [['--from', D1, '--to', D2, 'extra'], '多余的参数“extra”'],
  ])('refuses %j with a message naming the argument (exit 2)', async (argv, message) => {
    const { code, stdout, stderr } = await run(...argv)
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toContain(message)
    expect(stderr).toContain('用法：npm run report --')
  })

  it('says argument errors in the language asked for', async () => {
    const { code, stderr } = await run('--from', 'tomorrow', '--to', D2, '--locale', 'en')
    expect(code).toBe(2)
    expect(stderr).toContain('--from: "tomorrow" is not a valid date; write YYYY-MM-DD')
  })

  it('refuses a store file that does not exist and creates nothing (exit 1)', async () => {
    const mistyped = join(dir, 'dta', 'transcripts.db')
    const config = join(dir, 'mistyped.json')
    writeFileSync(config, JSON.stringify({ store: { file: mistyped }, staff: [{ id: 'wx-wang' }] }))
    const stdout = capture()
    const stderr = capture()
    const code = await main(['report', '--from', D1, '--to', D2], {
      stdout,
      stderr,
      env: { KEFU_CONFIG: config },
    })
    expect(code).toBe(1)
    expect(stdout.text).toBe('')
    expect(stderr.text).toContain(`找不到记录库 ${mistyped}（store.file）：请检查路径`)
    expect(existsSync(join(dir, 'dta'))).toBe(false)
  })

  it('names an unknown command, and a configuration problem', async () => {
    const stderr = capture()
    expect(await main(['reprot'], { stdout: capture(), stderr, env })).toBe(2)
    expect(stderr.text).toContain('未知命令“reprot”；可用命令：report')
    const missing = capture()
    const code = await main(['report', '--from', D1, '--to', D2], {
      stdout: capture(),
      stderr: missing,
      env: { KEFU_CONFIG: join(dir, 'absent.json') },
    })
    expect(code).toBe(1)
    expect(missing.text).toContain('配置有误：')
    expect(missing.text).toContain('absent.json')
  })
})
