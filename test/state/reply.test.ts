import { describe, expect, it } from 'vitest'
import { liveStateFixture } from './fixture.js'

const { redis, keys, state, customerSays, reply, on } = liveStateFixture('reply')

describe('reply', () => {
  it('plain replies go to the only conversation, or the focused one while other customers are quiet', async () => {
    await on('agentA')
    const one = await customerSays('c1', 'a', 100)
    const plain = await reply({ staffId: 'agentA', oversees: false, at: 200 })
    expect(plain.status === 'answered' && plain.conversation.id).toBe(one.conversation.id)
    expect(plain.status === 'answered' && plain.wasWaiting).toBe(true)
    const two = await customerSays('c2', 'b', 300)
    expect(await reply({ staffId: 'agentA', oversees: false, at: 400 })).toMatchObject({
      status: 'refused',
      reason: 'ambiguous',
      codes: ['A1', 'A2'],
    })
    const coded = await reply({
      staffId: 'agentA',
      code: two.conversation.code,
      oversees: false,
      at: 500,
    })
    expect(coded.status).toBe('answered')
    const followUp = await reply({ staffId: 'agentA', oversees: false, at: 600 })
    expect(followUp.status === 'answered' && followUp.conversation.id).toBe(two.conversation.id)
    await customerSays('c1', 'again', 700)
    expect(await reply({ staffId: 'agentA', oversees: false, at: 800 })).toMatchObject({
      reason: 'ambiguous',
    })
  })

  it('refuses a reply to a conversation that is not yours or does not exist', async () => {
    await on('agentA')
    await on('agentB')
    const one = await customerSays('c1', 'a')
    const holder = one.assigned[0]?.agentId
    const other = holder === 'agentA' ? 'agentB' : 'agentA'
    expect(
      await reply({ staffId: other, code: one.conversation.code, oversees: false, at: 5 }),
    ).toMatchObject({
      status: 'refused',
      reason: 'not-yours',
    })
    expect(await reply({ staffId: other, code: 'Z99', oversees: false, at: 5 })).toMatchObject({
      status: 'refused',
      reason: 'unknown-code',
    })
    expect((await state().conversation(one.conversation.id))?.waitingSince).toBeGreaterThan(0)
    expect(await reply({ staffId: 'agentC', oversees: false, at: 5 })).toMatchObject({
      status: 'refused',
      reason: 'no-conversation',
    })
  })

  it('gives a staff message seen before its first outcome, without touching a later waiting period', async () => {
    await on('agentA')
    const one = await customerSays('c1', 'a', 100)
    const answer = { messageId: 'agent-msg-1', staffId: 'agentA', oversees: false, at: 200, overdueStep: 0 }
    const first = await state().staffReply(answer)
    expect(first).toMatchObject({ status: 'answered', wasWaiting: true, replayed: false })
    await customerSays('c1', 'one more thing', 300)
    const again = await state().staffReply(answer)
    expect(again).toMatchObject({ status: 'answered', replayed: true })
    expect((await state().conversation(one.conversation.id))?.waitingSince).toBe(300)
  })

  it('replays a refusal too, and says gone once the conversation it named has expired', async () => {
    await on('agentA')
    const one = await customerSays('c1', 'a', 100)
    const refused = {
      messageId: 'wrong-agent',
      staffId: 'agentB',
      code: 'A1',
      oversees: false,
      at: 200,
      overdueStep: 0,
    }
    expect(await state().staffReply(refused)).toMatchObject({
      status: 'refused',
      reason: 'not-yours',
      replayed: false,
    })
    expect(await state().staffReply(refused)).toMatchObject({
      status: 'refused',
      reason: 'not-yours',
      replayed: true,
    })
    await state().close({ staffId: 'agentA', code: 'A1', oversees: false, at: 300, surveyFor: 0 })
    await redis.del(keys().conversation(one.conversation.id))
    expect(await state().staffReply(refused)).toEqual({ status: 'gone' })
  })

  it('counts an answer after a deadline as late, even before the step fired', async () => {
    await on('agentA')
    const one = await customerSays('c1', 'a', 1000)
    const late = await reply({ staffId: 'agentA', oversees: false, at: 2500 })
    expect(late).toMatchObject({ status: 'answered', lateSteps: [0], wasWaiting: true, waitingSince: 1000 })
    expect((await state().conversation(one.conversation.id))?.overdueCount).toBe(1)
    expect(late.status === 'answered' && late.conversation).toMatchObject({
      firstResponseAt: 2500,
      waitingSince: 0,
    })
  })

  it('holds a reply with a forbidden phrase, and /force sends it to the conversation it was meant for', async () => {
    await on('agentA')
    const one = await customerSays('c1', 'a', 100)
    const hold = { text: 'bad words', phrase: 'bad' }
    const held = await reply({ staffId: 'agentA', oversees: false, at: 200, hold })
    expect(held).toMatchObject({
      status: 'held',
      conversation: { id: one.conversation.id, waitingSince: 100 },
    })
    const forced = await reply({ staffId: 'agentA', oversees: false, at: 300, force: true })
    expect(forced).toMatchObject({ status: 'answered', forced: hold, wasWaiting: true })
    expect(await reply({ staffId: 'agentA', oversees: false, at: 400, force: true })).toMatchObject({
      status: 'refused',
      reason: 'nothing-held',
    })
  })

  it('drops a held reply once a corrected one is sent, and one whose conversation closed', async () => {
    await on('agentA')
    await customerSays('c1', 'a', 100)
    const hold = { text: 'bad words', phrase: 'bad' }
    await reply({ staffId: 'agentA', oversees: false, at: 200, hold })
    await reply({ staffId: 'agentA', oversees: false, at: 300 })
    expect(await reply({ staffId: 'agentA', oversees: false, at: 400, force: true })).toMatchObject({
      reason: 'nothing-held',
    })
    await reply({ staffId: 'agentA', oversees: false, at: 500, hold })
    await state().close({ staffId: 'agentA', code: 'A1', oversees: false, at: 600, surveyFor: 0 })
    expect(await reply({ staffId: 'agentA', oversees: false, at: 700, force: true })).toMatchObject({
      status: 'refused',
      reason: 'unknown-code',
      code: 'A1',
    })
  })
})
