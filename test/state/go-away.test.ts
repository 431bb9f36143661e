import { describe, expect, it } from 'vitest'
import { liveStateFixture } from './fixture.js'

const { state, customerSays, reply, on } = liveStateFixture('go-away')

describe('go-away', () => {
  it('gives an away agent nothing new, and routes to them again once back', async () => {
    await on('agentA')
    await on('agentB')
    await state().goAway({ agentId: 'agentA', until: 100, reason: '' })
    const whileAway = await Promise.all(['c1', 'c2'].map((c) => customerSays(c, 'hi')))
    expect(whileAway.map((r) => r.assigned[0]?.agentId)).toEqual(['agentB', 'agentB'])
    await on('agentA')
    expect((await customerSays('c3', 'hi')).assigned[0]?.agentId).toBe('agentA')
  })

  it('refuses an agent off duty, changing nothing', async () => {
    expect(await state().goAway({ agentId: 'agentA', until: 100, reason: 'lunch' })).toEqual({
      status: 'refused',
      reason: 'off-duty',
    })
    expect(await state().loads(['agentA'])).toEqual([{ agentId: 'agentA', onDuty: false, open: 0 }])
  })

  it('numbers each away period and returns the customers waiting on the agent right now', async () => {
    await on('agentA')
    const waiting = await customerSays('c1', 'a', 100)
    await customerSays('c2', 'b', 200)
    await reply({ staffId: 'agentA', code: 'A2', oversees: false, at: 300 })
    const away = await state().goAway({ agentId: 'agentA', until: 5000, reason: 'lunch' })
    expect(away).toMatchObject({ status: 'away', awaySeq: 1 })
    expect(away.status === 'away' && away.waiting.map((c) => c.id)).toEqual([waiting.conversation.id])
    expect(await state().loads(['agentA'])).toEqual([
      { agentId: 'agentA', onDuty: true, open: 2, away: { until: 5000, reason: 'lunch' } },
    ])
    // Told now, the waiting customer is not told again when they write while the agent is away.
    expect((await customerSays('c1', 'hello?', 400)).awayNotice).toBeUndefined()
    expect(await state().goAway({ agentId: 'agentA', until: 6000, reason: 'meeting' })).toMatchObject({
      awaySeq: 2,
    })
  })
})
