import { afterEach, describe, expect, it } from 'vitest'
import { KernelHarness } from '../support/kernel.js'

let h: KernelHarness
afterEach(() => h?.close())

describe('a customer message, step by step', () => {
  it('opens a conversation with a greeting and the menu, then files the menu answer and goes to nobody', async () => {
    h = await new KernelHarness().start()
    await h.says('agent-a', '/on')
    await h.says('cust-li', '请问可以开发票吗', '李四')
    expect(h.heard('cust-li')).toEqual([['customer.greeting', 'customer.menu']])
    expect(h.purposes('agent-a')).toEqual(['duty', 'assigned', 'fwd'])

    await h.says('cust-li', '1', '李四')
    expect(h.heard('cust-li').at(-1)).toEqual(['customer.categoryChosen'])
    // A menu answer is for the bot, not the agent.
    expect(h.purposes('agent-a')).toEqual(['duty', 'assigned', 'fwd'])
    expect(await h.events('cust-li')).toEqual(['opened', 'clock-started', 'assigned', 'category-set'])
  })

  it('queues a customer nobody is on duty for, with their place, and hands the backlog to the first agent on', async () => {
    h = await new KernelHarness().start()
    await h.says('cust-zhang', '我的订单还没发货', '张三')
    await h.says('cust-zhang', '在吗', '张三')
    expect(h.heard('cust-zhang')).toEqual([['customer.greeting'], ['customer.queuedNobodyOnDuty']])

    await h.says('agent-a', '/on')
    expect(h.heard('agent-a')).toEqual([
      ['staff.onDutyWithBacklog'],
      ['agent.assigned'],
      ['agent.forward'],
      ['agent.forward'],
    ])
    expect(h.outbox.sent.filter((sent) => sent.to === 'agent-a' && sent.purpose === 'fwd')).toHaveLength(2)
  })

  it('refuses a customer who types a staff command, and does nothing else', async () => {
    h = await new KernelHarness().start()
    await h.says('agent-a', '/on')
    await h.says('cust-x', '/assign A1 小王', '路人')
    expect(h.heard('cust-x')).toEqual([['customer.commandRefused']])
    expect(h.purposes('agent-a')).toEqual(['duty'])
    expect(await h.state.conversationOfCustomer('cust-x')).toBeNull()
  })

  it('handles a message delivered twice once: one conversation, one forward, one transcript entry', async () => {
    h = await new KernelHarness().start()
    await h.says('agent-a', '/on')
    const first = await h.says('cust-zhang', '我的订单还没发货', '张三')
    await h.kernel.receive(first)
    expect(h.purposes('agent-a')).toEqual(['duty', 'assigned', 'fwd'])
    expect(h.purposes('cust-zhang')).toEqual(['greet'])
    const [conversation] = await h.store.conversationsOfCustomer('cust-zhang')
    const entries = await h.store.entries(conversation?.id ?? '')
    expect(entries.filter((entry) => entry.kind === 'message' && entry.direction === 'in')).toHaveLength(1)
  })

  it('keeps two messages apart whose WeChat ids differ only by punctuation', async () => {
    h = await new KernelHarness().start()
    await h.says('agent-a', '/on')
    for (const [id, customer] of [
      ['kf:1001', 'cust-1'],
      ['kf_1001', 'cust-2'],
    ] as const) {
      await h.kernel.receive({
        id,
        from: { id: customer, name: customer },
        kind: 'text',
        text: `我是 ${customer}`,
        receivedAt: h.now,
      })
    }
    const forwards = h.outbox.sent.filter((sent) => sent.to === 'agent-a' && sent.purpose === 'fwd')
    expect(forwards.map((sent) => sent.text)).toEqual([
      expect.stringContaining('我是 cust-1'),
      expect.stringContaining('我是 cust-2'),
    ])
  })

  it('thanks a customer for a good rating, and alerts the supervisors for a poor one', async () => {
    h = await new KernelHarness().start()
    await h.says('agent-a', '/on')
    await h.says('cust-zhang', '我的订单还没发货', '张三')
    await h.says('agent-a', 'A1 已为您处理')
    await h.says('agent-a', '/close A1')
    expect(h.heard('cust-zhang').slice(-2)).toEqual([['customer.closed'], ['customer.survey']])
    await h.says('cust-zhang', '1', '张三')
    expect(h.heard('cust-zhang').at(-1)).toEqual(['customer.ratingSorry'])
    expect(h.heard('supervisor-1')).toEqual([['supervisor.lowRating']])
    // The rating opened nothing.
    expect(await h.state.conversationOfCustomer('cust-zhang')).toBeNull()
  })
})
