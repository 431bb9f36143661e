import { describe, expect, it } from 'vitest'
import { liveStateFixture } from './fixture.js'

const { redis, keys, state, groupSays } = liveStateFixture('group-fire-step')

const fire = (customerId: string, version: number, step: number, at: number, countsAsOverdue = step === 0) =>
  state().fireGroupStep({ roomId: 'room1', customerId, version, step, countsAsOverdue, at })

const answerAll = (at: number, messageId = `staff-${at}`) =>
  state().groupAnswer({ messageId, roomId: 'room1', topic: '', at, target: { all: true } })

describe('group-fire-step', () => {
  it('is early before its deadline, fires at it (taking the step), and replays when run again', async () => {
    const one = await groupSays('room1', 'c1', 'a', 1000)
    const version = one.clockVersion ?? 0
    expect(await fire('c1', version, 0, 1999)).toEqual({ status: 'early', dueAt: 2000 })
    const fired = await fire('c1', version, 0, 2000)
    expect(fired).toMatchObject({
      status: 'fired',
      replayed: false,
      overdueMessages: 1,
      room: { id: 'room1', code: 'G1', rev: 2 },
      wait: { customerId: 'c1', version, ladderStep: 1, since: 1000 },
    })
    expect((await state().groupWaits('room1'))[0]?.ladderStep).toBe(1)
    // The same timer again (its process died before it finished): the same firing, nothing counted twice.
    const again = await fire('c1', version, 0, 2500)
    expect(again).toEqual({ ...fired, replayed: true })
    expect(await redis.hget(keys().groupWait('room1', 'c1'), 'counted')).toBe('1')
    expect((await state().room('room1'))?.rev).toBe(2)
  })

  it('takes the steps in turn; a step not next, or past the ladder, is stale', async () => {
    const one = await groupSays('room1', 'c1', 'a', 1000)
    const version = one.clockVersion ?? 0
    expect(await fire('c1', version, 1, 5000)).toEqual({ status: 'stale' })
    expect(await fire('c1', version, 0, 5000)).toMatchObject({ status: 'fired', wait: { ladderStep: 1 } })
    const second = await fire('c1', version, 1, 5000)
    // Only the step that counts as overdue counts messages.
    expect(second).toMatchObject({ status: 'fired', overdueMessages: 0, wait: { ladderStep: 2 } })
    expect(await fire('c1', version, 2, 5000)).toEqual({ status: 'stale' })
    expect(await fire('c1', version + 1, 0, 5000)).toEqual({ status: 'stale' })
    expect(await fire('nobody', version, 0, 5000)).toEqual({ status: 'stale' })
  })

  it('is stale once the waiting period was answered, and for the one before a new period', async () => {
    const one = await groupSays('room1', 'c1', 'a', 1000)
    const old = one.clockVersion ?? 0
    await answerAll(1500)
    expect(await fire('c1', old, 0, 2000)).toEqual({ status: 'stale' })
    // The customer writes again: a new period with a higher version, the old timer still stale.
    const two = await groupSays('room1', 'c1', 'b', 3000)
    expect(two.clockVersion).toBeGreaterThan(old)
    expect(await fire('c1', old, 0, 4000)).toEqual({ status: 'stale' })
    expect(await fire('c1', two.clockVersion ?? 0, 0, 4000)).toMatchObject({
      status: 'fired',
      wait: { version: two.clockVersion, since: 3000 },
    })
  })

  it('waits while a staff message received before the deadline is being handled', async () => {
    const one = await groupSays('room1', 'c1', 'a', 1000)
    const version = one.clockVersion ?? 0
    await state().staffMessageReceived('staff-msg', 1900)
    expect(await fire('c1', version, 0, 2001)).toEqual({ status: 'wait' })
    expect((await state().groupWaits('room1'))[0]?.ladderStep).toBe(0)
    // The message was the answer: handled, the timer is stale.
    await answerAll(1900, 'staff-msg')
    await state().staffMessageHandled('staff-msg')
    expect(await fire('c1', version, 0, 2002)).toEqual({ status: 'stale' })
  })

  it('is not held back by a staff message after the deadline, nor by one older than the horizon', async () => {
    const one = await groupSays('room1', 'c1', 'a', 1000)
    const version = one.clockVersion ?? 0
    await state().staffMessageReceived('after-deadline', 2100)
    expect((await fire('c1', version, 0, 2200)).status).toBe('fired')

    const two = await groupSays('room2', 'c2', 'b', 100_000)
    await state().staffMessageReceived('stuck', 100_500)
    const input = { roomId: 'room2', customerId: 'c2', version: two.clockVersion ?? 0, step: 0 }
    expect(await state().fireGroupStep({ ...input, countsAsOverdue: true, at: 101_000 })).toEqual({
      status: 'wait',
    })
    // Thirty seconds on, the stuck message no longer holds the timer (its job is retried).
    expect((await state().fireGroupStep({ ...input, countsAsOverdue: true, at: 131_000 })).status).toBe(
      'fired',
    )
    expect(await redis.zscore(keys().staffInFlight, 'stuck')).toBeNull()
  })
})
