import { afterEach, describe, expect, it } from 'vitest'
import { eventually, Harness, received } from '../support/harness.js'

let h: Harness
afterEach(async () => {
  await h?.stop()
})

async function entriesOf(harness: Harness, customerId: string) {
  await harness.settle()
  const conversations = await harness.bot.transcripts.conversationsOfCustomer(customerId)
  const last = conversations.at(-1)
  return { conversations, entries: await harness.bot.transcripts.entries(last?.id ?? '') }
}

describe('close, survey and follow-up', () => {
  it('asks for a rating on close, records it without opening a conversation, and counts praise once', async () => {
    h = await new Harness({ sla: { replyTimeout: '30s' } }).start()
    await h.onDuty(h.agentA)
    const zhang = h.customer('cust-zhang', '张三')
    zhang.say('订单什么时候发货')
    await received(h.agentA, '【A1】张三：订单什么时候发货')
    h.agentA.say('今天下午发货')
    await received(zhang, '今天下午发货')
    zhang.say('太好了，非常感谢，服务很好')
    zhang.say('辛苦了')
    await received(h.agentA, '【A1】张三：辛苦了')
    h.agentA.say('/close A1')
    await received(zhang, '本次会话已结束')
    await received(zhang, '请您为本次服务打分')

    zhang.say('５分')
    await received(zhang, '感谢您的评价')
    const { conversations, entries } = await entriesOf(h, 'cust-zhang')
    expect(conversations).toHaveLength(1)
    expect(conversations[0]).toMatchObject({ rating: 5, status: 'closed' })
    const events = entries.flatMap((entry) => (entry.kind === 'event' ? [entry] : []))
    expect(events.filter((event) => event.type === 'praised')).toHaveLength(1)
    expect(events.find((event) => event.type === 'rated')?.data).toEqual({ score: 5, agentId: 'agent-a' })
    expect(h.supervisor.texts()).toEqual([])
  })

  it('alerts the supervisors to a low rating, with the customer masked', async () => {
    h = await new Harness({ sla: { replyTimeout: '30s' } }).start()
    await h.onDuty(h.agentA)
    const wang = h.customer('cust-wang', '王小明')
    wang.say('我的快递丢了')
    await received(h.agentA, '【A1】王小明：我的快递丢了')
    h.agentA.say('/close A1')
    await received(wang, '请您为本次服务打分')
    wang.say('1')
    await received(wang, '非常抱歉本次服务没能让您满意')
    const alert = await received(h.supervisor, '差评提醒')
    expect(alert).toContain('会话 A1 · 客户 王** · 客服 小王 · 评分 1 分')
    expect(alert).not.toContain('王小明')
  })

  it('opens a new conversation when the customer writes something else after the close', async () => {
    h = await new Harness({ sla: { replyTimeout: '30s' } }).start()
    await h.onDuty(h.agentA)
    const li = h.customer('cust-li', '李四')
    li.say('发票怎么开')
    await received(h.agentA, '【A1】李四：发票怎么开')
    h.agentA.say('/close A1')
    await received(li, '请您为本次服务打分')
    li.say('还有一个订单的问题')
    await received(h.agentA, '：还有一个订单的问题')
    // The survey is over once they moved on: a digit now is a message, not a rating.
    li.say('4')
    await received(h.agentA, '李四：4')
    const { conversations } = await entriesOf(h, 'cust-li')
    expect(conversations).toHaveLength(2)
    expect(conversations.every((conversation) => conversation.rating === undefined)).toBe(true)
  })

  it('reminds the agent to call a complaint back after the follow-up time', async () => {
    h = await new Harness({ sla: { replyTimeout: '30s' }, followUp: { after: '1s' } }).start()
    await h.onDuty(h.agentA)
    const zhao = h.customer('cust-zhao', '赵六')
    zhao.say('我要投诉，送货员态度太差')
    await received(h.agentA, '【A1】赵六：我要投诉')
    h.agentA.say('非常抱歉，我们会严肃处理')
    h.agentA.say('/close A1')
    await received(h.agentA, '会话 A1 已结束')
    const reminder = await received(h.agentA, '【A1】回访提醒', 5000)
    expect(reminder).toContain('客户 赵六 的投诉问题已于')
    await eventually(async () =>
      (await entriesOf(h, 'cust-zhao')).entries.some(
        (entry) => entry.kind === 'event' && entry.type === 'follow-up-due',
      ),
    )
  })
})
