import { afterEach, describe, expect, it } from 'vitest'
import { KernelHarness } from '../support/kernel.js'

const MINUTE = 60_000
let h: KernelHarness
afterEach(() => h?.close())

async function waitingCustomer(): Promise<void> {
  await h.says('agent-a', '/on')
  await h.says('agent-b', '/on')
  await h.says('cust-zhang', '我的订单还没发货', '张三')
}

describe('the escalation ladder, on the default five minutes', () => {
  it('warns the agent at four, alerts the supervisors and tells the customer at five, reassigns at ten', async () => {
    h = await new KernelHarness().start()
    await waitingCustomer()
    expect(h.heard('agent-a').at(-1)).toEqual(['agent.forward'])

    await h.advance(4 * MINUTE - 1)
    expect(h.purposes('agent-a')).not.toContain('warn')
    await h.advance(1)
    expect(h.heard('agent-a').at(-1)).toEqual(['agent.warning'])
    expect(h.heard('supervisor-1')).toEqual([])

    await h.advance(1 * MINUTE)
    expect(h.purposes('supervisor-1')).toEqual(['alert1'])
    expect(h.heard('supervisor-1')[0]?.[0]).toBe('supervisor.alert')
    expect(h.heard('cust-zhang').at(-1)).toEqual(['customer.overdue'])
    expect(h.heard('manager-1')).toEqual([])

    await h.advance(5 * MINUTE)
    expect(h.purposes('manager-1')).toEqual(['alert2'])
    expect(h.outbox.sent.find((sent) => sent.to === 'manager-1')?.text).toContain(
      'supervisor.outcomeReassigned',
    )
    expect(h.heard('agent-b').at(-1)).toEqual(['agent.reassignedIn'])
    expect(h.heard('agent-a').at(-1)).toEqual(['agent.reassignedOut'])
    expect(await h.events('cust-zhang')).toEqual([
      'opened',
      'category-set',
      'clock-started',
      'assigned',
      'escalated',
      'escalated',
      'overdue',
      'escalated',
      'reassigned',
    ])

    // Each step once per waiting period: nothing more however long the customer waits.
    const said = h.outbox.sent.length
    await h.advance(60 * MINUTE)
    expect(h.outbox.sent.length).toBe(said)
  })

  it('alerts nobody for an answer a millisecond before the deadline, and stops the clock', async () => {
    h = await new KernelHarness().start()
    await waitingCustomer()
    await h.advance(5 * MINUTE - 1)
    await h.says('agent-a', 'A1 您好，马上为您查询')
    await h.advance(30 * MINUTE)
    expect(h.heard('supervisor-1')).toEqual([])
    expect(h.heard('manager-1')).toEqual([])
    expect(h.heard('cust-zhang').at(-1)).toEqual([])
    expect(h.outbox.sent.at(-1)).toMatchObject({
      to: 'cust-zhang',
      purpose: 'reply',
      text: '您好，马上为您查询',
    })
    expect(await h.events('cust-zhang')).toEqual([
      'opened',
      'category-set',
      'clock-started',
      'assigned',
      'escalated',
      'clock-stopped',
    ])
  })

  it('records a breach an answer missed although its timer had not fired yet, marked late', async () => {
    h = await new KernelHarness().start()
    await waitingCustomer()
    // The timers are behind (an outage): the answer arrives at 6 minutes, before any of them fired.
    h.now += 6 * MINUTE
    await h.says('agent-a', 'A1 抱歉久等')
    const alert = h.outbox.sent.filter((sent) => sent.to === 'supervisor-1')
    expect(alert.map((sent) => sent.purpose)).toEqual(['alert1'])
    expect(alert[0]?.text).toContain('supervisor.outcomeAnsweredLate')
    // The customer has their answer: no "we're on it", nothing reassigned.
    expect(h.purposes('cust-zhang')).toEqual(['greet', 'reply'])
    expect(await h.events('cust-zhang')).toContain('overdue')
    // The timers that come late find the period over.
    await h.advance(10 * MINUTE)
    expect(h.heard('supervisor-1')).toHaveLength(1)
  })

  it('waits for a staff message still being handled before it alerts', async () => {
    h = await new KernelHarness().start()
    await waitingCustomer()
    // A staff answer received before the deadline, still in the ingest queue when the timer fires.
    await h.state.staffMessageReceived('in-flight', h.now + 5 * MINUTE - 10)
    await h.advance(5 * MINUTE + 500)
    expect(h.heard('supervisor-1')).toEqual([])
    await h.state.staffMessageHandled('in-flight')
    await h.advance(200)
    expect(h.purposes('supervisor-1')).toEqual(['alert1'])
  })
})
