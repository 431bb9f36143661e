import { describe, expect, it } from 'vitest'
import { liveStateFixture } from './fixture.js'

const { state, customerSays, on } = liveStateFixture('away-expired')

describe('away-expired', () => {
  it('hands an away agent’s conversations to colleagues with room, the rest back to the queue', async () => {
    await on('agentA')
    await on('agentB', 1)
    const first = await customerSays('c1', 'a', 1)
    await customerSays('c2', 'b', 2)
    const third = await customerSays('c3', 'c', 3)
    const held = await state().conversationsOfAgent('agentA')
    expect(held.map((c) => c.customerId)).toEqual(['c1', 'c3'])
    const away = await state().goAway({ agentId: 'agentA', until: 100, reason: 'lunch' })
    const seq = away.status === 'away' ? away.awaySeq : 0
    await state().goOffDuty({ agentId: 'agentB', force: true })
    await on('agentB', 2)
    const expired = await state().awayExpired({ agentId: 'agentA', seq })
    expect(expired).toMatchObject({ status: 'handed-on', replayed: false })
    if (expired.status !== 'handed-on') return
    const moved = [...expired.assigned.map((a) => a.conversation.id), ...expired.requeued.map((c) => c.id)]
    expect(moved.sort()).toEqual([first.conversation.id, third.conversation.id].sort())
    expect(expired.assigned.map((a) => a.agentId)).toEqual(['agentB'])
    expect(expired.requeued).toHaveLength(1)
    expect(await state().conversationsOfAgent('agentA')).toEqual([])
    expect((await state().loads(['agentA']))[0]).toMatchObject({ onDuty: true, away: { reason: 'lunch' } })
  })

  it('replays its outcome when the timer runs again', async () => {
    await on('agentA')
    await customerSays('c1', 'a')
    const away = await state().goAway({ agentId: 'agentA', until: 100, reason: 'lunch' })
    const seq = away.status === 'away' ? away.awaySeq : 0
    const first = await state().awayExpired({ agentId: 'agentA', seq })
    const again = await state().awayExpired({ agentId: 'agentA', seq })
    expect(first).toMatchObject({ status: 'handed-on', replayed: false, assigned: [] })
    expect(again).toMatchObject({ status: 'handed-on', replayed: true, assigned: [] })
    expect(again.status === 'handed-on' && again.requeued.map((c) => c.customerId)).toEqual(['c1'])
  })

  it('is stale once the agent is back, or away again since', async () => {
    await on('agentA')
    await customerSays('c1', 'a')
    await state().goAway({ agentId: 'agentA', until: 100, reason: 'lunch' })
    const again = await state().goAway({ agentId: 'agentA', until: 200, reason: 'again' })
    const seq = again.status === 'away' ? again.awaySeq : 0
    expect(await state().awayExpired({ agentId: 'agentA', seq: seq - 1 })).toEqual({ status: 'stale' })
    await on('agentA')
    expect(await state().awayExpired({ agentId: 'agentA', seq })).toEqual({ status: 'stale' })
    expect(await state().conversationsOfAgent('agentA')).toHaveLength(1)
  })
})
