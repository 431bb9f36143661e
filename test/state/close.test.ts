import { describe, expect, it } from 'vitest'
import { liveStateFixture } from './fixture.js'

const { redis, keys, state, customerSays, on } = liveStateFixture('close')

describe('close', () => {
  it('closing frees the code, the customer and the agent, and pulls the next queued conversation', async () => {
    await on('agentA', 1)
    const one = await customerSays('c1', 'a')
    const two = await customerSays('c2', 'b')
    expect(two.queuePosition).toBe(1)
    const closed = await state().close({
      staffId: 'agentA',
      code: one.conversation.code,
      oversees: false,
      at: 9,
      surveyFor: 0,
    })
    expect(closed.status === 'closed' && closed.assigned.map((a) => a.conversation.id)).toEqual([
      two.conversation.id,
    ])
    expect(await state().conversationByCode(one.conversation.code)).toBeNull()
    const again = await customerSays('c1', 'new question')
    expect(again.created).toBe(true)
    expect(again.conversation.id).not.toBe(one.conversation.id)
  })

  it('says what the stopped clock was, keeps the closed conversation a week, and opens the survey', async () => {
    await on('agentA')
    const one = await customerSays('c1', 'a', 1000)
    const closed = await state().close({
      staffId: 'agentA',
      code: 'A1',
      oversees: false,
      at: 1500,
      surveyFor: 60_000,
    })
    expect(closed).toMatchObject({
      status: 'closed',
      conversation: { id: one.conversation.id, status: 'closed', closedAt: 1500, waitingSince: 0 },
      wasWaiting: true,
      waitingSince: 1000,
      previousVersion: 1,
      previousStep: 0,
    })
    const key = keys().conversation(one.conversation.id)
    expect(await redis.ttl(key)).toBeGreaterThan(6 * 24 * 3600)
    expect(await redis.get(keys().survey('c1'))).toBe(one.conversation.id)
    expect(await redis.ttl(keys().survey('c1'))).toBe(60)
    expect(await state().openConversationIds()).toEqual([])
    expect((await state().loads(['agentA']))[0]?.open).toBe(0)
  })

  it('refuses an unknown code, and an agent closing a colleague’s conversation, changing nothing', async () => {
    await on('agentA')
    const one = await customerSays('c1', 'a')
    expect(
      await state().close({ staffId: 'agentA', code: 'Z9', oversees: false, at: 5, surveyFor: 0 }),
    ).toEqual({
      status: 'refused',
      reason: 'unknown-code',
      code: 'Z9',
    })
    const refused = await state().close({
      staffId: 'agentB',
      code: 'A1',
      oversees: false,
      at: 5,
      surveyFor: 0,
    })
    expect(refused).toMatchObject({
      status: 'refused',
      reason: 'not-yours',
      conversation: { id: one.conversation.id },
    })
    expect(await state().conversation(one.conversation.id)).toMatchObject({
      status: 'assigned',
      agentId: 'agentA',
    })
  })
})
