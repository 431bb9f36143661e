import { describe, expect, it } from 'vitest'
import { liveStateFixture } from './fixture.js'

const { redis, state, keys, customerSays, groupSays } = liveStateFixture('forget-customer')

const forget = (mode: 'ask' | 'confirm' | 'now', conversationIds: string[], by = 'manager-1') =>
  state().forgetCustomer({ customerId: 'c1', mode, by, askFor: 300_000, conversationIds })

/** Every key of this test's prefix that names the customer or one of their conversations. */
async function keysAbout(ids: string[]): Promise<string[]> {
  const all = await redis.keys(`${keys().prefix}:*`)
  return all.filter((key) => key.includes('c1') || ids.some((id) => key.includes(id))).sort()
}

describe('forget-customer', () => {
  it('refuses while the customer has an open conversation, naming it, and changes nothing', async () => {
    const { conversation } = await customerSays('c1', '我的电话是13912345678')
    const before = await keysAbout([conversation.id])
    expect(await forget('now', [conversation.id])).toEqual({ status: 'refused', reason: 'open', code: 'A1' })
    expect(await forget('ask', [conversation.id])).toEqual({ status: 'refused', reason: 'open', code: 'A1' })
    expect(await keysAbout([conversation.id])).toEqual(before)
  })

  it('refuses while the customer waits in a watched room, naming it; once answered, forgets them as its last customer', async () => {
    await groupSays('room1', 'c1', '在吗')
    expect(await forget('now', [])).toEqual({ status: 'refused', reason: 'waiting-in-group', code: 'G1' })
    await state().groupAnswer({
      messageId: 's1',
      roomId: 'room1',
      topic: '',
      at: 2000,
      target: { all: true },
    })
    expect((await state().room('room1'))?.lastCustomerId).toBe('c1')
    expect(await forget('now', [])).toEqual({ status: 'erased', keys: 1 })
    expect(await state().room('room1')).toMatchObject({
      code: 'G1',
      lastCustomerId: '',
      lastCustomerName: '',
    })
  })

  it('erases only on the confirmation of the one who asked, and then nothing of the customer is left', async () => {
    const { conversation } = await customerSays('c1', '我的电话是13912345678')
    const other = await customerSays('c2', '你好')
    await state().close({ staffId: 'x', code: 'A1', oversees: true, at: 2000, surveyFor: 60_000 })
    expect(await keysAbout([conversation.id])).not.toEqual([])

    expect(await forget('confirm', [conversation.id])).toEqual({ status: 'unconfirmed' })
    expect(await forget('ask', [conversation.id], 'manager-2')).toEqual({ status: 'asked' })
    expect(await forget('confirm', [conversation.id])).toEqual({ status: 'unconfirmed' })
    expect(await state().conversation(conversation.id)).not.toBeNull()

    // The one who asked last is the one whose confirmation counts.
    expect(await forget('ask', [conversation.id])).toEqual({ status: 'asked' })
    // The hash, the survey and the flood counter: pending messages were already gone at close.
    expect(await forget('confirm', [conversation.id])).toEqual({ status: 'erased', keys: 3 })
    expect(await keysAbout([conversation.id])).toEqual([])
    expect(await forget('confirm', [conversation.id])).toEqual({ status: 'unconfirmed' })
    // Another customer's conversation, even when named, is left alone.
    expect(await forget('now', [other.conversation.id])).toEqual({ status: 'erased', keys: 0 })
    expect(await state().conversation(other.conversation.id)).not.toBeNull()
  })

  it('lets a request lapse after its time', async () => {
    await forget('ask', [])
    await redis.pexpire(keys().eraseAsked('c1'), 1)
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(await forget('confirm', [])).toEqual({ status: 'unconfirmed' })
  })
})
