import { describe, expect, it } from 'vitest'
import { liveStateFixture } from './fixture.js'

const { state, customerSays, on } = liveStateFixture('move')

describe('move', () => {
  it('moves conversations with /take, /transfer and /assign under their rules', async () => {
    const one = await customerSays('c1', 'a')
    expect(
      await state().move({ mode: 'take', actorId: 'agentA', targetId: 'agentA', oversees: false }),
    ).toMatchObject({
      status: 'refused',
      reason: 'target-off-duty',
    })
    await on('agentA')
    await on('agentB')
    const code = one.conversation.code
    const holder = (await state().conversation(one.conversation.id))?.agentId ?? ''
    const other = holder === 'agentA' ? 'agentB' : 'agentA'
    expect(
      await state().move({ mode: 'transfer', actorId: other, code, targetId: other, oversees: false }),
    ).toMatchObject({ status: 'refused', reason: 'not-yours' })
    const moved = await state().move({
      mode: 'transfer',
      actorId: holder,
      code,
      targetId: other,
      oversees: false,
    })
    expect(moved).toMatchObject({ status: 'moved', from: holder })
    expect(
      await state().move({ mode: 'assign', actorId: 'boss', code, targetId: 'nobody', oversees: true }),
    ).toMatchObject({ status: 'refused', reason: 'target-off-duty' })
    expect(
      await state().move({ mode: 'take', actorId: 'agentA', targetId: 'agentA', oversees: false }),
    ).toMatchObject({
      status: 'refused',
      reason: 'queue-empty',
    })
  })

  it('/take takes the oldest queued conversation, and refuses one already assigned', async () => {
    await on('agentA', 1)
    await customerSays('c1', 'a', 1)
    const second = await customerSays('c2', 'b', 2)
    await customerSays('c3', 'c', 3)
    await on('agentB', 0)
    const taken = await state().move({ mode: 'take', actorId: 'agentB', targetId: 'agentB', oversees: false })
    expect(taken).toMatchObject({
      status: 'moved',
      conversation: { id: second.conversation.id, agentId: 'agentB' },
    })
    expect(taken.status === 'moved' && taken.from).toBeUndefined()
    expect(
      await state().move({
        mode: 'take',
        actorId: 'agentB',
        code: 'A1',
        targetId: 'agentB',
        oversees: false,
      }),
    ).toMatchObject({ status: 'refused', reason: 'not-queued' })
    expect(
      await state().move({
        mode: 'take',
        actorId: 'agentB',
        code: 'A2',
        targetId: 'agentB',
        oversees: false,
      }),
    ).toMatchObject({ status: 'refused', reason: 'same-agent' })
  })

  it('refuses a target who is away or already holds it, and an unknown code', async () => {
    await on('agentA')
    await on('agentB')
    await customerSays('c1', 'a')
    const holder = (await state().conversationByCode('A1'))?.agentId ?? ''
    const other = holder === 'agentA' ? 'agentB' : 'agentA'
    await state().goAway({ agentId: other, until: 10_000, reason: 'lunch' })
    expect(
      await state().move({ mode: 'assign', actorId: 'boss', code: 'A1', targetId: other, oversees: true }),
    ).toEqual({ status: 'refused', reason: 'target-away', targetId: other })
    expect(
      await state().move({ mode: 'assign', actorId: 'boss', code: 'A1', targetId: holder, oversees: true }),
    ).toMatchObject({ status: 'refused', reason: 'same-agent' })
    expect(
      await state().move({ mode: 'assign', actorId: 'boss', code: 'B7', targetId: holder, oversees: true }),
    ).toEqual({ status: 'refused', reason: 'unknown-code', code: 'B7' })
  })

  it('hands the queue on to the agent a move left with room', async () => {
    await on('agentA', 1)
    await customerSays('c1', 'a', 1)
    const queued = await customerSays('c2', 'b', 2)
    await on('agentB', 1)
    expect((await state().conversation(queued.conversation.id))?.agentId).toBe('agentB')
    await customerSays('c3', 'c', 3)
    // A supervisor may give an agent more than their cap; the one it came from takes the queue.
    const moved = await state().move({
      mode: 'assign',
      actorId: 'boss',
      code: 'A1',
      targetId: 'agentB',
      oversees: true,
    })
    expect(moved).toMatchObject({ status: 'moved', from: 'agentA' })
    expect(
      moved.status === 'moved' && moved.assigned.map((a) => [a.conversation.customerId, a.agentId]),
    ).toEqual([['c3', 'agentA']])
  })
})
