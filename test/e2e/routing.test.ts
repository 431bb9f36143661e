import { afterEach, describe, expect, it } from 'vitest'
import { Harness, received } from '../support/harness.js'

let h: Harness
afterEach(async () => {
  await h?.stop()
})

async function categoryOf(harness: Harness, customerId: string): Promise<string | undefined> {
  await harness.settle()
  const [conversation] = await harness.bot.transcripts.conversationsOfCustomer(customerId)
  return conversation?.category
}

describe('queue and routing', () => {
  it('files a first message by its keywords, and offers the menu when none match', async () => {
    h = await new Harness({ sla: { replyTimeout: '30s' } }).start()
    await h.onDuty(h.agentA)
    const zhang = h.customer('cust-zhang', '张三')
    zhang.say('我要退货，商品有破损')
    await received(h.agentA, '【A1】张三：我要退货')
    expect(await categoryOf(h, 'cust-zhang')).toBe('aftersales')
    expect(zhang.texts().some((text) => text.includes('请回复数字'))).toBe(false)

    const li = h.customer('cust-li', '李四')
    li.say('你好')
    const menu = await received(li, '请回复数字选择您的问题类型')
    expect(menu).toContain('1. 咨询\n2. 订单\n3. 售后\n4. 投诉')
    await received(h.agentA, '【A2】李四：你好')
    li.say('２')
    await received(li, '已为您记录为“订单”问题')
    expect(await categoryOf(h, 'cust-li')).toBe('order')
    // The menu answer is for the bot: the agent is not bothered with a bare "2".
    expect(h.agentA.texts().some((text) => text.endsWith('：２'))).toBe(false)
    // Only the first reply to the menu counts; after that, digits are just messages.
    li.say('3')
    await received(h.agentA, '【A2】李四：3')
    expect(await categoryOf(h, 'cust-li')).toBe('order')
  })

  it('gives skilled agents their categories, puts complaints first, and tells waiting customers when they move up', async () => {
    h = await new Harness({
      sla: { replyTimeout: '30s' },
      routing: { maxPerAgent: 1, positionStep: 2 },
      agents: { agentA: { skills: ['complaint'] } },
    }).start()
    const customers = ['赵一', '钱二', '孙三', '李四', '周五'].map((name, index) =>
      h.customer(`cust-${index}`, name),
    )
    for (const [index, customer] of customers.slice(0, 4).entries()) {
      customer.say(`第${index}个问题，关于订单`)
      await received(customer, '当前排在第')
    }
    // A complaint jumps the queue: it is placed first.
    customers[4]?.say('我要投诉你们的快递员')
    const placed = await received(customers[4] ?? h.agentA, '当前排在第')
    expect(placed).toContain('第 1 位')

    // The complaint specialist takes only complaints; the generalist takes the oldest order.
    await h.onDuty(h.agentA)
    await received(h.agentA, '【A5】周五：我要投诉你们的快递员')
    expect(h.agentA.texts().some((text) => text.includes('关于订单'))).toBe(false)
    await h.onDuty(h.agentB)
    await received(h.agentB, '【A1】赵一：第0个问题，关于订单')

    // 钱二 went from 2nd to 1st: next in line. 孙三 from 3rd to 2nd: too small a step to mention.
    await received(customers[1] ?? h.agentA, '马上就轮到您了')
    await h.settle()
    expect(customers[2]?.texts().filter((text) => text.includes('您前面还有'))).toEqual([])
    // 李四 was told 4th on arrival; once A1 closes and 钱二 is served, 李四 is 2nd: two places up.
    h.agentB.say('/close A1')
    await received(h.agentB, '【A2】钱二：第1个问题，关于订单')
    await received(customers[3] ?? h.agentA, '您前面还有 1 位客户（当前排在第 2 位）')
  })
})
