import { describe, expect, it } from 'vitest'
import { liveStateFixture } from './fixture.js'

const { state, customerSays, on } = liveStateFixture('go-off-duty')

describe('go-off-duty', () => {
  it('refuses /off with open conversations unless forced, then hands them to colleagues', async () => {
    await on('agentA')
    const one = await customerSays('c1', 'a')
    const refused = await state().goOffDuty({ agentId: 'agentA', force: false })
    expect(refused).toMatchObject({ status: 'refused', reason: 'has-open' })
    await on('agentB')
    const forced = await state().goOffDuty({ agentId: 'agentA', force: true })
    expect(forced.status === 'off-duty' && forced.requeued.map((c) => c.id)).toEqual([one.conversation.id])
    expect(forced.status === 'off-duty' && forced.assigned.map((a) => a.agentId)).toEqual(['agentB'])
  })

  it('goes off duty at once without open conversations', async () => {
    await on('agentA')
    expect(await state().goOffDuty({ agentId: 'agentA', force: false })).toEqual({
      status: 'off-duty',
      requeued: [],
      assigned: [],
    })
    expect(await state().onDuty()).toEqual([])
    expect((await customerSays('c1', 'a')).queuePosition).toBe(1)
  })

  it('forced, puts the conversations back in their old places in the queue', async () => {
    await on('agentA', 1)
    const first = await customerSays('c1', 'a', 1)
    await customerSays('c2', 'b', 2)
    const forced = await state().goOffDuty({ agentId: 'agentA', force: true })
    expect(forced).toMatchObject({ status: 'off-duty', assigned: [] })
    expect(forced.status === 'off-duty' && forced.requeued.map((c) => [c.id, c.status])).toEqual([
      [first.conversation.id, 'queued'],
    ])
    expect((await state().queued()).map((c) => c.customerId)).toEqual(['c1', 'c2'])
  })

  it('refused while away, the agent stays away', async () => {
    await on('agentA')
    const one = await customerSays('c1', 'a')
    await state().goAway({ agentId: 'agentA', until: 5000, reason: 'lunch' })
    const refused = await state().goOffDuty({ agentId: 'agentA', force: false })
    expect(refused.status === 'refused' && refused.open.map((c) => c.id)).toEqual([one.conversation.id])
    const [load] = await state().loads(['agentA'])
    expect(load).toMatchObject({ onDuty: true, open: 1, away: {} })
    expect((await customerSays('c2', 'b')).assigned).toEqual([])
  })
})
