import { describe, expect, it } from 'vitest'
import { liveStateFixture } from './fixture.js'

const { state, customerSays, on } = liveStateFixture('queue-places')

describe('queue-places', () => {
  it('tells a waiting customer their place as it halves, and when they are next, once each', async () => {
    for (let k = 1; k <= 8; k++) await customerSays(`c${k}`, 'hi', k)
    expect((await state().conversationOfCustomer('c8'))?.toldPosition).toBe(8)
    const places = async () =>
      (await state().queuePlaces(2)).map((p) => [p.conversation.customerId, p.position])
    expect(await places()).toEqual([])
    await on('agentA', 3)
    // Three places up: c4 is next in line, c5 and c6 have come half way, c7 and c8 not yet.
    expect(await places()).toEqual([
      ['c4', 1],
      ['c5', 2],
      ['c6', 3],
    ])
    await on('agentB', 2)
    expect(await places()).toEqual([
      ['c6', 1],
      ['c7', 2],
      ['c8', 3],
    ])
    expect(await places()).toEqual([])
  })
})
