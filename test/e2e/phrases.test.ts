import { afterEach, describe, expect, it } from 'vitest'
import { Harness, received } from '../support/harness.js'

let h: Harness
afterEach(async () => {
  await h?.stop()
})

async function eventTypes(harness: Harness, customerId: string): Promise<string[]> {
  const [conversation] = await harness.bot.transcripts.conversationsOfCustomer(customerId)
  return (await harness.bot.transcripts.entries(conversation?.id ?? '')).flatMap((entry) =>
    entry.kind === 'event' ? [entry.type] : [],
  )
}

describe('standard and forbidden phrases', () => {
  it('holds a reply with a forbidden phrase however it is written, and sends the corrected one', async () => {
    h = await new Harness({ sla: { replyTimeout: '30s' } }).start()
    await h.onDuty(h.agentA)
    const zhang = h.customer('cust-zhang', '张三')
    zhang.say('我的退款什么时候到账')
    await received(h.agentA, '【A1】张三：我的退款什么时候到账')

    // Spacing, full-width punctuation and traditional characters do not get a phrase through.
    h.agentA.say('A1 這個問題，我 不會 處理！')
    const held = await received(h.agentA, '含有禁忌语“这个问题我不会处理”')
    expect(held).toContain('/force')
    h.agentA.say('A1 非常抱歉，我马上帮您联系财务查询')
    await received(zhang, '非常抱歉，我马上帮您联系财务查询')
    expect(zhang.texts().some((text) => text.includes('處理') || text.includes('处理！'))).toBe(false)

    // The corrected reply replaced the held one: there is nothing left to force.
    h.agentA.say('/force')
    await received(h.agentA, '没有被拦截的回复需要发送')
    await h.settle()
    const types = await eventTypes(h, 'cust-zhang')
    expect(types).toContain('phrase-held')
    expect(types).not.toContain('phrase-forced')
  })

  it('sends a held reply with /force and records it against the agent', async () => {
    h = await new Harness({
      sla: { replyTimeout: '30s' },
      phrases: { forbidden: ['不关我的事'] },
    }).start()
    await h.onDuty(h.agentA)
    const li = h.customer('cust-li', '李四')
    li.say('快递丢了怎么办')
    await received(h.agentA, '【A1】李四：快递丢了怎么办')
    h.agentA.say('这 不 关 我 的 事')
    await received(h.agentA, '含有禁忌语“不关我的事”')
    h.agentA.say('/force')
    await received(li, '这 不 关 我 的 事')
    await received(h.agentA, '此次使用禁忌语已记录')
    await h.settle()
    const [conversation] = await h.bot.transcripts.conversationsOfCustomer('cust-li')
    const entries = await h.bot.transcripts.entries(conversation?.id ?? '')
    const forced = entries.find((entry) => entry.kind === 'event' && entry.type === 'phrase-forced')
    expect(forced).toMatchObject({
      actor: { id: 'agent-a' },
      data: { agentId: 'agent-a', phrase: '不关我的事' },
    })
    // The held reply stopped no clock; the forced one did.
    const types = entries.flatMap((entry) => (entry.kind === 'event' ? [entry.type] : []))
    expect(types.filter((type) => type === 'clock-stopped')).toHaveLength(1)
  })

  it('lists the canned answers and sends one by name, to the conversation named', async () => {
    h = await new Harness({
      sla: { replyTimeout: '30s' },
      phrases: { canned: { 运费: '您好，满 99 元包邮哦。' } },
    }).start()
    await h.onDuty(h.agentA)
    const wang = h.customer('cust-wang', '王五')
    wang.say('运费多少')
    await received(h.agentA, '【A1】王五：运费多少')
    const zhao = h.customer('cust-zhao', '赵六')
    zhao.say('在吗')
    await received(h.agentA, '【A2】赵六：在吗')

    h.agentA.say('/t')
    const list = await received(h.agentA, '常用语')
    expect(list).toContain('稍等：请您稍等，我马上为您查询。')
    expect(list).toContain('运费：您好，满 99 元包邮哦。')
    h.agentA.say('/t 运费 A1')
    await received(wang, '您好，满 99 元包邮哦。')
    h.agentA.say('/t 稍等 a2')
    await received(zhao, '请您稍等，我马上为您查询。')
    h.agentA.say('/t 优惠券 A1')
    await received(h.agentA, '没有名为“优惠券”的常用语')
    // Without a code, the usual rule applies: the conversation last answered by code, as nobody else wrote.
    h.agentA.say('/t 久等')
    await received(zhao, '让您久等了')
    expect(wang.texts().some((text) => text.includes('让您久等了'))).toBe(false)
    wang.say('好的')
    await received(h.agentA, '【A1】王五：好的')
    h.agentA.say('/t 久等')
    await received(h.agentA, '无法确定回复给谁')
  })
})
