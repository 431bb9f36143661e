import { afterEach, describe, expect, it } from 'vitest'
import { types } from 'wechaty'
import type { MockRoom, Person } from '../../src/demo/mock-world.js'
import { groupThreadId } from '../../src/domain/groups.js'
import { eventually, Harness, received, sleep } from '../support/harness.js'
import { testRedis } from '../support/redis.js'

/**
 * The 10-minute rule for watched groups through the real bot on the mock puppet, with a 2-second
 * timeout: the default ladder notes the agents on duty at 1.6 s, alerts supervisors at 2 s and
 * managers at 4 s. "On time" is never before the step, and within a tolerance that holds on two
 * shared cores.
 */
const SHOP = { id: 'shop@chatroom', topic: '小店客户群' }
const OTHER = { id: 'other@chatroom', topic: '闲聊群' }
const TIMEOUT = 2000
const TOLERANCE = 1500

let h: Harness
afterEach(async () => {
  await h?.stop()
})

function watching(groups: Record<string, unknown> = {}): Promise<Harness> {
  return new Harness({ groups: { watch: [SHOP.id], replyTimeout: `${TIMEOUT}ms`, ...groups } }).start()
}

const groupAlertsOf = (texts: string[]) => texts.filter((text) => /群消息超时|超时汇总/.test(text))
const notesOf = (texts: string[]) => texts.filter((text) => /】群“.*”里客户/.test(text))

/** When the person received the first message matching `pattern` (test clock). */
async function receivedAt(person: Person, pattern: string, timeoutMs = 8000): Promise<number> {
  const text = await received(person, pattern, timeoutMs)
  return person.inbox.find((said) => said.text === text)?.at ?? Number.NaN
}

function expectOnTime(at: number, since: number, afterMs: number, what: string): void {
  expect(at - since, `${what}: no earlier than ${afterMs} ms`).toBeGreaterThanOrEqual(afterMs)
  expect(at - since, `${what}: within ${TOLERANCE} ms of its step`).toBeLessThan(afterMs + TOLERANCE)
}

async function roomEvents(roomId: string, type?: string) {
  const entries = await h.bot.transcripts.entries(groupThreadId(roomId))
  return entries.flatMap((entry) => (entry.kind === 'event' && (!type || entry.type === type) ? [entry] : []))
}

/**
 * A sticker written in a room. The mock's `say` sends text or files only, so the message is made
 * with the mocker's own factory, as `say` makes its messages, and announced the same way.
 */
function sayStickerIn(person: Person, room: MockRoom): void {
  const message = h.world.mocker.MessageMock.create({
    id: `sticker-${person.id}-${Date.now()}`,
    talkerId: person.id,
    roomId: room.id,
    mentionIdList: [],
    timestamp: Date.now(),
    type: types.Message.Emoticon,
  })
  h.world.puppet.emit('message', { messageId: message.id })
}

