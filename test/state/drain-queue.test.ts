import { describe, expect, it } from 'vitest'
import { liveStateFixture } from './fixture.js'

const { redis, keys, state, customerSays, on } = liveStateFixture('drain-queue')

describe('drain-queue', () => {
  it('after an upgrade from state without the routing index, start-up rebuilds it and hands out the queue', async () => {
    await on('agentA')
    await on('agentB')
    await customerSays('c1', 'hi', 1)
    await redis.del(keys().available)
    const meanwhile = await customerSays('c2', 'hi', 2)
    expect(meanwhile.assigned).toEqual([])
    const drained = await state().drainQueue()
    // A holds c1, so the queued c2 goes to B; then both hold one and A, assigned longest ago, gets c3.
    expect(drained.map((x) => [x.conversation.customerId, x.agentId])).toEqual([['c2', 'agentB']])
    expect((await customerSays('c3', 'hi', 3)).assigned[0]?.agentId).toBe('agentA')
    expect((await state().loads(['agentA', 'agentB'])).map((load) => load.open)).toEqual([2, 1])
  })

  it('passes over a conversation nobody skilled can take, and leaves out away agents', async () => {
    await customerSays('c1', 'bill', 1, undefined, { category: { id: 'billing' } })
    await customerSays('c2', 'hi', 2)
    await customerSays('c3', 'hi', 3)
    await on('agentA', 1, ['consult'])
    await on('agentB', 1)
    await state().goAway({ agentId: 'agentB', until: 100, reason: '' })
    await redis.del(keys().available)
    await redis.zadd(keys().available, '0', 'ghost')
    expect(await state().drainQueue()).toEqual([])
    expect(await redis.zrange(keys().available, 0, '-1')).toEqual(['agentA'])
    await on('agentB', 2)
    expect(await state().queued()).toEqual([])
  })
})
