import { describe, expect, it } from 'vitest'
import { StateScriptError } from '../../src/state/errors.js'
import { liveStateFixture } from './fixture.js'

const { redis, state, keys, message, customerSays, on } = liveStateFixture('ingest')

describe('ingest', () => {
  it('opens a conversation with a code, queues it when nobody is on duty, and starts the clock once', async () => {
    const first = await customerSays('c1', 'hello', 1000)
    expect(first.created).toBe(true)
    expect(first.conversation.code).toBe('A1')
    expect(first.queuePosition).toBe(1)
    expect(first.clockStarted).toBe(true)
    expect(first.conversation.waitingSince).toBe(1000)
    const second = await customerSays('c1', 'anyone?', 5000)
    expect(second.created).toBe(false)
    expect(second.clockStarted).toBe(false)
    expect(second.conversation.waitingSince).toBe(1000)
    expect((await state().pending(first.conversation.id)).map((p) => p.text)).toEqual(['hello', 'anyone?'])
  })

  it('replays the stored outcome for a message id it has seen, and nothing once its conversation is gone', async () => {
    const first = await customerSays('c1', 'hi', 1, 'same')
    const again = await customerSays('c1', 'hi', 1, 'same')
    expect(first.replayed).toBe(false)
    expect(again).toMatchObject({ replayed: true, created: true, clockStarted: true, queuePosition: 1 })
    expect(again.conversation.id).toBe(first.conversation.id)
    expect(await state().pending(first.conversation.id)).toHaveLength(1)
    await state().close({
      staffId: 'boss',
      code: first.conversation.code,
      oversees: true,
      at: 2,
      surveyFor: 0,
    })
    await redis.del(keys().conversation(first.conversation.id))
    const input = {
      messageId: 'same',
      kind: 'text' as const,
      customerId: 'c1',
      customerName: '',
      text: 'hi',
      at: 1,
      flood: { max: 1000, per: 10_000 },
      deadlines: [1001, 2001],
      fallbackCategory: 'consult',
      offerMenu: false,
    }
    expect(await state().ingestCustomerMessage({ ...input, newConversationId: 'x3' })).toEqual({
      status: 'gone',
    })
  })

  it('takes a message an earlier version handled (its outcome kept without a status) as handled', async () => {
    // What the version before the named results kept: `ok`-style fields and a conversation id.
    await redis.set(keys().seen('before-upgrade'), JSON.stringify({ created: true, conversation: 'c-old' }))
    expect(await state().ingestCustomerMessage(message('c1', 'hi', 1, 'before-upgrade'))).toEqual({
      status: 'gone',
    })
    expect(await state().conversationOfCustomer('c1')).toBeNull()
  })

  it('round-robins between equally loaded agents', async () => {
    await on('agentA')
    await on('agentB')
    const first = await customerSays('c1', 'a')
    const second = await customerSays('c2', 'b')
    await state().close({ staffId: 'x', code: first.conversation.code, oversees: true, at: 10, surveyFor: 0 })
    await state().close({
      staffId: 'x',
      code: second.conversation.code,
      oversees: true,
      at: 10,
      surveyFor: 0,
    })
    const third = await customerSays('c3', 'c')
    const owners = [first, second, third].map((r) => r.assigned[0]?.agentId)
    expect(new Set(owners.slice(0, 2)).size).toBe(2)
    expect(owners[2]).toBe(owners[0])
  })

  it('walks past agents at their cap to the next one with room, however many are on duty', async () => {
    const agents = Array.from({ length: 20 }, (_, k) => `agent${String(k).padStart(2, '0')}`)
    for (const agentId of agents) await on(agentId, 1)
    const owners = []
    for (let k = 0; k < 20; k++) owners.push((await customerSays(`c${k}`, 'hi', k)).assigned[0]?.agentId)
    expect(new Set(owners).size).toBe(20)
    const overflow = await customerSays('c20', 'hi', 20)
    expect(overflow.assigned).toEqual([])
    expect(overflow.queuePosition).toBe(1)
    const last = await customerSays('c19', 'again', 21)
    const closed = await state().close({
      staffId: 'x',
      code: last.conversation.code,
      oversees: true,
      at: 30,
      surveyFor: 0,
    })
    expect(
      closed.status === 'closed' && closed.assigned.map((x) => [x.conversation.customerId, x.agentId]),
    ).toEqual([['c20', owners[19]]])
  })

  it('forwards to the holder straight away, and keeps messages pending while older ones wait', async () => {
    await on('agentA')
    const first = await customerSays('c1', 'a', 100)
    expect(first.forwardTo).toBeUndefined()
    expect(first.assigned.map((a) => a.agentId)).toEqual(['agentA'])
    expect(await state().pending(first.conversation.id)).toHaveLength(1)
    expect((await customerSays('c1', 'b', 200)).forwardTo).toBeUndefined()
    await state().ackPending(
      first.conversation.id,
      (await state().pending(first.conversation.id))[1]?.id ?? '',
    )
    const third = await customerSays('c1', 'c', 300)
    expect(third.forwardTo).toBe('agentA')
    expect(await state().pending(first.conversation.id)).toEqual([])
  })

  it('throttles a customer over the flood limit: the message is counted, neither forwarded nor kept', async () => {
    await on('agentA')
    const flood = { max: 2, per: 60_000 }
    const said = []
    for (let k = 0; k < 4; k++)
      said.push(await customerSays('c1', `spam ${k}`, 100 + k, undefined, { flood }))
    expect(said.map((r) => r.throttled)).toEqual([0, 0, 1, 2])
    expect(said[3]?.conversation.lastText).toBe('spam 3')
    const id = said[0]?.conversation.id ?? ''
    expect((await state().pending(id)).map((p) => p.text)).toEqual(['spam 0', 'spam 1'])
  })

  it('a rating after a survey rates the closed conversation and opens nothing; anything else opens anew', async () => {
    const first = await customerSays('c1', 'help', 100)
    await state().close({
      staffId: 'boss',
      code: first.conversation.code,
      oversees: true,
      at: 200,
      surveyFor: 60_000,
    })
    const rating = message('c1', '5', 300, 'rating-msg')
    const rated = await state().ingestCustomerMessage({ ...rating, rating: 5 })
    expect(rated).toMatchObject({ status: 'rated', replayed: false, score: 5 })
    expect(rated.status === 'rated' && rated.conversation).toMatchObject({
      id: first.conversation.id,
      rating: 5,
    })
    expect(await state().ingestCustomerMessage({ ...rating, rating: 5 })).toMatchObject({
      status: 'rated',
      replayed: true,
      score: 5,
    })
    expect(await state().conversationOfCustomer('c1')).toBeNull()
    const later = await customerSays('c1', '4', 400, undefined, { rating: 4 })
    expect(later.created).toBe(true)
  })

  it('offers the menu to a first message without a category, and a menu answer sets it without an agent', async () => {
    await on('agentA', 10, ['billing'])
    await on('agentB', 10, ['consult'])
    const first = await customerSays('c1', 'hello', 100, undefined, { offerMenu: true })
    expect(first.menuOffered).toBe(true)
    expect(first.assigned.map((a) => a.agentId)).toEqual(['agentB'])
    const answer = await customerSays('c1', '2', 200, undefined, {
      offerMenu: true,
      menuChoice: { id: 'billing' },
    })
    expect(answer).toMatchObject({ categoryChosen: 'billing', movedFrom: 'agentB', clockStarted: false })
    expect(answer.forwardTo).toBeUndefined()
    expect(answer.conversation).toMatchObject({ category: 'billing', agentId: 'agentA' })
    // The menu is closed once answered: a later menu-like answer is just a message.
    const later = await customerSays('c1', 'thanks', 300, undefined, { menuChoice: { id: 'consult' } })
    expect(later.categoryChosen).toBeUndefined()
  })

  it('puts a priority category ahead of the queue', async () => {
    await customerSays('c1', 'question', 100)
    const complaint = await customerSays('c2', 'complaint', 200, undefined, {
      category: { id: 'complaint', priority: true },
    })
    expect(complaint.queuePosition).toBe(1)
    expect((await state().queued()).map((c) => c.customerId)).toEqual(['c2', 'c1'])
  })

  it('tells the hours once per conversation and day, and counts praise once', async () => {
    await on('agentA')
    const says = (at: number, extra: object) => customerSays('c1', 'hi', at, undefined, extra)
    expect((await says(100, { closedDay: '2026-11-24', praise: true })).closedNotice).toBe(true)
    expect(await says(200, { closedDay: '2026-11-24', praise: true })).toMatchObject({
      closedNotice: false,
      praised: true,
    })
    expect(await says(300, { closedDay: '2026-11-25', praise: true })).toMatchObject({
      closedNotice: true,
      praised: false,
    })
  })

  it('tells the customer of an away agent once per away period, and keeps their messages', async () => {
    await on('agentA')
    const first = await customerSays('c1', 'hi', 100)
    await state().ackPending(
      first.conversation.id,
      (await state().pending(first.conversation.id))[0]?.id ?? '',
    )
    await state().staffReply({
      messageId: 'answer',
      staffId: 'agentA',
      oversees: false,
      at: 150,
      overdueStep: 0,
    })
    await state().goAway({ agentId: 'agentA', until: 5000, reason: 'lunch' })
    const whileAway = await customerSays('c1', 'hello?', 200)
    expect(whileAway).toMatchObject({
      holderAway: true,
      awayNotice: { agentId: 'agentA', until: 5000, reason: 'lunch' },
    })
    expect(whileAway.forwardTo).toBeUndefined()
    expect((await customerSays('c1', 'still?', 300)).awayNotice).toBeUndefined()
    expect(await state().pending(first.conversation.id)).toHaveLength(2)
  })

  it('gives up clearly when every code it tries is held', async () => {
    for (let n = 1; n <= 100; n++) await redis.set(keys().codeOwner(`A${n}`), `held${n}`)
    const failure = customerSays('c1', 'hi')
    await expect(failure).rejects.toBeInstanceOf(StateScriptError)
    await expect(failure).rejects.toMatchObject({ script: 'ingest', failure: 'no-free-code' })
    await expect(failure).rejects.toThrow(/^ingest: no free conversation code/)
  })

  it('escapes ids in keys, so an id with a colon is not another family', async () => {
    const result = await customerSays('c:1', 'hi', 100)
    expect(await redis.get(`${keys().prefix}:customer:c~3A1`)).toBe(result.conversation.id)
    expect(await state().conversationOfCustomer('c:1')).toMatchObject({ customerId: 'c:1' })
  })
})
