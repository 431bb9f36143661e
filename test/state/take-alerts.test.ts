import { describe, expect, it } from 'vitest'
import { liveStateFixture } from './fixture.js'

const { state } = liveStateFixture('take-alerts')

const alert = (id: string) => ({ id, text: `alert ${id}：超时`, line: `${id} 超时` })

describe('take-alerts', () => {
  it('takes the gathered alerts, the same again until sent, and later alerts start a new digest', async () => {
    const flush = await state().gatherAlert('boss:1', alert('a1'), 1000, 60_000)
    await state().gatherAlert('boss:1', alert('a2'), 1000, 60_000)
    const taken = await state().takeAlerts('boss:1', flush)
    expect(taken).toEqual([alert('a1'), alert('a2')])
    const next = await state().gatherAlert('boss:1', alert('a3'), 2000, 60_000)
    expect(next).toBeGreaterThan(flush)
    expect(await state().takeAlerts('boss:1', flush)).toEqual(taken)
    await state().alertsSent('boss:1', flush)
    expect(await state().takeAlerts('boss:1', next)).toEqual([alert('a3')])
    await state().alertsSent('boss:1', next)
    expect(await state().takeAlerts('boss:1', next)).toEqual([])
  })

  it('takes nothing for a recipient with nothing gathered, and keeps nothing for it', async () => {
    expect(await state().takeAlerts('nobody', 7)).toEqual([])
    expect(await state().pendingDigest('nobody')).toBeUndefined()
  })
})
