import { describe, expect, it } from 'vitest'
import type { GroupAnswerTarget } from '../../src/domain/group-messages.js'
import { liveStateFixture } from './fixture.js'

const { state, groupSays } = liveStateFixture('group-answer')

let n = 0
const answer = (at: number, target: GroupAnswerTarget = { all: true }, messageId = `staff${++n}`) =>
  state().groupAnswer({ messageId, roomId: 'room1', topic: '', at, target })

describe('group-answer', () => {
  it('an answer to all ends every waiting period in the room, with how long each message waited', async () => {
    await groupSays('room1', 'c1', 'a', 1000)
    await groupSays('room1', 'c2', 'b', 1200)
    await groupSays('room1', 'c1', 'a again', 1500)
    await groupSays('room2', 'c1', 'elsewhere', 1100)
    const answered = await answer(1800)
    expect(answered).toMatchObject({
      status: 'answered',
      replayed: false,
      room: { id: 'room1', lastStaffAt: 1800 },
    })
    expect(answered.ended).toEqual([
      {
        customerId: 'c1',
        customerName: 'name-c1',
        since: 1000,
        version: 1,
        ladderStep: 0,
        responsesMs: [800, 300],
        lateSteps: [],
        overdueMessages: 0,
        lastText: 'a again',
      },
      {
        customerId: 'c2',
        customerName: 'name-c2',
        since: 1200,
        version: 2,
        ladderStep: 0,
        responsesMs: [600],
        lateSteps: [],
        overdueMessages: 0,
        lastText: 'b',
      },
    ])
    expect(await state().groupWaits('room1')).toEqual([])
    // The other room's customer still waits.
    expect(await state().roomsWaiting()).toEqual(['room2'])
    expect(await state().groupWaits('room2')).toHaveLength(1)
  })

  it('an answer that mentions customers ends only theirs, named by id or by name', async () => {
    await groupSays('room1', 'c1', 'a', 1000)
    await groupSays('room1', 'c2', 'b', 1000, { customerName: '张三' })
    await groupSays('room1', 'c3', 'c', 1000)
    const byId = await answer(1100, { all: false, customerIds: ['c1'], names: [] })
    expect(byId.ended.map((ended) => ended.customerId)).toEqual(['c1'])
    const byName = await answer(1200, { all: false, customerIds: [], names: ['张三', 'nobody'] })
    expect(byName.ended.map((ended) => ended.customerId)).toEqual(['c2'])
    expect((await state().groupWaits('room1')).map((wait) => wait.customerId)).toEqual(['c3'])
    expect(await state().roomsWaiting()).toEqual(['room1'])
    // Naming nobody who waits ends nothing.
    const none = await answer(1300, { all: false, customerIds: ['c1'], names: [] })
    expect(none.ended).toEqual([])
    expect(await state().roomsWaiting()).toEqual(['room1'])
    const last = await answer(1400, { all: false, customerIds: ['c3'], names: [] })
    expect(last.ended.map((ended) => ended.customerId)).toEqual(['c3'])
    expect(await state().roomsWaiting()).toEqual([])
  })

  it('leaves a waiting period that began after the answer arrived (taken first on another partition)', async () => {
    await groupSays('room1', 'c1', 'before', 1000)
    await groupSays('room1', 'c2', 'after the answer', 2500)
    await groupSays('room1', 'c1', 'also after', 2600)
    const answered = await answer(2000)
    expect(answered.ended.map((ended) => [ended.customerId, ended.responsesMs])).toEqual([['c1', [1000, 0]]])
    expect((await state().groupWaits('room1')).map((wait) => wait.customerId)).toEqual(['c2'])
  })

  it('returns the steps that fell due before the answer and were not taken, as late', async () => {
    await groupSays('room1', 'c1', 'a', 1000, { deadlines: [2000, 3000, 4000] })
    const [ended] = (await answer(3000)).ended
    expect(ended?.lateSteps).toEqual([0, 1])
    // A step its timer took is not late.
    await groupSays('room1', 'c2', 'b', 10_000, { deadlines: [11_000, 12_000] })
    const version = (await state().groupWaits('room1'))[0]?.version ?? 0
    const fired = await state().fireGroupStep({
      roomId: 'room1',
      customerId: 'c2',
      version,
      step: 0,
      countsAsOverdue: false,
      at: 11_000,
    })
    expect(fired.status).toBe('fired')
    expect((await answer(12_500)).ended[0]).toMatchObject({ ladderStep: 1, lateSteps: [1] })
  })

  it('counts the messages whose own overdue time passed, less those the overdue step counted', async () => {
    await groupSays('room1', 'c1', 'first', 1000, { overdueAt: 2000 })
    await groupSays('room1', 'c1', 'second', 1500, { overdueAt: 2500 })
    await groupSays('room1', 'c1', 'third', 1900, { overdueAt: 2900 })
    expect((await answer(2500)).ended[0]?.overdueMessages).toBe(2)

    await groupSays('room1', 'c1', 'first', 5000, { overdueAt: 6000, deadlines: [6000, 7000] })
    await groupSays('room1', 'c1', 'second', 5500, { overdueAt: 6500 })
    await groupSays('room1', 'c1', 'third', 5900, { overdueAt: 6900 })
    const version = (await state().groupWaits('room1'))[0]?.version ?? 0
    const fired = await state().fireGroupStep({
      roomId: 'room1',
      customerId: 'c1',
      version,
      step: 0,
      countsAsOverdue: true,
      at: 6000,
    })
    expect(fired).toMatchObject({ status: 'fired', overdueMessages: 1 })
    // The first was counted by the step; the second is overdue by now; the third is not yet.
    const [ended] = (await answer(6600)).ended
    expect(ended).toMatchObject({ overdueMessages: 1, lateSteps: [], responsesMs: [1600, 1100, 700] })
  })

  it('no double count: every message counted by the overdue step, none again at the answer', async () => {
    await groupSays('room1', 'c1', 'a', 1000, { overdueAt: 2000, deadlines: [2000, 3000] })
    await groupSays('room1', 'c1', 'b', 1100, { overdueAt: 2000 })
    const version = (await state().groupWaits('room1'))[0]?.version ?? 0
    const input = { roomId: 'room1', customerId: 'c1', version, step: 0, countsAsOverdue: true, at: 2000 }
    expect(await state().fireGroupStep(input)).toMatchObject({ status: 'fired', overdueMessages: 2 })
    expect(await state().fireGroupStep(input)).toMatchObject({ replayed: true, overdueMessages: 2 })
    expect((await answer(5000)).ended[0]).toMatchObject({ overdueMessages: 0, lateSteps: [1] })
  })

  it('keeps epoch times exact through the kept messages', async () => {
    const at = Date.UTC(2025, 5, 1, 9, 30, 0, 123)
    await groupSays('room1', 'c1', 'a', at, {
      overdueAt: at + 600_000,
      deadlines: [at + 480_000, at + 600_000],
    })
    await groupSays('room1', 'c1', 'b', at + 1, { overdueAt: at + 600_002 })
    const [ended] = (await answer(at + 600_001)).ended
    expect(ended).toMatchObject({
      since: at,
      responsesMs: [600_001, 600_000],
      overdueMessages: 1,
      lateSteps: [0, 1],
    })
  })

  it('replays an answer seen before: the same outcome, and a later waiting period is not ended', async () => {
    await groupSays('room1', 'c1', 'a', 1000)
    const first = await answer(1500, { all: true }, 'once')
    expect(first.ended).toHaveLength(1)
    const later = await groupSays('room1', 'c1', 'again', 2000)
    expect(later).toMatchObject({ clockStarted: true, clockVersion: 2 })
    const again = await answer(2500, { all: true }, 'once')
    expect(again).toEqual({ ...first, replayed: true })
    const waits = await state().groupWaits('room1')
    expect(waits).toHaveLength(1)
    expect(waits[0]).toMatchObject({ customerId: 'c1', version: 2, since: 2000 })
    expect(await state().roomsWaiting()).toEqual(['room1'])
    expect((await state().room('room1'))?.lastStaffAt).toBe(1500)
  })
})
