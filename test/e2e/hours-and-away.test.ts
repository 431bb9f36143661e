import { afterEach, describe, expect, it } from 'vitest'
import { addDays, dayKey, zonedTime } from '../../src/domain/zoned-time.js'
import { eventually, Harness, received, sleep } from '../support/harness.js'

let h: Harness
afterEach(async () => {
  await h?.stop()
})

const TZ = 'Asia/Shanghai'

describe('service hours', () => {
  it('tells a customer outside the hours when we open, once, queues them, and counts only service time', async () => {
    // Open every day around the clock except today: whenever the test runs, it is outside the hours
    // and the service opens at midnight.
    const today = dayKey(Date.now(), TZ)
    const tomorrow = addDays(today, 1)
    h = await new Harness({
      timeZone: TZ,
      hours: { periods: [{ days: 'daily', from: '00:00', to: '24:00' }], holidays: [today] },
      sla: { replyTimeout: '1s', serviceTimeOnly: true },
    }).start()
    const zhang = h.customer('cust-night', '张三')
    zhang.say('请问发货了吗')
    const notice = await received(zhang, '现在是非服务时间')
    expect(notice).toContain('服务时间是周一至周日 00:00–24:00')
    expect(notice).toContain(`${tomorrow} 00:00`)
    zhang.say('还有一个问题')
    await h.settle()
    // Once per conversation and day; no "nobody is on duty" notice on top of it.
    expect(zhang.texts().filter((text) => text.includes('非服务时间'))).toHaveLength(1)
    expect(zhang.texts().some((text) => text.includes('暂时没有客服在线'))).toBe(false)

    // An agent working late still gets the queued customer, with both messages.
    await h.onDuty(h.agentA)
    await received(h.agentA, '【A1】张三：请问发货了吗')
    await received(h.agentA, '【A1】张三：还有一个问题')

    // The reply clock runs on service time: the warning is not due before midnight.
    await sleep(1500)
    expect(h.agentA.texts().some((text) => text.includes('提醒：客户已等待'))).toBe(false)
    expect(h.supervisor.texts()).toEqual([])
    await h.settle()
    const [conversation] = await h.bot.transcripts.conversationsOfCustomer('cust-night')
    const started = (await h.bot.transcripts.entries(conversation?.id ?? '')).find(
      (entry) => entry.kind === 'event' && entry.type === 'clock-started',
    )
    expect(started?.kind === 'event' && started.data.dueAt).toBe(zonedTime(tomorrow, 0, TZ) + 1000)
  })
})

describe('away state', () => {
  it('holds an away agent’s messages with one auto-reply, routes new customers elsewhere, and delivers the backlog on /on', async () => {
    h = await new Harness({ sla: { replyTimeout: '30s' } }).start()
    await h.onDuty(h.agentA, h.agentB)
    const zhang = h.customer('cust-zhang', '张三')
    zhang.say('我的快递到哪了')
    await received(h.agentA, '【A1】张三：我的快递到哪了')

    h.agentA.say('/away 20 吃饭')
    const set = await received(h.agentA, '您已设置为离开')
    expect(set).toContain('1 位等待中的客户已收到自动回复')
    const auto = await received(zhang, '客服暂时离开（吃饭）')
    expect(auto).toMatch(/预计 \d\d:\d\d 回来/)

    zhang.say('麻烦快一点')
    const li = h.customer('cust-li', '李四')
    li.say('在吗')
    // A new customer goes to the colleague who is not away.
    await received(h.agentB, '【A2】李四：在吗')
    await h.settle()
    expect(h.agentA.texts().some((text) => text.includes('麻烦快一点'))).toBe(false)
    expect(zhang.texts().filter((text) => text.includes('客服暂时离开'))).toHaveLength(1)

    h.supervisor.say('/agents')
    const agents = await received(h.supervisor, '客服状态')
    expect(agents).toMatch(/小王 · 离开：吃饭（预计 \d\d:\d\d 回来）/)
    h.supervisor.say('/assign A2 小王')
    await received(h.supervisor, '小王 暂时离开，无法接收会话')

    h.agentA.say('/on')
    await received(h.agentA, '离开期间共有 1 条客户留言')
    await received(h.agentA, '【A1】张三：麻烦快一点')
    h.agentA.say('A1 您好，马上为您查询')
    await received(zhang, '您好，马上为您查询')
  })

  it('hands an away agent’s conversations to a colleague once the away time is up', async () => {
    h = await new Harness({ sla: { replyTimeout: '30s' }, duty: { awayLimit: '1500ms' } }).start()
    await h.onDuty(h.agentA, h.agentB)
    const wang = h.customer('cust-wang', '王五')
    wang.say('我要退货')
    await received(h.agentA, '【A1】王五：我要退货')
    h.agentA.say('/away')
    await received(h.agentA, '您已设置为离开')
    await received(wang, '客服暂时离开，预计')
    wang.say('订单号 123')

    const movedIn = await received(h.agentB, '【A1】小王 离开超过预定时间，会话转给您', 5000)
    expect(movedIn).toContain('客户 王五')
    await received(h.agentB, '【A1】王五：订单号 123')
    await received(wang, '已为您转接其他客服')
    await received(h.agentA, '1 个会话已转给同事或回到排队：A1')
    // The away agent gets nothing new meanwhile, and the colleague now holds the conversation.
    h.agentA.say('A1 我回来了')
    await received(h.agentA, '会话 A1 由 小李 接待')
    await eventually(async () => {
      const [conversation] = await h.bot.transcripts.conversationsOfCustomer('cust-wang')
      return conversation?.agentId === 'agent-b'
    })
  })

  it('delivers what came in while away oldest first, across conversations', async () => {
    h = await new Harness({ sla: { replyTimeout: '30s' } }).start()
    await h.onDuty(h.agentA)
    const zhou = h.customer('cust-zhou', '周一')
    const wu = h.customer('cust-wu', '吴二')
    zhou.say('第一个问题')
    await received(h.agentA, '【A1】周一：第一个问题')
    wu.say('第二个问题')
    await received(h.agentA, '【A2】吴二：第二个问题')
    h.agentA.say('/away 5')
    await received(h.agentA, '您已设置为离开')
    // Both customers were waiting, so both heard at once that the agent stepped away.
    await received(zhou, '客服暂时离开')
    await received(wu, '客服暂时离开')
    for (const [customer, text] of [
      [wu, '吴二先说'],
      [zhou, '周一后说'],
      [wu, '吴二再说'],
    ] as const) {
      customer.say(text)
      // One at a time: customers a millisecond apart may reach the bot in either order.
      await h.settle()
    }
    h.agentA.say('/on')
    await received(h.agentA, '离开期间共有 3 条客户留言')
    await received(h.agentA, '【A2】吴二：吴二再说')
    const backlog = h.agentA.texts().filter((text) => text.includes('说'))
    expect(backlog).toEqual(['【A2】吴二：吴二先说', '【A1】周一：周一后说', '【A2】吴二：吴二再说'])
  })

  it('refuses /away to an agent who is not on duty, and /away with an impossible time', async () => {
    h = await new Harness().start()
    h.agentA.say('/away')
    await received(h.agentA, '您当前不在岗，无需设置离开')
    h.agentA.say('/away 999')
    await received(h.agentA, '离开时间请写 1 到 480 之间的分钟数')
  })
})