describe('an unanswered customer message in a watched group', () => {
  it('notes the agent on duty, alerts the supervisor once and the manager later, each on time, and posts nothing', async () => {
    h = await watching()
    await h.onDuty(h.agentA)
    const zhang = h.customer('cust-zhang', '张三')
    const shop = h.room(SHOP.id, SHOP.topic, [zhang, h.agentA, h.agentB])
    const saidAt = Date.now()
    zhang.sayIn(shop, '请问这个怎么退货？')

    const noteAt = await receivedAt(h.agentA, '【G1】群“小店客户群”里客户 张三')
    expectOnTime(noteAt, saidAt, TIMEOUT * 0.8, 'the agent’s note')
    expect(notesOf(h.agentA.texts())[0]).toContain('请问这个怎么退货？')
    expect(h.agentB.texts()).toEqual([]) // not on duty

    const alertAt = await receivedAt(h.supervisor, '【群消息超时 · 第2级】G1“小店客户群”')
    expectOnTime(alertAt, saidAt, TIMEOUT, 'the supervisor’s alert')
    const [alert] = groupAlertsOf(h.supervisor.texts())
    expect(alert).toContain('客户：张*（1 条消息）')
    expect(alert).not.toContain('张三')
    expect(alert).toContain('最后消息：请问这个怎么退货？')
    expect(alert).toContain('状态：仍未回复')
    expect(groupAlertsOf(h.manager.texts())).toEqual([])

    const managerAt = await receivedAt(h.manager, '【群消息超时 · 第3级】G1“小店客户群”')
    expectOnTime(managerAt, saidAt, TIMEOUT * 2, 'the manager’s alert')

    // The ladder has three steps: nothing more, however long the customer waits.
    await sleep(1000)
    await h.settle()
    expect(groupAlertsOf(h.supervisor.texts())).toHaveLength(1)
    expect(groupAlertsOf(h.manager.texts())).toHaveLength(1)
    expect(notesOf(h.agentA.texts())).toHaveLength(1)
    expect(shop.posts).toEqual([])
    expect(zhang.texts()).toEqual([])
    const kinds = (await roomEvents(SHOP.id)).map((entry) => entry.type)
    expect(kinds.filter((kind) => kind === 'group-escalated')).toHaveLength(3)
    expect(kinds.filter((kind) => kind === 'group-overdue')).toHaveLength(1)
  })

  it('fires a waiting room’s steps on time after the bot was stopped and started again', async () => {
    h = await watching()
    await h.onDuty(h.agentA)
    const zhou = h.customer('cust-zhou', '周八')
    const saidAt = Date.now()
    zhou.sayIn(h.room(SHOP.id, SHOP.topic, [zhou, h.agentA]), '请问还在吗')
    await eventually(async () => (await roomEvents(SHOP.id, 'group-waiting')).length === 1, 5000, 'the wait')
    await h.restart(300)

    const alertAt = await receivedAt(h.supervisor, '【群消息超时 · 第2级】G1')
    expectOnTime(alertAt, saidAt, TIMEOUT, 'the supervisor’s alert after the restart')
    const managerAt = await receivedAt(h.manager, '【群消息超时 · 第3级】G1')
    expectOnTime(managerAt, saidAt, TIMEOUT * 2, 'the manager’s alert after the restart')
    await sleep(300)
    expect(groupAlertsOf(h.supervisor.texts())).toHaveLength(1)
    // The restarted bot still knows the room: an answer there now is recorded as late.
    h.agentA.sayIn(h.roomWithId(SHOP.id), '您好，在的')
    await eventually(
      async () => (await roomEvents(SHOP.id, 'group-answered')).length === 1,
      5000,
      'the answer',
    )
  })
})

describe('answers in the group', () => {
  it('never alerts for a room a staff member wrote in just before the deadline', async () => {
    h = await watching({ watch: 'all' })
    await h.onDuty(h.agentA)
    const rounds = 20
    // One room nobody answers shows that alerts do fire in the same run.
    const ignored = h.customer('race-ignored', '没人理')
    ignored.sayIn(h.room('ignored@chatroom', '无人群', [ignored, h.agentA]), '有人吗')

    const answers: Promise<void>[] = []
    for (let index = 0; index < rounds; index++) {
      const customer = h.customer(`race-${index}`, `客户${index}`)
      const room = h.room(`race-${index}@chatroom`, `群${index}`, [customer, h.agentA])
      const saidAt = Date.now()
      customer.sayIn(room, `问题 ${index}`)
      // Answers land a few milliseconds before the supervisors' step, behind a burst of the
      // agent's own commands, so they are still being handled when the timer fires. The margins
      // are spread so that some land before the deadline however late a loaded machine runs them.
      const margin = [2, 10, 40, 100, 250][index % 5] ?? 2
      answers.push(
        sleep(Math.max(0, saidAt + TIMEOUT - margin - 5 - Date.now())).then(async () => {
          for (let burst = 0; burst < 8; burst++) h.agentA.say('/queue')
          await sleep(5)
          h.agentA.sayIn(room, `答复 ${index}`)
        }),
      )
      await sleep(37)
    }
    await Promise.all(answers)
    await sleep(TIMEOUT * 2)
    await h.settle()

    const earlyBy: number[] = []
    for (let index = 0; index < rounds; index++) {
      const entries = await h.bot.transcripts.entries(groupThreadId(`race-${index}@chatroom`))
      const asked = entries.find((entry) => entry.kind === 'message' && entry.direction === 'in')
      const answer = entries.find((entry) => entry.kind === 'message' && entry.actor.role === 'agent')
      if (!asked || !answer) throw new Error(`群${index} has no question or no answer in its record`)
      const kinds = entries.flatMap((entry) => (entry.kind === 'event' ? [entry.type] : []))
      // Every wait ended, early or late.
      expect(
        kinds.filter((kind) => kind === 'group-answered'),
        `群${index}`,
      ).toHaveLength(1)
      const early = TIMEOUT - (answer.at - asked.at)
      if (early <= 0) continue // the answer lost the race fair and square; an alert would be right
      earlyBy.push(early)
      const alerted = [...h.supervisor.texts(), ...h.manager.texts()].filter((text) =>
        text.includes(`“群${index}”`),
      )
      expect(alerted, `群${index} answered ${early} ms early`).toEqual([])
      expect(kinds, `群${index}`).not.toContain('group-overdue')
    }
    // The race was run: at least the answers given a quarter of a second came before the deadline.
    expect(earlyBy.length, `answers early by ${earlyBy.join(', ')} ms`).toBeGreaterThanOrEqual(rounds / 5)
    const alerts = groupAlertsOf(h.supervisor.texts())
    expect(alerts.filter((text) => text.includes('“无人群”'))).toHaveLength(1)
    h.supervisor.say('/groups')
    const listing = await received(h.supervisor, '被关注的群')
    expect(listing.match(/无人等待/g)).toHaveLength(rounds)
  })

  it('with answeredBy mention, a staff message to another customer leaves the first one waiting', async () => {
    h = await watching({ answeredBy: 'mention' })
    await h.onDuty(h.agentA)
    const zhang = h.customer('cust-zhang', '张三')
    const li = h.customer('cust-li', '李四')
    const shop = h.room(SHOP.id, SHOP.topic, [zhang, li, h.agentA])
    zhang.sayIn(shop, '请问有货吗')
    li.sayIn(shop, '怎么退款')
    await eventually(async () => (await roomEvents(SHOP.id, 'group-waiting')).length === 2, 5000, 'two waits')
    h.agentA.sayIn(shop, '@李四 退款请点订单页', [li])

    const alert = await received(h.supervisor, '【群消息超时 · 第2级】G1', 5000)
    expect(alert).toContain('客户：张*')
    await sleep(500)
    await h.settle()
    expect(h.supervisor.texts().filter((text) => text.includes('李*'))).toEqual([])
    expect(notesOf(h.agentA.texts()).filter((text) => text.includes('李四'))).toEqual([])
    const answered = await roomEvents(SHOP.id, 'group-answered')
    expect(answered.map((entry) => entry.data.customerId)).toEqual(['cust-li'])
  })
})

