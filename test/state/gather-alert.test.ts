import { describe, expect, it } from 'vitest'
import { liveStateFixture } from './fixture.js'

const { state } = liveStateFixture('gather-alert')

const alert = (id: string) => ({ id, text: `alert ${id}`, line: id })

describe('gather-alert', () => {
  it('arms a new digest once, gathers the alerts that follow into it, and an alert only once', async () => {
    const first = await state().gatherAlert('boss', alert('a1'), 1000, 60_000)
    expect(first).toBeGreaterThan(0)
    expect(await state().pendingDigest('boss')).toBe(first)
    expect(await state().gatherAlert('boss', alert('a2'), 2000, 60_000)).toBe(0)
    // The same alert again (its cause handled twice) adds nothing, but arms the digest again.
    expect(await state().gatherAlert('boss', alert('a1'), 3000, 60_000)).toBe(first)
    expect((await state().takeAlerts('boss', first)).map((a) => a.id)).toEqual(['a1', 'a2'])
  })

  it('arms again a digest whose timer should have fired long ago', async () => {
    const first = await state().gatherAlert('boss', alert('a1'), 1000, 60_000)
    expect(await state().gatherAlert('boss', alert('a2'), 61_000, 60_000)).toBe(0)
    expect(await state().gatherAlert('boss', alert('a3'), 121_001, 60_000)).toBe(first)
  })

  it('keeps each recipient’s digest apart, and an alert seen before with no digest arms none', async () => {
    const boss = await state().gatherAlert('boss', alert('a1'), 1000, 60_000)
    const other = await state().gatherAlert('lead:1', alert('a2'), 1000, 60_000)
    expect(other).toBe(boss + 1)
    await state().takeAlerts('boss', boss)
    expect(await state().gatherAlert('boss', alert('a1'), 2000, 60_000)).toBe(0)
    expect(await state().pendingDigest('boss')).toBeUndefined()
    expect(await state().pendingDigest('lead:1')).toBe(other)
  })
})
