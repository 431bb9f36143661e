import { afterEach, describe, expect, it } from 'vitest'
import { addDays, dayKey } from '../../src/domain/zoned-time.js'
import { Harness, received } from '../support/harness.js'

let h: Harness
afterEach(async () => {
  await h?.stop()
})

const TZ = 'Asia/Shanghai'

async function eventsOf(harness: Harness, customerId: string, type: string) {
  await harness.settle()
  const [conversation] = await harness.bot.transcripts.conversationsOfCustomer(customerId)
  return (await harness.bot.transcripts.entries(conversation?.id ?? '')).flatMap((entry) =>
    entry.kind === 'event' && entry.type === type ? [entry] : [],
  )
}

describe('same-day resolution', () => {
  it('lists what is unresolved at the end of the day, reminds the agent next morning, and escalates each further day', async () => {
    h = await new Harness({ timeZone: TZ, sla: { replyTimeout: '30s' } }).start()
    await h.onDuty(h.agentA)
    const zhang = h.customer('cust-zhang', '张三')
    zhang.say('我的订单一直没发货')
    await received(h.agentA, '【A1】张三：我的订单一直没发货')
    h.agentA.say('我帮您催一下仓库')
    await received(zhang, '我帮您催一下仓库')

    const today = dayKey(Date.now(), TZ)
    const tomorrow = addDays(today, 1)
    await h.fastForward({ kind: 'day-end', day: today })
    const list = await received(h.agentA, '今天的服务时间结束了，您还有 1 个未解决的会话')
    expect(list).toContain('A1 张三 · 第 1 天未解决')
    const summary = await received(h.supervisor, '【当日未解决】')
    expect(summary).toContain('A1 · 客户 张* · 客服 小王 · 第 1 天')
    expect(h.manager.texts()).toEqual([])

    await h.fastForward({ kind: 'day-start', day: tomorrow })
    await received(h.agentA, '【A1】跟进提醒：客户 张三 的问题已 1 天未解决')

    // The same sweep run again counts nothing twice.
    await h.fastForward({ kind: 'day-end', day: today })
    await h.settle()
    expect(await eventsOf(h, 'cust-zhang', 'day-unresolved')).toHaveLength(1)

    await h.fastForward({ kind: 'day-end', day: tomorrow })
    const delayed = await received(h.manager, '【拖延提醒】')
    expect(delayed).toContain('第 2 天')
    const days = (await eventsOf(h, 'cust-zhang', 'day-unresolved')).map((event) => event.data.days)
    expect(days).toEqual([1, 2])
  })
})

describe('shift handover', () => {
  it('writes the leaving shift’s handover for the agent staying on, who acknowledges it', async () => {
    h = await new Harness({
      timeZone: TZ,
      sla: { replyTimeout: '30s' },
      shifts: [
        { name: 'early', from: '06:00', to: '14:00' },
        { name: 'late', from: '14:00', to: '22:00' },
      ],
      agents: { agentA: { shift: 'early' }, agentB: { shift: 'late', maxOpen: 1 } },
    }).start()
    await h.onDuty(h.agentA, h.agentB)
    const zhao = h.customer('cust-zhao', '赵六')
    zhao.say('我要投诉快递员')
    await received(h.agentA, '【A1】赵六：我要投诉快递员')

    await h.fastForward({ kind: 'shift-end', shift: 'early', day: dayKey(Date.now(), TZ) })
    const handover = await received(h.agentB, '【交班记录】小王 → 小李')
    expect(handover).toContain('班次：early')
    expect(handover).toContain('进行中的会话（1）：\nA1 赵六 · 投诉 · 客户等待中')
    expect(handover).toContain('A1 · 投诉，需重点跟进并回访')
    expect(handover).toContain('请接班同事发送 /ack 确认接班')
    await received(h.agentA, '您的班次（early）已结束，交班记录已发给 小李')

    h.agentB.say('/ack')
    await received(h.agentB, '已确认 小王 的交班记录')
    await received(h.agentA, '小李 已确认您的交班记录')
    h.agentB.say('/ack')
    await received(h.agentB, '没有需要您确认的交班记录')
    expect(await eventsOf(h, 'cust-zhao', 'handed-over')).toHaveLength(1)
  })

  it('hands conversations to a named colleague with /handover, and alerts the supervisor when nobody acknowledges', async () => {
    h = await new Harness({ sla: { replyTimeout: '30s' }, handover: { ackWithin: '1s' } }).start()
    await h.onDuty(h.agentA, h.agentB)
    const qian = h.customer('cust-qian', '钱二')
    qian.say('发票开错了')
    await received(h.agentA, '【A1】钱二：发票开错了')

    h.agentA.say('/handover 小王')
    await received(h.agentA, '不能把班交给自己')
    h.agentA.say('/handover 小李')
    await received(h.agentA, '您的 1 个进行中的会话已转给 小李')
    await received(h.agentA, '交班记录已发给 小李')
    await received(h.agentB, '【A1】小王 将会话转给您')
    const record = await received(h.agentB, '【交班记录】小王 → 小李')
    expect(record).toContain('A1 钱二')
    await received(qian, '已为您转接其他客服')

    const alert = await received(h.supervisor, '【交班未确认】', 5000)
    expect(alert).toContain('小王')
    expect(alert).toContain('小李')
  })
})
