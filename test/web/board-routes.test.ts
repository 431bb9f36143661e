import Fastify, { type FastifyInstance } from 'fastify'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Config, parseConfig } from '../../src/domain/config.js'
import { buildReport, REPORT_EVENT_TYPES, reportWindow } from '../../src/domain/report.js'
import { StaffDirectory } from '../../src/domain/staff.js'
import { memoryLog } from '../../src/log/log.js'
import { Text } from '../../src/text/text.js'
import type { BoardSnapshot } from '../../src/web/board.js'
import type { ConsoleParts } from '../../src/web/parts.js'
import { boardRoutes } from '../../src/web/routes/board.js'
import { STAFF } from '../support/harness.js'
import { KernelHarness } from '../support/kernel.js'
import { REDIS_URL } from '../support/redis.js'

/**
 * The board's routes on a real Fastify server, over the bot's real Redis live state and store (the
 * kernel harness: a customer writes, an agent answers, the ladder runs on a clock the test moves).
 * A preHandler stands where the session guard stands in the console: it names the viewer.
 */

const MINUTE = 60_000
let h: KernelHarness
let app: FastifyInstance
let base: string
let config: Config
let staff: StaffDirectory
/** How often the board read every open conversation from Redis. */
let reads = 0

beforeEach(async () => {
  h = await new KernelHarness().start()
  // The harness's own configuration, as the console would be given it.
  config = parseConfig({
    alerts: { digestWindow: 0 },
    redis: { url: REDIS_URL, prefix: h.prefix },
    staff: [
      { ...STAFF.agentA, roles: ['agent'] },
      { ...STAFF.agentB, roles: ['agent'] },
      { ...STAFF.supervisor, roles: ['supervisor'] },
      { ...STAFF.manager, roles: ['manager'] },
    ],
  })
  staff = new StaffDirectory(config.staff)
  reads = 0
  // The real live state, counted: how many reads the board makes is part of what it promises.
  const state = new Proxy(h.state, {
    get(target, name) {
      if (name === 'openConversations') reads++
      const value = Reflect.get(target, name)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  const parts: ConsoleParts = {
    config,
    staff,
    state,
    store: h.store,
    text: new Text('zh-CN', config.timeZone),
    clock: () => h.now,
    log: memoryLog(),
    submit: async (member, text) => {
      await h.says(member.id, text)
    },
    recordRead: async () => {
      throw new Error('the board records no reads')
    },
    siblings: [],
    report: async (range) => {
      const { start, end } = reportWindow(range.from, range.to, config.timeZone)
      const conversations = await h.store.conversationsOpenedBetween(start, end)
      const events = await Promise.all(
        REPORT_EVENT_TYPES.map((type) => h.store.eventsBetween(type, start, end)),
      )
      return buildReport(
        { conversations, events: events.flat() },
        { ...range, timeZone: config.timeZone, tally: config.tally },
      )
    },
  }
  app = Fastify()
  await app.register(async (scope) => {
    scope.addHook('preHandler', async (request, reply) => {
      const member = staff.get(String(request.headers['x-staff']))
      if (!member) return reply.code(401).send()
      request.viewer = { staff: member, csrf: 'csrf' }
    })
    boardRoutes(scope, parts)
  })
  base = await app.listen({ port: 0, host: '127.0.0.1' })
})

afterEach(async () => {
  await app.close()
  await h.close()
})

async function board(as: string): Promise<BoardSnapshot> {
  const response = await fetch(`${base}/board.json`, { headers: { 'x-staff': as } })
  expect(response.status).toBe(200)
  return (await response.json()) as BoardSnapshot
}

/** Reads a `text/event-stream` body event by event. */
class EventStream {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>
  private readonly decoder = new TextDecoder()
  private buffer = ''

  constructor(body: ReadableStream<Uint8Array>) {
    this.reader = body.getReader()
  }

  /** The next `board` event's snapshot, or `ended` once the server closes the stream. */
  async next(withinMs: number): Promise<BoardSnapshot | 'ended'> {
    const deadline = Date.now() + withinMs
    for (;;) {
      const block = await this.block(deadline)
      if (block === undefined) return 'ended'
      const data = block.split('\n').find((line) => line.startsWith('data: '))
      if (block.includes('event: board') && data) return JSON.parse(data.slice(6)).snapshot
    }
  }

  private async block(deadline: number): Promise<string | undefined> {
    for (;;) {
      const end = this.buffer.indexOf('\n\n')
      if (end >= 0) {
        const block = this.buffer.slice(0, end)
        this.buffer = this.buffer.slice(end + 2)
        return block
      }
      const left = deadline - Date.now()
      if (left <= 0) throw new Error('no event in time')
      let timer: NodeJS.Timeout | undefined
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('no event in time')), left)
      })
      const chunk = await Promise.race([this.reader.read(), late]).finally(() => clearTimeout(timer))
      if (chunk.done) return undefined
      this.buffer += this.decoder.decode(chunk.value, { stream: true })
    }
  }
}

