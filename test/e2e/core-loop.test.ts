import { afterEach, describe, expect, it } from 'vitest'
import { eventually, Harness, received, sleep } from '../support/harness.js'

let h: Harness
afterEach(async () => {
  await h?.stop()
})

describe('customer → agent → customer', () => {
  it('forwards a customer message tagged with its code, delivers the reply, and records both in order', async () => {
    h = await new Harness().start()
    await h.onDuty(h.agentA)

    const zhang = h.customer('cust-zhang', '张三')
    zhang.say('我的订单还没发货')
    await received(zhang, '您的会话编号是 A1')
    const forwarded = await received(h.agentA, '【A1】张三：我的订单还没发货')
    expect(forwarded).toBe('【A1】张三：我的订单还没发货')

    h.agentA.say('A1 您好，我马上为您查询')
    await received(zhang, '您好，我马上为您查询')
    expect(zhang.texts().at(-1)).toBe('您好，我马上为您查询')

    await h.settle()
    const [conversation] = await h.bot.transcripts.conversationsOfCustomer('cust-zhang')
    expect(conversation).toMatchObject({ code: 'A1', agentId: 'agent-a', status: 'assigned' })
    const entries = await h.bot.transcripts.entries(conversation?.id ?? '')
    const messages = entries.filter((entry) => entry.kind === 'message')
    expect(messages.map((entry) => [entry.kind === 'message' && entry.direction, entry.actor.role])).toEqual([
      ['in', 'customer'],
      ['out', 'bot'],
      ['out', 'agent'],
    ])
    expect(messages[0]).toMatchObject({ text: '我的订单还没发货' })
    expect(messages[2]).toMatchObject({ text: '您好，我马上为您查询', actor: { id: 'agent-a' } })
    const events = entries.flatMap((entry) => (entry.kind === 'event' ? [entry.type] : []))
    expect(events).toEqual(['opened', 'category-set', 'clock-started', 'assigned', 'clock-stopped'])
    // The supervisor was never disturbed.
    expect(h.supervisor.texts()).toEqual([])
  })

  it('sends plain text to the only open conversation, and refuses it when two customers are waiting', async () => {
    h = await new Harness().start()
    await h.onDuty(h.agentA)
    const li = h.customer('cust-li', '李四')
    li.say('在吗')
    await received(h.agentA, '【A1】李四：在吗')
    h.agentA.say('在的，请问有什么可以帮您？')
    await received(li, '在的，请问有什么可以帮您？')

    const wang = h.customer('cust-wang', '王五')
    wang.say('我要退货')
    await received(h.agentA, '【A2】王五：我要退货')
    h.agentA.say('好的')
    const refusal = await received(h.agentA, '无法确定回复给谁')
    expect(refusal).toContain('A1、A2')
    await sleep(200)
    expect(li.texts()).not.toContain('好的')
    expect(wang.texts()).not.toContain('好的')

    // Addressing one by code makes it the conversation plain text goes to, until another customer writes.
    h.agentA.say('A2 好的，请提供订单号')
    await received(wang, '好的，请提供订单号')
    h.agentA.say('我来帮您处理')
    await received(wang, '我来帮您处理')
    expect(li.texts()).not.toContain('我来帮您处理')
  })

  it('shows an agent their open conversations with waiting times, and closes one with the closing phrase', async () => {
    h = await new Harness().start()
    await h.onDuty(h.agentA)
    const zhao = h.customer('cust-zhao', '赵六')
    zhao.say('发票怎么开')
    await received(h.agentA, '【A1】赵六：发票怎么开')
    h.agentA.say('/list')
    const listing = await received(h.agentA, '您的进行中会话（1）')
    expect(listing).toMatch(/A1 赵六 · 等待回复 \d+秒/)

    h.agentA.say('/close A1')
    await received(h.agentA, '会话 A1 已结束')
    await received(zhao, '本次会话已结束')
    h.agentA.say('/list')
    await received(h.agentA, '您当前没有进行中的会话')

    // Writing again opens a new conversation with a new greeting.
    zhao.say('还有一个问题')
    await received(h.agentA, '【A2】赵六：还有一个问题')
    await eventually(() => zhao.texts().filter((text) => text.includes('欢迎咨询')).length === 2)
  })
})

describe('commands', () => {
  it('answers a mistyped command with a suggestion, and /help with the commands of the role', async () => {
    h = await new Harness().start()
    h.agentA.say('/lsit')
    const answer = await received(h.agentA, '没有 /lsit 这个指令')
    expect(answer).toContain('您是不是想输入 /list？')
    h.agentA.say('/close')
    await received(h.agentA, '用法：/close 会话编号')
    h.agentA.say('/help')
    const help = await received(h.agentA, '客服指令')
    expect(help).toContain('/transfer')
    expect(help).not.toContain('/assign')
    h.supervisor.say('/help')
    const supervisorHelp = await received(h.supervisor, '主管指令')
    expect(supervisorHelp).toContain('/assign')
  })

  it('lets a supervisor see the queue and the agents, assign a conversation, and read its transcript', async () => {
    h = await new Harness().start()
    const sun = h.customer('cust-sun', '孙七')
    sun.say('我的手机号是13812345678，帮我查下物流')
    await received(sun, '现在暂时没有客服在线')
    h.supervisor.say('/queue')
    const queue = await received(h.supervisor, '排队中的客户（1）')
    expect(queue).toMatch(/1\. A1 孙\* · 已等待/)

    h.agentB.say('/on')
    await received(h.agentB, '1 个排队中的会话已分配给您')
    await received(h.agentB, '【A1】孙七：我的手机号是13812345678，帮我查下物流')
    await h.onDuty(h.agentA)
    h.supervisor.say('/agents')
    const agents = await received(h.supervisor, '客服状态')
    expect(agents).toContain('小王 · 在岗 · 进行中 0/10')
    expect(agents).toContain('小李 · 在岗 · 进行中 1/10')

    h.supervisor.say('/assign A1 小王')
    await received(h.supervisor, '会话 A1 已分配给 小王')
    await received(h.agentA, '【A1】陈主管 将会话分配给您')
    await received(h.agentB, '【A1】会话已由 陈主管 转给 小王')
    await received(sun, '已为您转接其他客服')

    h.agentA.say('A1 您好，已为您查询')
    await received(sun, '您好，已为您查询')
    await h.settle()
    h.supervisor.say('/transcript A1')
    // A supervisor reviews the service, not the customer: their name and phone number come masked.
    const transcript = await received(h.supervisor, '会话 A1 记录')
    expect(transcript).toContain('客户个人信息已隐去')
    expect(transcript).toContain('孙*：我的手机号是138****5678')
    expect(transcript).not.toContain('13812345678')
    expect(transcript).toContain('小王：您好，已为您查询')
    await h.settle()
    const [conversation] = await h.bot.transcripts.conversationsOfCustomer('cust-sun')
    const reads = (await h.bot.transcripts.entries(conversation?.id ?? '')).filter(
      (entry) => entry.kind === 'event' && entry.type === 'transcript-read',
    )
    expect(reads).toHaveLength(1)
    expect(reads[0]?.actor.id).toBe('supervisor-1')
  })
})