describe('what starts no timer', () => {
  it('thanks, a sticker and talk between customers, and anything in a room nobody watches', async () => {
    h = await watching()
    await h.onDuty(h.agentA)
    const zhang = h.customer('cust-zhang', '张三')
    const li = h.customer('cust-li', '李四')
    const shop = h.room(SHOP.id, SHOP.topic, [zhang, li, h.agentA])
    const other = h.room(OTHER.id, OTHER.topic, [zhang, li, h.agentA])
    zhang.sayIn(shop, '谢谢')
    sayStickerIn(li, shop)
    zhang.sayIn(shop, '@李四 你买的哪个颜色', [li])
    zhang.sayIn(other, '有人吗')
    li.sayIn(other, '@客服机器人 在吗', [h.world.botAccount])
    await eventually(async () => (await h.bot.transcripts.entries(groupThreadId(SHOP.id))).length === 3)

    // Past the last step of the ladder.
    await sleep(TIMEOUT * 2 + 500)
    await h.settle()
    expect(notesOf(h.agentA.texts())).toEqual([])
    expect(groupAlertsOf(h.supervisor.texts())).toEqual([])
    expect(groupAlertsOf(h.manager.texts())).toEqual([])
    const record = await h.bot.transcripts.entries(groupThreadId(SHOP.id))
    expect(record.map((entry) => entry.kind)).toEqual(['message', 'message', 'message'])
    expect(shop.posts).toEqual([])

    // The room nobody watches: no answer, no record, nothing in Redis.
    expect(other.posts).toEqual([])
    expect(zhang.texts()).toEqual([])
    expect(li.texts()).toEqual([])
    expect(await h.bot.transcripts.entries(groupThreadId(OTHER.id))).toEqual([])
    expect(await redisMentions(h.prefix, OTHER.id)).toEqual([])
    expect((await redisMentions(h.prefix, SHOP.id)).length).toBeGreaterThan(0)
  })
})

/** The keys under the prefix whose name or value holds `needle`. */
async function redisMentions(prefix: string, needle: string): Promise<string[]> {
  const redis = testRedis()
  try {
    const found: string[] = []
    for (const key of await redis.keys(`${prefix}:*`)) {
      const type = await redis.type(key)
      const value =
        type === 'string'
          ? await redis.get(key)
          : type === 'hash'
            ? await redis.hgetall(key)
            : type === 'set'
              ? await redis.smembers(key)
              : type === 'zset'
                ? await redis.zrange(key, '0', '-1')
                : type === 'list'
                  ? await redis.lrange(key, 0, -1)
                  : type === 'stream'
                    ? await redis.xrange(key, '-', '+')
                    : type
      if (key.includes(needle) || JSON.stringify(value).includes(needle)) found.push(key)
    }
    return found
  } finally {
    await redis.quit()
  }
}
