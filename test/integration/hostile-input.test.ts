import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Bot, createBot } from '../../src/app.js'
import { eventually } from '../../src/demo/wait.js'
import { groupThreadId } from '../../src/domain/groups.js'
import { decomposeId, incomingId } from '../../src/domain/ids.js'
import type { InboundMessage } from '../../src/domain/inbound.js'
import type { Outgoing } from '../../src/domain/outgoing.js'
import { memoryLog } from '../../src/log/log.js'
import { jobIds } from '../../src/queue/keys.js'
import { deletePrefix, REDIS_URL, testPrefix, testRedis } from '../support/redis.js'

/**
 * Ten thousand generated messages and commands (HOSTILE_CASES for more), seeded and reproducible (HOSTILE_SEED),
 * from customers, agents, a supervisor and a customer who took a staff member's name. None may
 * crash the bot or fail a job; every staff message gets an answer, every customer message a place.
 */
const CASES = Number(process.env.HOSTILE_CASES ?? 10_000)
const seed = Number(process.env.HOSTILE_SEED ?? 20261124)

const STAFF = [
  { id: 'agent-1', name: '小王', roles: ['agent' as const] },
  { id: 'agent-2', name: '小李', roles: ['agent' as const] },
  { id: 'supervisor-1', name: '陈主管', roles: ['supervisor' as const] },
]

function mulberry32(start: number): () => number {
  let state = start >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const random = mulberry32(seed)
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T
const randomCode = () => `${pick(['A', 'B', 'Z', 'a', 'I', 'O'])}${Math.floor(random() * 12_000)}`

const NASTY_TEXTS = [
  '',
  ' ',
  '\u3000',
  '好'.repeat(100_000),
  'a'.repeat(99_999),
  '👨‍👩‍👧‍👦🏳️‍🌈e\u0301\u0302\u0303',
  'zero\u200b\u200c\u200dwidth\ufeff',
  '\u202eRTL override\u202c \u200fmark',
  '\u0000\u0001\u0007\u001b[31mred\u007f',
  '<xml><a href="javascript:alert(1)">x</a></xml>',
  '<script>alert(1)</script>&amp;&#x0;',
  '{"$gt": ""}',
  '{"$where": "sleep(1000)"}',
  '.*',
  '(a+)+$',
  '\\',
  '%s%n%x',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a customer typing a placeholder is the case under test
  '${process.exit(1)}',
  '13812345678 110101199003071234 6222020200112233445',
  '【A1】',
  '【】',
  'A1',
  'A1 ',
  'A99999 hi',
  '／',
  '/',
  '//',
  '/ /',
  // Ratings, menu answers and praise, in and out of season.
  '5',
  '１',
  '５分',
  '⭐⭐⭐',
  '非常感谢，服务很好',
  '这个问题我不会处理',
  '這個問題，我 不會 處理',
]

function staffCommand(): string {
  const commands = [
    'help',
    'list',
    'queue',
    'take',
    'close',
    'transfer',
    'on',
    'off',
    'agents',
    'assign',
    'transcript',
    'stats',
    'away',
    't',
    'force',
    'handover',
    'ack',
    'export',
  ]
  const args = [
    '',
    randomCode(),
    `${randomCode()} 小李`,
    `${randomCode()} {"$ne": null}`,
    `${randomCode()} .*`,
    `${randomCode()} ${'长'.repeat(5000)}`,
    'force',
    'FORCE now',
    '$where',
    '/etc/passwd',
    `${randomCode()} @小王`,
    `${randomCode()} 陈主管`,
    '30 吃饭',
    '999',
    '0',
    'week',
    '稍等',
    `稍等 ${randomCode()}`,
    '小李',
  ]
  const name = random() < 0.1 ? pick(['lsit', 'qeueu', 'transfr', 'xyz', 'ON', '列表']) : pick(commands)
  return `${pick(['/', '／', ' /'])}${name}${random() < 0.7 ? ` ${pick(args)}` : ''}`
}

function text(): string {
  const roll = random()
  if (roll < 0.3) return pick(NASTY_TEXTS)
  if (roll < 0.5) return staffCommand()
  if (roll < 0.7) return `${randomCode()} ${pick(NASTY_TEXTS).slice(0, 200)}`
  return Array.from({ length: 1 + Math.floor(random() * 40) }, () =>
    String.fromCodePoint(Math.floor(random() * 0x2ffff)),
  ).join('')
}

let number = 0
function message(from: { id: string; name: string }): InboundMessage {
  const kind =
    random() < 0.9 ? 'text' : pick(['image', 'voice', 'video', 'file', 'emoticon', 'link', 'other'] as const)
  return {
    id: `hostile-${seed}-${++number}`,
    from,
    kind,
    text: kind === 'text' ? text() : '',
    receivedAt: Date.now(),
  }
}

const prefix = testPrefix('hostile')
const dir = mkdtempSync(join(tmpdir(), 'kefu-hostile-'))
const log = memoryLog()
const sent: { id: string; message: Outgoing }[] = []
const unhandled: unknown[] = []
const onUnhandled = (reason: unknown) => unhandled.push(reason)
let engine: Bot

/** The bot on a channel that only collects what it sends; every room is watched. */
function hostileBot(
  keyPrefix: string,
  file: string,
  botLog: ReturnType<typeof memoryLog>,
  sends: { id: string; message: Outgoing }[],
): Bot {
  return createBot(
    {
      redis: { url: REDIS_URL, prefix: keyPrefix },
      store: { file },
      staff: STAFF,
      sla: { replyTimeout: '2m' },
      // Every room is watched, so each odd room payload goes all the way through the handlers.
      groups: { watch: 'all', replyTimeout: '2m' },
      outbox: { rate: { max: 100_000, per: '1s' } },
    },
    {
      log: botLog,
      channel: {
        start: async () => undefined,
        stop: async () => undefined,
        findContacts: async () => [],
        send: async (outgoing, id) => {
          sends.push({ id, message: outgoing })
        },
      },
    },
  )
}

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled)
  engine = hostileBot(prefix, join(dir, 'transcripts.db'), log, sent)
  await engine.start()
})

