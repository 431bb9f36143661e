import { afterEach, describe, expect, it } from 'vitest'
import { receivedIn } from '../../src/demo/wait.js'
import { groupThreadId } from '../../src/domain/groups.js'
import { eventually, Harness, received, sleep } from '../support/harness.js'

/** Staff answering a watched group through the bot, and what they type there, on the real bot. */
const SHOP = { id: 'shop@chatroom', topic: '小店客户群' }
const TIMEOUT = 2000

let h: Harness
afterEach(async () => {
  await h?.stop()
})

function watching(): Promise<Harness> {
  return new Harness({ groups: { watch: [SHOP.id], replyTimeout: `${TIMEOUT}ms` } }).start()
}

const groupAlertsOf = (texts: string[]) => texts.filter((text) => /群消息超时|超时汇总/.test(text))

async function record() {
  return h.bot.transcripts.entries(groupThreadId(SHOP.id))
}

async function eventsOf(type: string) {
  return (await record()).flatMap((entry) => (entry.kind === 'event' && entry.type === type ? [entry] : []))
}

describe('answering a group through the bot', () => {
  it('G1 text posts in the room @-mentioning the customer, ends their wait and confirms to the agent', async () => {
    h = await watching()
    await h.onDuty(h.agentA)
    const zhang = h.customer('cust-zhang', '张三')
    const shop = h.room(SHOP.id, SHOP.topic, [zhang, h.agentA])
    const saidAt = Date.now()
    zhang.sayIn(shop, '请问有货吗')
    await eventually(async () => (await eventsOf('group-waiting')).length === 1, 5000, 'the wait')

    h.agentA.say('G1 您好，有货的')
    // The mock drops the mentions of the bot's own send: Wechaty writes `@name` into the text
    // itself, so the text and the room are what show whom the post is for.
    expect(await receivedIn(shop, '您好，有货的', 5000)).toBe('@张三 您好，有货的')
    await received(h.agentA, '【G1】已在群“小店客户群”发出。')

    // Past the ladder's last step: nobody was noted or alerted.
    await sleep(Math.max(0, saidAt + TIMEOUT * 2 + 500 - Date.now()))
    await h.settle()
    expect(h.agentA.texts().filter((text) => text.includes('未获回复'))).toEqual([])
    expect(groupAlertsOf(h.supervisor.texts())).toEqual([])
    expect(groupAlertsOf(h.manager.texts())).toEqual([])
    expect(shop.texts()).toHaveLength(1)
    const [answered] = await eventsOf('group-answered')
    expect(answered?.data).toMatchObject({ by: 'agent-a', customerId: 'cust-zhang', relayed: true })
    // The post comes back from the bot's own account: it is recorded once, when it was sent.
    const out = (await record()).filter((entry) => entry.kind === 'message' && entry.direction === 'out')
    expect(out).toEqual([
      expect.objectContaining({ text: '您好，有货的', actor: expect.objectContaining({ id: 'agent-a' }) }),
    ])
  })

  it('holds a relay with a forbidden phrase; /force posts it and it is recorded', async () => {
    h = await watching()
    const zhang = h.customer('cust-zhang', '张三')
    const shop = h.room(SHOP.id, SHOP.topic, [zhang, h.agentA])
    zhang.sayIn(shop, '能退吗')
    await eventually(async () => (await eventsOf('group-waiting')).length === 1, 5000, 'the wait')
    h.agentA.say('G1 这个问题我不会处理')
    await received(h.agentA, '【G1】这条回复含有禁忌语“这个问题我不会处理”')
    await h.settle()
    expect(shop.posts).toEqual([])
    h.agentA.say('/force')
    await received(h.agentA, '【G1】已按您的要求发到群里')
    expect(await receivedIn(shop, '这个问题我不会处理', 5000)).toBe('@张三 这个问题我不会处理')
    await h.settle()
    expect((await record()).flatMap((entry) => (entry.kind === 'event' ? [entry.type] : []))).toEqual([
      'group-waiting',
      'phrase-held',
      'group-answered',
      'phrase-forced',
    ])
  })
})

describe('what staff type in the group', () => {
  it('a forbidden phrase is recorded as improper wording, counted, and the supervisor is told', async () => {
    h = await watching()
    const zhang = h.customer('cust-zhang', '张三')
    const shop = h.room(SHOP.id, SHOP.topic, [zhang, h.agentA])
    const from = Date.now()
    zhang.sayIn(shop, '能退吗')
    h.agentA.sayIn(shop, '这个问题我不会处理')
    const alert = await received(h.supervisor, '【群内不当用语】G1“小店客户群”', 5000)
    expect(alert).toContain('小王 在群里发送了禁忌语“这个问题我不会处理”')
    await h.settle()

    const [wording] = await eventsOf('group-wording')
    expect(wording?.data).toMatchObject({ agentId: 'agent-a', phrase: '这个问题我不会处理', code: 'G1' })
    const counted = await h.bot.transcripts.eventsBetween('group-wording', from, Date.now() + 1)
    expect(counted).toHaveLength(1)
    // It still answered the customer, and the bot posted nothing in the room.
    expect(await eventsOf('group-answered')).toHaveLength(1)
    expect(shop.posts).toEqual([])
    expect(h.supervisor.texts().filter((text) => text.includes('不当用语'))).toHaveLength(1)
  })
})
