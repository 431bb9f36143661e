import { describe, expect, it } from 'vitest'
import { liveStateFixture } from './fixture.js'

const { redis, keys, state, groupSays, customerSays, reply, on } = liveStateFixture('group-held-reply')

const kept = { roomId: 'room1', code: 'G1', text: 'bad words', phrase: 'bad' }
const take = (messageId: string, staffId = 'agentA') => state().takeHeldGroupReply({ messageId, staffId })
const heldFor = async (staffId: string) => {
  const value = await redis.get(keys().heldReply(staffId))
  return value === null ? null : JSON.parse(value)
}

describe('hold-group-reply and take-held-group-reply', () => {
  it('keeps a relay for its author, and /force takes it once; the same /force again gets it again', async () => {
    await groupSays('room1', 'c1', 'a', 1000)
    const room = await state().holdGroupReply({ messageId: 'relay', staffId: 'agentA', held: kept })
    expect(room).toMatchObject({ id: 'room1', code: 'G1', rev: 2 })
    expect(await heldFor('agentA')).toEqual(kept)
    // The relay delivered twice changes nothing.
    expect(await state().holdGroupReply({ messageId: 'relay', staffId: 'agentA', held: kept })).toEqual(room)
    expect((await state().room('room1'))?.rev).toBe(2)

    expect(await take('force1')).toEqual({ status: 'taken', replayed: false, held: kept })
    expect(await heldFor('agentA')).toBeNull()
    expect(await take('force2')).toEqual({ status: 'none', replayed: false })
    expect(await take('force1')).toEqual({ status: 'taken', replayed: true, held: kept })
    // Another staff member's kept reply is theirs.
    await state().holdGroupReply({ messageId: 'relay-b', staffId: 'agentB', held: kept })
    expect(await take('force3')).toMatchObject({ status: 'none' })
    expect(await take('force4', 'agentB')).toMatchObject({ status: 'taken', held: kept })
  })

  it('leaves a reply kept for a 1:1 conversation to reply-1.lua', async () => {
    await on('agentA')
    const one = await customerSays('c1', 'a', 100)
    const hold = { text: 'bad words', phrase: 'bad' }
    expect(await reply({ staffId: 'agentA', oversees: false, at: 200, hold })).toMatchObject({
      status: 'held',
    })
    expect(await take('force1')).toEqual({ status: 'none', replayed: false })
    expect(await heldFor('agentA')).toMatchObject({ ...hold, conversationId: one.conversation.id })
    expect(await reply({ staffId: 'agentA', oversees: false, at: 300, force: true })).toMatchObject({
      status: 'answered',
      forced: hold,
    })
  })

  it('reply-1.lua refuses /force of a reply kept for a room and leaves it', async () => {
    await on('agentA')
    await customerSays('c1', 'a', 100)
    await groupSays('room1', 'c2', 'b', 150)
    await state().holdGroupReply({ messageId: 'relay', staffId: 'agentA', held: kept })
    expect(await reply({ staffId: 'agentA', oversees: false, at: 300, force: true })).toMatchObject({
      status: 'refused',
      reason: 'nothing-held',
    })
    expect(await heldFor('agentA')).toEqual(kept)
    // A 1:1 answer sent meanwhile was not its correction: the room's reply stays kept.
    expect(await reply({ staffId: 'agentA', oversees: false, at: 400 })).toMatchObject({ status: 'answered' })
    expect(await heldFor('agentA')).toEqual(kept)
    expect(await take('force1')).toMatchObject({ status: 'taken', held: kept })
  })

  it('keeps one reply per staff member, 1:1 or group: the newest wins', async () => {
    await on('agentA')
    await customerSays('c1', 'a', 100)
    await groupSays('room1', 'c2', 'b', 150)
    await reply({ staffId: 'agentA', oversees: false, at: 200, hold: { text: 'bad 1:1', phrase: 'bad' } })
    await state().holdGroupReply({ messageId: 'relay', staffId: 'agentA', held: kept })
    expect(await heldFor('agentA')).toEqual(kept)
    await reply({ staffId: 'agentA', oversees: false, at: 300, hold: { text: 'bad again', phrase: 'bad' } })
    expect(await take('force1')).toMatchObject({ status: 'none' })
    expect(await reply({ staffId: 'agentA', oversees: false, at: 400, force: true })).toMatchObject({
      status: 'answered',
      forced: { text: 'bad again', phrase: 'bad' },
    })
  })
})
