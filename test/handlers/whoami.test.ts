import { afterEach, describe, expect, it } from 'vitest'
import { KernelHarness } from '../support/kernel.js'

let h: KernelHarness
afterEach(() => h?.close())

describe('/whoami', () => {
  it('tells a customer their own contact id, and opens, times and forwards nothing', async () => {
    h = await new KernelHarness().start()
    await h.says('agent-a', '/on')
    const armed = [...h.timers.armed.keys()]
    await h.says('cust-li', '/whoami', '李四')
    expect(h.outbox.sent.filter((sent) => sent.to === 'cust-li').map((sent) => sent.text)).toEqual([
      '⟪whoami.yourId {"id":"cust-li"}⟫',
    ])
    expect(h.purposes('agent-a')).toEqual(['duty'])
    expect([...h.timers.armed.keys()]).toEqual(armed)
    expect(await h.state.conversationOfCustomer('cust-li')).toBeNull()
    expect(await h.store.conversationsOfCustomer('cust-li')).toEqual([])

    // Their first real message is the one that opens a conversation, with the greeting.
    await h.says('cust-li', '请问可以开发票吗', '李四')
    expect(h.heard('cust-li').at(-1)).toEqual(['customer.greeting', 'customer.menu'])
  })

  it('tells staff their own contact id, whatever their role', async () => {
    h = await new KernelHarness().start()
    await h.says('agent-a', '／WHOAMI')
    await h.says('manager-1', '/whoami')
    expect(h.outbox.sent.map((sent) => [sent.to, sent.text])).toEqual([
      ['agent-a', '⟪whoami.yourId {"id":"agent-a"}⟫'],
      ['manager-1', '⟪whoami.yourId {"id":"manager-1"}⟫'],
    ])
  })
})
