import { describe, expect, it } from 'vitest'
import { liveStateFixture } from './fixture.js'

const { state, customerSays, on } = liveStateFixture('go-on-duty')

describe('go-on-duty', () => {
  it('assigns the backlog oldest first to the least-loaded agent, respecting caps, round robin on ties', async () => {
    await customerSays('c1', 'a', 1)
    await customerSays('c2', 'b', 2)
    await customerSays('c3', 'c', 3)
    const a = await on('agentA', 2)
    expect(a.assigned.map((x) => x.conversation.customerId)).toEqual(['c1', 'c2'])
    const b = await on('agentB', 5)
    expect(b.assigned.map((x) => [x.conversation.customerId, x.agentId])).toEqual([['c3', 'agentB']])
    const d = await customerSays('c4', 'd', 4)
    // A is at its cap of 2; B has 1: B gets it.
    expect(d.assigned.map((x) => x.agentId)).toEqual(['agentB'])
    const e = await customerSays('c5', 'e', 5)
    expect(e.assigned.map((x) => x.agentId)).toEqual(['agentB'])
  })

  it('comes on duty with nothing to say about being away', async () => {
    expect(await on('agentA')).toEqual({ status: 'on-duty', wasAway: false, mine: [], assigned: [] })
    expect(await state().onDuty()).toEqual(['agentA'])
  })

  it('back from away, returns the agent’s conversations and forgets the away details', async () => {
    await on('agentA')
    const one = await customerSays('c1', 'a')
    await state().goAway({ agentId: 'agentA', until: 5000, reason: 'lunch' })
    const back = await on('agentA')
    expect(back).toMatchObject({ status: 'on-duty', wasAway: true, assigned: [] })
    expect(back.mine.map((c) => c.id)).toEqual([one.conversation.id])
    expect(await state().loads(['agentA'])).toEqual([{ agentId: 'agentA', onDuty: true, open: 1 }])
  })

  it('takes only the categories of the agent’s skills, and a new cap at once', async () => {
    await customerSays('c1', 'bill', 1, undefined, { category: { id: 'billing' } })
    await customerSays('c2', 'hi', 2)
    const billing = await on('agentA', 10, ['billing'])
    expect(billing.assigned.map((a) => a.conversation.customerId)).toEqual(['c1'])
    expect((await state().queued()).map((c) => c.customerId)).toEqual(['c2'])
    await on('agentB', 0)
    expect((await on('agentB', 1)).assigned.map((a) => a.conversation.customerId)).toEqual(['c2'])
  })
})
