import { afterEach, describe, expect, it } from 'vitest'
import { KernelHarness } from '../support/kernel.js'

const MINUTE = 60_000
let h: KernelHarness
afterEach(() => h?.close())

describe('on duty, away and off', () => {
  it('tells a waiting customer when an away agent is back, and hands on their conversations past the limit', async () => {
    h = await new KernelHarness({ sla: { replyTimeout: '1h' } }).start()
    await h.says('agent-a', '/on')
    await h.says('cust-zhang', '我的订单还没发货', '张三')
    await h.says('agent-a', '/away 15 吃饭')
    expect(h.heard('agent-a').at(-1)).toEqual(['staff.awaySet'])
    expect(h.heard('cust-zhang').at(-1)).toEqual(['customer.agentAwayWithReason'])

    // Nobody else is on duty: past the announced time the conversation goes back to the queue.
    await h.advance(15 * MINUTE)
    expect(h.heard('agent-a').at(-1)).toEqual(['staff.awayHandedOut'])
    expect(await h.events('cust-zhang')).toContain('queued')

    // Its message reached agent-a before: agent-b gets the conversation with its last message.
    await h.says('agent-b', '/on')
    expect(h.heard('agent-b')).toEqual([['staff.onDutyWithBacklog'], ['agent.resumed']])
  })

  it('refuses /off while conversations are open, and hands them on with /off force', async () => {
    h = await new KernelHarness().start()
    await h.says('agent-a', '/on')
    await h.says('cust-zhang', '我的订单还没发货', '张三')
    await h.says('agent-a', '/off')
    expect(h.heard('agent-a').at(-1)).toEqual(['staff.offDutyRefused'])
    await h.says('agent-b', '/on')
    await h.says('agent-a', '/off force')
    expect(h.heard('agent-a').at(-1)).toEqual(['staff.offDutyForced'])
    // Its messages went to agent-a before: agent-b gets the conversation with its last message.
    expect(h.heard('agent-b').at(-1)).toEqual(['agent.resumed'])
    expect(await h.events('cust-zhang')).toContain('queued')
  })

  it('answers a command a role does not allow, and one it does not know', async () => {
    h = await new KernelHarness().start()
    await h.says('agent-a', '/agents')
    await h.says('agent-a', '/lsit')
    await h.says('supervisor-1', '/on')
    expect(h.heard('agent-a')).toEqual([
      ['staff.oversightOnly'],
      ['staff.unknownCommand', 'staff.didYouMean', 'staff.seeHelp'],
    ])
    expect(h.heard('supervisor-1')).toEqual([['staff.agentOnly']])
  })
})
