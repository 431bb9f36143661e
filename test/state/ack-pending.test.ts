import { describe, expect, it } from 'vitest'
import { liveStateFixture } from './fixture.js'

const { state, customerSays } = liveStateFixture('ack-pending')

describe('ack-pending', () => {
  it('forgets pending messages up to and including the one acknowledged, and an unknown one drops none', async () => {
    const one = await customerSays('c1', 'a', 1, 'p1')
    await customerSays('c1', 'b', 2, 'p2')
    await customerSays('c1', 'c', 3, 'p3')
    const id = one.conversation.id
    await state().ackPending(id, 'p2')
    expect((await state().pending(id)).map((p) => p.id)).toEqual(['p3'])
    await state().ackPending(id, 'p2')
    await state().ackPending(id, 'unknown')
    expect((await state().pending(id)).map((p) => p.text)).toEqual(['c'])
    await state().ackPending(id, 'p3')
    expect(await state().pending(id)).toEqual([])
  })
})
