import { afterEach, describe, expect, it } from 'vitest'
import { groupThreadId } from '../../src/domain/groups.js'
import { KernelHarness, keysIn } from '../support/kernel.js'

const MINUTE = 60_000
const SHOP = { id: 'shop@chatroom', topic: '小店客户群' }
const OTHER = { id: 'other@chatroom', topic: '闲聊群' }
let h: KernelHarness
afterEach(() => h?.close())

function watching(groups: Record<string, unknown> = {}): Promise<KernelHarness> {
  return new KernelHarness({ groups: { watch: [SHOP.id], ...groups } }).start()
}

async function groupEvents(): Promise<string[]> {
  const entries = await h.store.entries(groupThreadId(SHOP.id))
  return entries.flatMap((entry) => (entry.kind === 'event' ? [entry.type] : []))
}

async function eventData(type: string): Promise<Record<string, unknown>[]> {
  const entries = await h.store.entries(groupThreadId(SHOP.id))
  return entries.flatMap((entry) => (entry.kind === 'event' && entry.type === type ? [entry.data] : []))
}

describe('a customer message in a watched group', () => {
  it('runs the group ladder: the agents on duty at 8 minutes, supervisors at 10, managers at 20, each once', async () => {
    h = await watching()
    await h.says('agent-a', '/on')
    await h.saysIn(SHOP, 'cust-zhang', '请问这个怎么退货？', { name: '张三' })

    await h.advance(8 * MINUTE - 1)
    expect(h.purposes('agent-a')).not.toContain('group-note')
    await h.advance(1)
    expect(h.heard('agent-a').at(-1)).toEqual(['group.agentNote'])
    expect(h.outbox.sent.at(-1)?.text).toContain('"code":"G1"')
    expect(h.heard('agent-b')).toEqual([]) // not on duty

    await h.advance(2 * MINUTE)
    expect(h.heard('supervisor-1')).toEqual([['group.alert']])
    expect(h.outbox.sent.find((sent) => sent.to === 'supervisor-1')?.text).toContain('"customer":"张*"')
    expect(h.heard('manager-1')).toEqual([])

    await h.advance(10 * MINUTE)
    expect(h.heard('manager-1')).toEqual([['group.alert']])
    const said = h.outbox.sent.length
    await h.advance(60 * MINUTE)
    expect(h.outbox.sent.length).toBe(said)
    expect(await groupEvents()).toEqual([
      'group-waiting',
      'group-escalated',
      'group-escalated',
      'group-overdue',
      'group-escalated',
    ])
    expect((await eventData('group-overdue'))[0]).toMatchObject({ messages: 1, customerId: 'cust-zhang' })
    // The bot says nothing in the group itself.
    expect(h.outbox.sent.filter((sent) => sent.to === SHOP.id)).toEqual([])
  })

  it('the first unanswered message fixes the deadline; later ones join it and count when overdue', async () => {
    h = await watching()
    await h.saysIn(SHOP, 'cust-zhang', '在吗', { name: '张三' })
    await h.advance(3 * MINUTE)
    await h.saysIn(SHOP, 'cust-zhang', '我想问一下发货时间', { name: '张三' })
    await h.advance(7 * MINUTE)
    expect(h.heard('supervisor-1')).toEqual([['group.alert']])
    expect((await eventData('group-overdue'))[0]).toMatchObject({ messages: 1 })
    // The second message goes past its own ten minutes before the answer: counted then.
    await h.advance(4 * MINUTE)
    await h.saysIn(SHOP, 'agent-a', '您好，今天下午发货')
    const overdue = await eventData('group-overdue')
    expect(overdue.map((data) => data.messages)).toEqual([1, 1])
    const [answered] = await eventData('group-answered')
    expect(answered).toMatchObject({ by: 'agent-a', customerId: 'cust-zhang' })
    expect(answered?.responsesMs).toEqual([14 * MINUTE, 11 * MINUTE])
  })

  it('any staff message in the room before the deadline answers everyone waiting: no alert, ever', async () => {
    h = await watching()
    await h.says('agent-a', '/on')
    await h.saysIn(SHOP, 'cust-zhang', '请问有货吗', { name: '张三' })
    await h.saysIn(SHOP, 'cust-li', '我也想问', { name: '李四' })
    await h.advance(8 * MINUTE - 1)
    await h.saysIn(SHOP, 'agent-b', '两位好，有货的')
    await h.advance(60 * MINUTE)
    expect(h.purposes('agent-a')).not.toContain('group-note')
    expect(h.heard('supervisor-1')).toEqual([])
    expect((await eventData('group-answered')).map((data) => data.customerId).sort()).toEqual([
      'cust-li',
      'cust-zhang',
    ])
    expect(await h.state.groupWaits(SHOP.id)).toEqual([])
  })

  it('answeredBy mention: a staff message to another customer does not answer', async () => {
    h = await watching({ answeredBy: 'mention' })
    await h.saysIn(SHOP, 'cust-zhang', '请问有货吗', { name: '张三' })
    await h.saysIn(SHOP, 'cust-li', '怎么退款', { name: '李四' })
    await h.advance(MINUTE)
    await h.saysIn(SHOP, 'agent-a', '@李四 退款请点订单页', { mentions: ['cust-li'] })
    expect((await h.state.groupWaits(SHOP.id)).map((wait) => wait.customerId)).toEqual(['cust-zhang'])
    // A quote names the customer too.
    await h.saysIn(SHOP, 'agent-a', '「张三：请问有货吗」\n- - - - - - - - - - - - - - -\n有货的')
    expect(await h.state.groupWaits(SHOP.id)).toEqual([])
    await h.advance(60 * MINUTE)
    expect(h.heard('supervisor-1')).toEqual([])
  })

  it('starts nothing for thanks, acknowledgements, stickers and talk between customers', async () => {
    h = await watching()
    await h.saysIn(SHOP, 'cust-zhang', '谢谢！', { name: '张三' })
    await h.saysIn(SHOP, 'cust-zhang', '好的👌', { name: '张三' })
    await h.saysIn(SHOP, 'cust-zhang', '👍', { name: '张三' })
    await h.saysIn(SHOP, 'cust-zhang', '[表情]', { name: '张三', kind: 'emoticon' })
    await h.saysIn(SHOP, 'cust-zhang', '@李四 你买的哪个颜色', { name: '张三', mentions: ['cust-li'] })
    expect(await h.state.groupWaits(SHOP.id)).toEqual([])
    expect([...h.timers.armed.values()].filter((armed) => armed.timer.kind === 'group-reply')).toEqual([])
    // …but @-mentioning staff or the bot always waits, thanks or not.
    await h.saysIn(SHOP, 'cust-zhang', '@小王 谢谢', { name: '张三', mentions: ['agent-a'] })
    await h.saysIn(SHOP, 'cust-wu', '？？', { name: '吴六' })
    const waiting = (await h.state.groupWaits(SHOP.id)).map((wait) => wait.customerId)
    expect(waiting.sort()).toEqual(['cust-wu', 'cust-zhang'])
  })

  it('ignores a room nobody watches, as before', async () => {
    h = await watching()
    await h.saysIn(OTHER, 'cust-zhang', '有人吗', { name: '张三' })
    await h.advance(60 * MINUTE)
    expect(h.outbox.sent).toEqual([])
    expect(await h.state.rooms()).toEqual([])
    expect(await h.store.entries(groupThreadId(OTHER.id))).toEqual([])
  })

  it('sends the agents’ note to the room’s own agents when it has them', async () => {
    h = await watching({ rooms: [{ room: SHOP.topic, agents: ['小李'] }] })
    await h.says('agent-a', '/on')
    await h.saysIn(SHOP, 'cust-zhang', '请问', { name: '张三' })
    await h.advance(8 * MINUTE)
    expect(h.heard('agent-b')).toEqual([['group.agentNote']])
    expect(h.purposes('agent-a')).not.toContain('group-note')
    await h.advance(2 * MINUTE)
    expect((await eventData('group-overdue'))[0]).toMatchObject({ agentId: 'agent-b' })
  })
})

