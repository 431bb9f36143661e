import { describe, expect, it } from 'vitest'
import { liveStateFixture } from './fixture.js'

const { state, customerSays } = liveStateFixture('day-end')

describe('day-end', () => {
  it('a day end counts each conversation open before it once, and records the day even when none is open', async () => {
    await state().dayEnded('2026-11-24', 500)
    expect(await state().lastDayEnded()).toBe('2026-11-24')
    const early = await customerSays('c1', 'hi', 100)
    await customerSays('c2', 'later', 900)
    const first = await state().dayEnded('2026-11-25', 500)
    expect(first.map((c) => [c.id, c.daysUnresolved])).toEqual([[early.conversation.id, 1]])
    const again = await state().dayEnded('2026-11-25', 500)
    expect(again.map((c) => c.daysUnresolved)).toEqual([1])
    expect(await state().lastDayEnded()).toBe('2026-11-25')
  })

  it('counts every open conversation however many batches it takes, and no closed one', async () => {
    for (let k = 0; k < 450; k++) await customerSays(`c${k}`, 'hi', k)
    await state().close({ staffId: 'boss', code: 'A1', oversees: true, at: 1000, surveyFor: 0 })
    const counted = await state().dayEnded('2026-11-25', 2000)
    expect(counted).toHaveLength(449)
    expect(new Set(counted.map((c) => c.daysUnresolved))).toEqual(new Set([1]))
    const next = await state().dayEnded('2026-11-26', 3000)
    expect(new Set(next.map((c) => c.daysUnresolved))).toEqual(new Set([2]))
  })
})