/** The WeChat message an outbox id was caused by (a cause of its own for one of several notices). */
function causeOf(outboxId: string): string {
  const cause = jobIds.sendParts(outboxId)?.cause ?? ''
  const [kind, parent] = decomposeId(cause)
  return kind === 'about' && parent !== undefined ? parent : cause
}

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled)
  await engine.stop()
  const redis = testRedis()
  await deletePrefix(redis, prefix)
  await redis.quit()
  rmSync(dir, { recursive: true, force: true })
})

describe(`hostile input (seed ${seed}, ${CASES} cases)`, () => {
  it('crashes nothing, fails no job, answers every staff message and places every customer message', async () => {
    const senders = [
      ...STAFF,
      { id: 'impostor', name: '陈主管' },
      ...Array.from({ length: 40 }, (_, n) => ({
        id: `customer-${n}`,
        name: pick(NASTY_TEXTS).slice(0, 50),
      })),
    ]
    for (const agent of STAFF.slice(0, 2))
      await engine.receive({ ...message(agent), kind: 'text', text: '/on' })
    const messages: InboundMessage[] = []
    const refused: InboundMessage[] = []
    for (let n = 0; n < CASES; n++) {
      const next = message(pick(senders))
      try {
        await engine.receive(next)
        messages.push(next)
      } catch (error) {
        // Refused at the boundary: it must say why.
        expect((error as Error).message).toMatch(/\S/)
        refused.push(next)
      }
    }
    await eventually(
      async () => (await engine.pendingWork()) === 0,
      240_000,
      'every message to be handled and answered',
    )

    expect(unhandled).toEqual([])
    // Customer data planted in the messages never reaches the logs.
    const logged = JSON.stringify(log.lines)
    for (const planted of ['13812345678', '110101199003071234', '6222020200112233445']) {
      expect(logged).not.toContain(planted)
    }
    expect(log.lines.filter((line) => line.level === 'error')).toEqual([])
    // Outbox ids carry the id of the message that caused them.
    const caused = new Set(sent.map((one) => causeOf(one.id)))
    const staffIds = new Set(STAFF.map((member) => member.id))
    // Every entry of every conversation of each customer, read once.
    const recorded = new Set<string>()
    for (const customerId of new Set(messages.map((one) => one.from.id))) {
      if (staffIds.has(customerId)) continue
      for (const conversation of await engine.transcripts.conversationsOfCustomer(customerId)) {
        for (const entry of await engine.transcripts.entries(conversation.id)) recorded.add(entry.id)
      }
    }
    let unanswered = 0
    let unplaced = 0
    for (const one of messages) {
      if (staffIds.has(one.from.id)) {
        if (!caused.has(one.id)) unanswered++
      } else if (!caused.has(one.id) && !recorded.has(incomingId(one.id))) {
        // A customer message with no send of its own must be in the transcript (forwarded or queued).
        unplaced++
      }
    }
    expect({ unanswered, unplaced, refusedAtTheBoundary: refused.length }).toEqual({
      unanswered: 0,
      unplaced: 0,
      refusedAtTheBoundary: refused.length,
    })
    // Only what no WeChat message can be (text over 100,000 characters) is refused at the boundary.
    expect(refused.every((one) => one.text.length > 100_000)).toBe(true)
  }, 300_000)
})

/**
 * Odd room payloads, one of each, from customers, staff and the bot's own account: each is refused
 * at the boundary saying why, or handled; a customer's message in a room is in the room's record,
 * a staff command gets a clear answer.
 */
