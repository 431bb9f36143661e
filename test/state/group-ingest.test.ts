import { describe, expect, it } from 'vitest'
import { bindScripts, loadScripts } from '../../src/state/script-loader.js'
import { liveStateFixture } from './fixture.js'

const { redis, keys, state, groupSays, customerSays } = liveStateFixture('group-ingest')

describe('group-ingest', () => {
  it('makes a room known with a code it keeps, G1 then G2, and follows its topic', async () => {
    const first = await groupSays('room1', 'c1', 'hi', 1000, { topic: 'Shop' })
    expect(first.room).toMatchObject({ id: 'room1', code: 'G1', topic: 'Shop', rev: 1 })
    const second = await groupSays('room2', 'c2', 'hi', 1100)
    expect(second.room.code).toBe('G2')
    const renamed = await groupSays('room1', 'c3', 'hi', 1200, { topic: 'Shop (new)' })
    expect(renamed.room).toMatchObject({ code: 'G1', topic: 'Shop (new)', rev: 2 })
    expect((await state().roomByCode('G1'))?.id).toBe('room1')
    expect((await state().roomByCode('G2'))?.id).toBe('room2')
    expect((await state().rooms()).map((room) => room.code)).toEqual(['G1', 'G2'])
    expect(await redis.get(keys().groupCodeSequence)).toBe('2')
  })

  it('starts a waiting period at the first message, which later ones join', async () => {
    const first = await groupSays('room1', 'c1', 'where is my parcel', 1000, {
      deadlines: [5000, 9000],
      overdueAt: 5000,
    })
    expect(first).toMatchObject({ status: 'taken', replayed: false, clockStarted: true, clockVersion: 1 })
    expect(first.wait).toEqual({
      roomId: 'room1',
      customerId: 'c1',
      customerName: 'name-c1',
      since: 1000,
      version: 1,
      ladderStep: 0,
      deadlines: [5000, 9000],
      count: 1,
      lastText: 'where is my parcel',
      lastAt: 1000,
    })
    expect(first.room).toMatchObject({
      lastCustomerId: 'c1',
      lastCustomerName: 'name-c1',
      lastCustomerAt: 1000,
    })
    expect(await state().roomsWaiting()).toEqual(['room1'])

    // The second message's own deadlines are ignored: the first one fixed them.
    const second = await groupSays('room1', 'c1', 'hello?', 3000, {
      deadlines: [7000, 11000],
      overdueAt: 7000,
    })
    expect(second.clockStarted).toBe(false)
    expect(second.clockVersion).toBeUndefined()
    expect(second.wait).toMatchObject({
      since: 1000,
      version: 1,
      deadlines: [5000, 9000],
      count: 2,
      lastText: 'hello?',
      lastAt: 3000,
    })
    const waits = await state().groupWaits('room1')
    expect(waits).toHaveLength(1)
    expect(waits[0]).toMatchObject({ customerId: 'c1', count: 2 })
  })

  it('an exempt message starts nothing but notes the room’s last customer', async () => {
    const thanks = await groupSays('room1', 'c1', '谢谢', 1000, { waits: false, customerName: '张三' })
    expect(thanks).toMatchObject({ clockStarted: false, replayed: false })
    expect(thanks.wait).toBeUndefined()
    expect(thanks.clockVersion).toBeUndefined()
    expect(thanks.room).toMatchObject({ code: 'G1', lastCustomerId: 'c1', lastCustomerName: '张三' })
    expect(await state().groupWaits('room1')).toEqual([])
    expect(await state().roomsWaiting()).toEqual([])

    // While a period runs, an exempt message neither joins it nor changes its count.
    await groupSays('room1', 'c2', 'help', 2000)
    const sticker = await groupSays('room1', 'c2', '[sticker]', 2500, { waits: false })
    expect(sticker.wait).toMatchObject({ customerId: 'c2', count: 1, lastText: 'help' })
    expect(sticker.room).toMatchObject({ lastCustomerId: 'c2', lastCustomerAt: 2500 })
  })

  it('replays a message it has seen: the same outcome, marked replayed, and nothing changes', async () => {
    const first = await groupSays('room1', 'c1', 'hi', 1000, { messageId: 'same' })
    const again = await groupSays('room1', 'c1', 'hi', 1000, { messageId: 'same' })
    expect(again).toEqual({ ...first, replayed: true })
    expect((await state().groupWaits('room1'))[0]?.count).toBe(1)
    expect((await state().room('room1'))?.rev).toBe(1)
    expect(await redis.get(keys().groupCodeSequence)).toBe('1')
    // A later message replayed after the waiting period moved on still gives what it gave then.
    const later = await groupSays('room1', 'c1', 'more', 2000, { messageId: 'later' })
    await groupSays('room1', 'c1', 'and more', 3000)
    expect(await groupSays('room1', 'c1', 'more', 2000, { messageId: 'later' })).toEqual({
      ...later,
      replayed: true,
    })
    expect((await state().groupWaits('room1'))[0]?.count).toBe(3)
  })

  it('two customers in one room wait separately, each with a version of the room’s clock', async () => {
    const one = await groupSays('room1', 'c1', 'a', 1000)
    const two = await groupSays('room1', 'c2', 'b', 1500)
    expect(one.clockVersion).toBe(1)
    expect(two.clockVersion).toBe(2)
    expect(two.wait).toMatchObject({ customerId: 'c2', since: 1500, count: 1, deadlines: [2500, 3500] })
    await groupSays('room1', 'c1', 'a again', 1800)
    const waits = await state().groupWaits('room1')
    expect(waits.map((wait) => [wait.customerId, wait.count, wait.since])).toEqual([
      ['c1', 2, 1000],
      ['c2', 1, 1500],
    ])
    // Each room numbers its own waiting periods.
    expect((await groupSays('room2', 'c1', 'x', 2000)).clockVersion).toBe(1)
    expect((await state().roomsWaiting()).sort()).toEqual(['room1', 'room2'])
  })

  it('keeps messages one by one up to the cap (ARGV[13]) and counts past it', async () => {
    const { 'group-ingest': ingest } = bindScripts(redis, keys(), loadScripts(), ['group-ingest'])
    const send = async (messageId: string, at: number) =>
      JSON.parse(
        await ingest(
          messageId,
          'room1',
          'Shop',
          'c1',
          'Zhang',
          'text',
          at,
          '1',
          '5000,9000',
          at + 4000,
          60,
          2,
        ),
      )
    for (const [n, at] of [1000, 2000, 3000].entries()) await send(`m${n}`, at)
    const wait = await redis.hgetall(keys().groupWait('room1', 'c1'))
    expect(wait.count).toBe('3')
    expect(JSON.parse(wait.messages ?? '')).toEqual([
      ['m0', 1000, 5000],
      ['m1', 2000, 6000],
    ])
    // An answer reports the messages kept.
    const answer = await state().groupAnswer({
      messageId: 'staff',
      roomId: 'room1',
      topic: '',
      at: 10_000,
      target: { all: true },
    })
    expect(answer.ended[0]?.responsesMs).toEqual([9000, 8000])
  })

  it('conversation codes skip G, which is for rooms: F999 is followed by H1, F9999 by H1000', async () => {
    const codesFrom = async (sequence: number, count: number, tag: string) => {
      await redis.set(keys().codeSequence, String(sequence))
      const codes: string[] = []
      for (let n = 0; n < count; n++)
        codes.push((await customerSays(`${tag}${n}`, 'hi', 1000)).conversation.code)
      return codes
    }
    // The short codes around F999, then the long ones around F9999 (after Z999 come A1000…).
    const short = await codesFrom(6 * 999 - 3, 6, 's')
    expect(short).toEqual(['F997', 'F998', 'F999', 'H1', 'H2', 'H3'])
    const long = await codesFrom(23 * 999 + 6 * 9000 - 2, 4, 'l')
    expect(long).toEqual(['F9998', 'F9999', 'H1000', 'H1001'])
  })
})