describe('answers through the bot', () => {
  it('G1 text posts in the room @-mentioning the waiting customer, and answers them', async () => {
    h = await watching()
    await h.saysIn(SHOP, 'cust-zhang', '请问有货吗', { name: '张三' })
    await h.says('agent-a', 'G1 您好，有货的')
    const post = h.outbox.sent.find((sent) => sent.to === SHOP.id)
    expect(post).toMatchObject({ purpose: 'relay', text: '您好，有货的', mentions: ['cust-zhang'] })
    expect(h.heard('agent-a').at(-1)).toEqual(['group.relayed'])
    expect(await h.state.groupWaits(SHOP.id)).toEqual([])
    expect((await eventData('group-answered'))[0]).toMatchObject({ by: 'agent-a', relayed: true })
    await h.advance(60 * MINUTE)
    expect(h.heard('supervisor-1')).toEqual([])
  })

  it('holds a relay with a forbidden phrase; /force posts it and records it', async () => {
    h = await watching()
    await h.saysIn(SHOP, 'cust-zhang', '能退吗', { name: '张三' })
    await h.says('agent-a', 'G1 这个问题我不会处理')
    expect(h.heard('agent-a').at(-1)).toEqual(['group.relayHeld'])
    expect(h.outbox.sent.filter((sent) => sent.to === SHOP.id)).toEqual([])
    await h.says('agent-a', '/force')
    expect(h.outbox.sent.find((sent) => sent.to === SHOP.id)?.text).toBe('这个问题我不会处理')
    expect(h.heard('agent-a').at(-1)).toEqual(['group.relayForced'])
    expect(await groupEvents()).toEqual(['group-waiting', 'phrase-held', 'group-answered', 'phrase-forced'])
  })

  it('/force still sends a reply held for a 1:1 conversation, and says when nothing is held', async () => {
    h = await watching()
    await h.says('agent-a', '/force')
    expect(h.heard('agent-a').at(-1)).toEqual(['staff.nothingHeld'])
    await h.says('agent-a', '/on')
    await h.says('cust-wu', '我要退款', '吴六')
    await h.says('agent-a', 'A1 这个问题我不会处理')
    expect(h.heard('agent-a').at(-1)).toEqual(['staff.phraseHeld'])
    await h.says('agent-a', '/force')
    expect(h.outbox.sent.at(-2)).toMatchObject({ to: 'cust-wu', text: '这个问题我不会处理' })
  })

  it('refuses an agent who does not look after the room', async () => {
    h = await watching({ rooms: [{ room: SHOP.id, agents: ['agent-b'] }] })
    await h.saysIn(SHOP, 'cust-zhang', '能退吗', { name: '张三' })
    await h.says('agent-a', 'G1 可以的')
    expect(h.heard('agent-a').at(-1)).toEqual(['group.notResponsible'])
    expect(h.outbox.sent.filter((sent) => sent.to === SHOP.id)).toEqual([])
    expect(await h.state.groupWaits(SHOP.id)).toHaveLength(1)
  })

  it('tells the supervisors of a post the outbox gave up on, naming the group', async () => {
    h = await watching()
    await h.saysIn(SHOP, 'cust-zhang', '能退吗', { name: '张三' })
    await h.says('agent-a', 'G1 可以退')
    const post = h.outbox.sent.find((sent) => sent.to === SHOP.id)
    await h.kernel.receiveSendFailure({
      outboxId: post?.id ?? '',
      purpose: 'relay',
      outgoing: { kind: 'room-text', to: SHOP.id, text: post?.text ?? '', mentions: ['cust-zhang'] },
      error: 'WeChat is not logged in',
    })
    const notice = h.outbox.sent.find((sent) => sent.to === 'supervisor-1')?.text ?? ''
    expect(keysIn(notice)).toEqual(['supervisor.sendFailed'])
    expect(notice).toContain('group.inRoom')
    expect(await groupEvents()).toContain('send-failed')
  })

  it('records a forbidden phrase typed in the group and tells the supervisors', async () => {
    h = await watching()
    await h.saysIn(SHOP, 'cust-zhang', '能退吗', { name: '张三' })
    await h.saysIn(SHOP, 'agent-a', '这个问题我们公司不能给您解决')
    expect(h.heard('supervisor-1')).toEqual([['group.wordingAlert']])
    expect((await eventData('group-wording'))[0]).toMatchObject({ agentId: 'agent-a' })
    // It still answered: the customer is not waiting any more.
    expect(await h.state.groupWaits(SHOP.id)).toEqual([])
  })
})