async function events(as: string, signal: AbortSignal): Promise<EventStream> {
  const response = await fetch(`${base}/events`, { headers: { 'x-staff': as }, signal })
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/)
  if (!response.body) throw new Error('no body')
  return new EventStream(response.body)
}

describe('the board over HTTP', () => {
  it('shows a waiting customer by role, through the ladder, until the agent answers', async () => {
    await h.says(STAFF.agentA.id, '/on')
    await h.says('cust-zhang', '我的订单还没发货，电话 13812345678', '张三')

    const supervisor = await board(STAFF.supervisor.id)
    expect(supervisor.waiting).toMatchObject([
      {
        code: 'A1',
        customer: '张*',
        agent: STAFF.agentA.name,
        status: 'assigned',
        lastText: expect.stringContaining('138****5678'),
        level: 'ok',
        nextStep: { index: 0, dueAt: h.now + 4 * MINUTE, notify: ['agent'] },
        overdueAt: h.now + 5 * MINUTE,
      },
    ])
    expect(supervisor.agents.find((agent) => agent.id === STAFF.agentA.id)).toMatchObject({
      state: { kind: 'on' },
      open: 1,
      cap: 10,
    })
    expect(supervisor.today?.conversations).toBe(1)
    expect((await board(STAFF.manager.id)).waiting[0]).toMatchObject({
      customer: '张三',
      lastText: expect.stringContaining('13812345678'),
    })
    expect((await board(STAFF.agentA.id)).waiting.map((row) => row.code)).toEqual(['A1'])
    expect((await board(STAFF.agentB.id)).waiting).toEqual([])

    await h.advance(4 * MINUTE)
    expect((await board(STAFF.supervisor.id)).waiting[0]?.level).toBe('warning')
    await h.advance(MINUTE)
    expect(h.purposes(STAFF.supervisor.id)).toEqual(['alert1'])
    expect((await board(STAFF.supervisor.id)).waiting[0]).toMatchObject({
      level: 'overdue',
      nextStep: { index: 2, notify: ['managers'] },
    })

    await h.says(STAFF.agentA.id, '您好，马上为您查询')
    expect((await board(STAFF.supervisor.id)).waiting).toEqual([])
  })

  it('renders the page with the rows the browser tests find', async () => {
    await h.says('cust-zhang', '在吗', '张三')
    const response = await fetch(`${base}/`, { headers: { 'x-staff': STAFF.supervisor.id } })
    expect(response.headers.get('content-type')).toMatch(/^text\/html/)
    const page = await response.text()
    expect(page).toContain('<script src="/assets/board.js" defer></script>')
    expect(page).toMatch(/<table data-board="waiting">[\s\S]*<tr data-code="A1" data-level="ok"/)
    expect(page).toContain('data-countdown')
    expect(page).toMatch(/<table data-board="queue">[\s\S]*<tr data-code="A1"/)
    expect(page).toMatch(/<tr data-agent="agent-a" data-state="off">/)
    expect(page).toContain('没有关注的群。')
    for (const figure of [
      'conversations',
      'first-response-median',
      'first-response-p90',
      'overdue',
      'same-day',
      'csat',
    ])
      expect(page).toContain(`data-figure="${figure}"`)
    expect(page).not.toContain('cust-zhang')
  })

  it('streams the board at once, then a new customer within about a second', async () => {
    const abort = new AbortController()
    try {
      const stream = await events(STAFF.supervisor.id, abort.signal)
      expect(await stream.next(500)).toMatchObject({ waiting: [] })
      await h.says('cust-li', '你好，我要退货', '李四')
      const started = Date.now()
      const next = await stream.next(1500)
      expect(Date.now() - started).toBeLessThan(1500)
      expect(next).toMatchObject({ waiting: [{ code: 'A1', customer: '李*', status: 'queued' }] })
    } finally {
      abort.abort()
    }
  })

  it("ends a member's stream once they are no longer on the staff list", async () => {
    const abort = new AbortController()
    try {
      const stream = await events(STAFF.supervisor.id, abort.signal)
      expect(await stream.next(500)).not.toBe('ended')
      staff.replace(config.staff.filter((member) => member.id !== STAFF.supervisor.id))
      expect(await stream.next(1500)).toBe('ended')
    } finally {
      abort.abort()
    }
  })

  it('reads the live state once a tick for every open page, whoever looks', async () => {
    const abort = new AbortController()
    try {
      const viewers = [STAFF.supervisor, STAFF.supervisor, STAFF.manager, STAFF.agentA, STAFF.agentB]
      const streams = await Promise.all(viewers.map((viewer) => events(viewer.id, abort.signal)))
      for (const stream of streams) expect(await stream.next(500)).not.toBe('ended')
      const before = reads
      // Three ticks of half a second; one read per page per tick would be fifteen.
      await new Promise((resolve) => setTimeout(resolve, 1500))
      expect(reads - before).toBeGreaterThanOrEqual(1)
      expect(reads - before).toBeLessThanOrEqual(4)
    } finally {
      abort.abort()
    }
  })
})