describe('hostile room payloads', () => {
  let next = 0
  const inRoom = (
    from: { id: string; name: string },
    text: string,
    room: Partial<NonNullable<InboundMessage['room']>> & { id: string },
  ): InboundMessage => ({
    id: `hostile-room-${++next}`,
    from,
    kind: 'text',
    text,
    receivedAt: Date.now(),
    room: { topic: '', mentions: [], mentionsBot: false, fromBot: false, ...room },
  })
  const privately = (from: { id: string; name: string }, text: string): InboundMessage => ({
    id: `hostile-room-${++next}`,
    from,
    kind: 'text',
    text,
    receivedAt: Date.now(),
  })
  // A bot of its own: the generated flood above may still be draining when this runs.
  const roomPrefix = testPrefix('hostile-rooms')
  const roomLog = memoryLog()
  const roomSent: { id: string; message: Outgoing }[] = []
  let roomBot: Bot
  beforeAll(async () => {
    roomBot = hostileBot(roomPrefix, join(dir, 'rooms.db'), roomLog, roomSent)
    await roomBot.start()
  })
  afterAll(async () => {
    await roomBot.stop()
    const redis = testRedis()
    await deletePrefix(redis, roomPrefix)
    await redis.quit()
  })
  const customer = { id: 'room-customer', name: '群客户' }
  const [agent, , supervisor] = STAFF as [(typeof STAFF)[0], (typeof STAFF)[1], (typeof STAFF)[2]]

  it('refuses at the boundary what no WeChat room can send, and handles the rest, losing nothing', async () => {
    const refusedAtTheBoundary = [
      inRoom(customer, '题目太长', { id: 'long@chatroom', topic: '群'.repeat(201) }),
      inRoom(customer, '提到太多人', {
        id: 'many@chatroom',
        mentions: Array.from({ length: 501 }, (_, n) => `ghost-${n}`),
      }),
      inRoom(customer, '没有群号', { id: '' }),
    ]
    for (const message of refusedAtTheBoundary)
      await expect(roomBot.receive(message), message.text).rejects.toThrow(/room/)

    const customerMessages = [
      inRoom(customer, '群名是空的', { id: 'empty-topic@chatroom', topic: '' }),
      inRoom(customer, '群名很长', { id: 'long-topic@chatroom', topic: '群'.repeat(200) }),
      inRoom(customer, '@五百人', {
        id: 'crowd@chatroom',
        topic: '五百人群',
        mentions: Array.from({ length: 500 }, (_, n) => `ghost-${n}`),
      }),
      inRoom(customer, '@谁 在吗', {
        id: 'ghosts@chatroom',
        topic: '幽灵群',
        mentions: ['ghost', 'ghost-2'],
      }),
      inRoom(customer, '有人吗', { id: 'bot-room@chatroom', topic: '机器人群', mentionsBot: true }),
    ]
    const botAccount = { id: 'bot-account', name: '客服机器人' }
    const fromBot = inRoom(botAccount, '我是机器人手机上的客服', {
      id: 'bot-room@chatroom',
      topic: '机器人群',
      fromBot: true,
    })
    const staffInRoom = inRoom(agent, '/group G1', { id: 'empty-topic@chatroom' })
    const commands = {
      unknownRoom: privately(agent, 'G99 您好'),
      groupWithoutCode: privately(supervisor, '/group'),
      groupOfConversationCode: privately(supervisor, '/group A1'),
    }
    const handled = () =>
      eventually(async () => (await roomBot.pendingWork()) === 0, 60_000, 'the room payloads to be handled')
    for (const message of customerMessages) await roomBot.receive(message)
    // One sender's messages stay in order, two senders' need not: the bot's post comes after the wait.
    await handled()
    for (const message of [fromBot, staffInRoom, ...Object.values(commands)]) await roomBot.receive(message)
    await handled()

    const answerTo = (message: InboundMessage) =>
      roomSent.flatMap((one) =>
        causeOf(one.id) === message.id && one.message.kind === 'text' ? [one.message.text] : [],
      )
    expect(answerTo(commands.unknownRoom)).toEqual([expect.stringContaining('没有群编号 G99')])
    expect(answerTo(commands.groupWithoutCode)).toEqual(['用法：/group 群编号，例如 /group G7'])
    expect(answerTo(commands.groupOfConversationCode)).toEqual([expect.stringContaining('没有群编号 A1')])

    // Every customer message is in its room's record; what staff type in a room is no command.
    for (const message of [...customerMessages, staffInRoom]) {
      const record = await roomBot.transcripts.entries(groupThreadId(message.room?.id ?? ''))
      expect(
        record.some((entry) => entry.id === incomingId(message.id)),
        message.text,
      ).toBe(true)
    }
    expect(answerTo(staffInRoom)).toEqual([])
    // The bot's own post answered the customer who @-mentioned the bot there.
    const botRoom = await roomBot.transcripts.entries(groupThreadId('bot-room@chatroom'))
    expect(botRoom.flatMap((entry) => (entry.kind === 'event' ? [entry.type] : []))).toEqual([
      'group-waiting',
      'group-answered',
    ])
    // The bot posted nothing in any room, and nothing went wrong.
    expect(roomSent.filter((one) => one.message.kind === 'room-text')).toEqual([])
    expect(roomLog.lines.filter((line) => line.level === 'error')).toEqual([])
    expect(unhandled).toEqual([])
  })
})