describe('/groups and /group', () => {
  it('lists the waiting customers, and shows the record masked, audited', async () => {
    h = await watching()
    await h.saysIn(SHOP, 'cust-zhang', '我的电话是13812345678', { name: '张三' })
    await h.advance(2 * MINUTE)
    await h.says('supervisor-1', '/groups')
    expect(h.heard('supervisor-1').at(-1)).toEqual(['group.listHeader', 'group.listRoom', 'group.listWaiter'])
    await h.says('supervisor-1', '/group G1')
    const record = h.outbox.sent.at(-1)?.text ?? ''
    expect(record).toContain('138****5678')
    expect(record).not.toContain('13812345678')
    expect(await groupEvents()).toContain('transcript-read')
    await h.says('agent-a', '/group G1')
    expect(h.heard('agent-a').at(-1)).toEqual(['staff.oversightOnly'])
  })

  it('refuses to erase a customer still waiting in a group, naming the group', async () => {
    h = await watching()
    await h.saysIn(SHOP, 'cust-zhang', '我的手机号13812345678', { name: '张三' })
    await h.says('manager-1', '/erase cust-zhang')
    expect(h.heard('manager-1').at(-1)).toEqual(['privacy.eraseWaitingInGroup'])
    await h.saysIn(SHOP, 'agent-a', '收到，马上处理')
    await h.says('manager-1', '/erase cust-zhang')
    expect(h.heard('manager-1').at(-1)).toEqual(['privacy.eraseAsk'])
  })

  it('a restart with a customer waiting arms the timer again', async () => {
    h = await watching()
    await h.saysIn(SHOP, 'cust-zhang', '请问', { name: '张三' })
    h.timers.armed.clear()
    await h.kernel.recover()
    expect([...h.timers.armed.values()].map((armed) => armed.timer.kind)).toContain('group-reply')
    await h.advance(10 * MINUTE)
    expect(h.heard('supervisor-1')).toEqual([['group.alert']])
  })
})
