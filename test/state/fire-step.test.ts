import { describe, expect, it } from 'vitest'
import { liveStateFixture } from './fixture.js'

const { redis, keys, state, customerSays, reply, on } = liveStateFixture('fire-step')

const fire = (conversationId: string, v: number, step: number, at: number, reassign = false) =>
  state().fireStep({
    conversationId,
    version: v,
    step,
    reassign,
    countsAsOverdue: step === 0,
    at,
  })

describe('fire-step', () => {
  it('a timer for an answered conversation is stale; an unanswered one fires once, reassigns, and replays', async () => {
    await on('agentA')
    const one = await customerSays('c1', 'a', 1000)
    const version = one.conversation.version
    await reply({ staffId: 'agentA', oversees: false, at: 1500 })
    expect(await fire(one.conversation.id, version, 0, 2000)).toEqual({ status: 'stale' })

    const two = await customerSays('c2', 'b', 3000)
    await on('agentB')
    expect(await fire(two.conversation.id, two.conversation.version, 0, 3500)).toEqual({
      status: 'early',
      dueAt: 4000,
    })
    const fired = await fire(two.conversation.id, two.conversation.version, 0, 4001, true)
    expect(fired.status).toBe('fired')
    if (fired.status === 'fired') {
      expect(fired.agentId).toBe('agentA')
      expect(fired.reassignedTo).toBe('agentB')
      expect(fired.conversation.overdueCount).toBe(1)
    }
    // The same timer run again (its process died before it finished) replays the same firing.
    const again = await fire(two.conversation.id, two.conversation.version, 0, 4002)
    expect(again).toMatchObject({
      status: 'fired',
      replayed: true,
      agentId: 'agentA',
      reassignedTo: 'agentB',
      waitingSince: 3000,
    })
    expect((await state().conversation(two.conversation.id))?.overdueCount).toBe(1)
  })

  it('a timer waits while a staff message from before its deadline is still being handled', async () => {
    const one = await customerSays('c1', 'a', 1000)
    await state().staffMessageReceived('staff-msg', 1900)
    const input = {
      conversationId: one.conversation.id,
      version: one.conversation.version,
      step: 0,
      reassign: false,
      countsAsOverdue: true,
      at: 2001,
    }
    expect(await state().fireStep(input)).toEqual({ status: 'wait' })
    await state().staffMessageHandled('staff-msg')
    expect((await state().fireStep(input)).status).toBe('fired')
  })

  it('takes the steps in turn, and a step past the ladder is stale', async () => {
    const one = await customerSays('c1', 'a', 1000)
    const { id, version } = one.conversation
    expect(await fire(id, version, 1, 5000)).toEqual({ status: 'stale' })
    expect(await fire(id, version, 0, 5000)).toMatchObject({ status: 'fired', replayed: false })
    expect(await fire(id, version, 1, 5000)).toMatchObject({
      status: 'fired',
      conversation: { ladderStep: 2, overdueCount: 1 },
    })
    expect(await fire(id, version, 2, 5000)).toEqual({ status: 'stale' })
  })

  it('says gone when the timer runs again after its conversation closed and expired', async () => {
    const one = await customerSays('c1', 'a', 1000)
    const { id, version } = one.conversation
    expect((await fire(id, version, 0, 2000)).status).toBe('fired')
    await state().close({
      staffId: 'boss',
      code: one.conversation.code,
      oversees: true,
      at: 2500,
      surveyFor: 0,
    })
    expect(await fire(id, version, 1, 3000)).toEqual({ status: 'stale' })
    await redis.del(keys().conversation(id))
    expect(await fire(id, version, 0, 2000)).toEqual({ status: 'gone' })
  })
})
