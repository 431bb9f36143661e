import type { Redis } from 'ioredis'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { keysFor } from '../../src/domain/keys.js'
import { RedisLiveState } from '../../src/state/redis-state.js'
import { deletePrefix, testPrefix, testRedis } from '../support/redis.js'

const redis: Redis = testRedis()
let prefix: string
let state: RedisLiveState
let n = 0

beforeEach(() => {
  prefix = testPrefix('state')
  state = new RedisLiveState(redis, keysFor(prefix))
})
afterEach(() => deletePrefix(redis, prefix))
afterAll(() => redis.quit())

async function customerSays(customerId: string, text: string, at = 1000, messageId = `m${++n}`) {
  const result = await state.ingestCustomerMessage({
    messageId,
    kind: 'text',
    customerId,
    customerName: `name-${customerId}`,
    text,
    at,
    newConversationId: `conv${++n}`,
    flood: { max: 1000, per: 10_000 },
    deadlines: LADDER.map((after) => at + after),
    fallbackCategory: 'consult',
    offerMenu: false,
  })
  if (!result) throw new Error(`${messageId} was taken for a replay of a conversation that is gone`)
  return result
}
/** Two escalation steps, 1 s and 2 s after the customer starts waiting; the first counts as overdue. */
const LADDER = [1000, 2000]
async function reply(input: Omit<Parameters<RedisLiveState['staffReply']>[0], 'messageId' | 'overdueStep'>) {
  const result = await state.staffReply({ messageId: `r${++n}`, overdueStep: 0, ...input })
  if (!result) throw new Error('a fresh answer was taken for a replay')
  return result
}
const on = (agentId: string, cap = 10) => state.setDuty({ agentId, mode: 'on', force: false, cap })

describe('live state', () => {
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
    expect((await state.pending(first.conversation.id)).map((p) => p.text)).toEqual(['hello', 'anyone?'])
  })

  it('replays the stored outcome for a message id it has seen, and nothing once its conversation is gone', async () => {
    const first = await customerSays('c1', 'hi', 1, 'same')
    const again = await customerSays('c1', 'hi', 1, 'same')
    expect(first.duplicate).toBe(false)
    expect(again).toMatchObject({ duplicate: true, created: true, clockStarted: true, queuePosition: 1 })
    expect(again.conversation.id).toBe(first.conversation.id)
    expect(await state.pending(first.conversation.id)).toHaveLength(1)
    await state.close({ staffId: 'boss', code: first.conversation.code, oversees: true, at: 2, surveyFor: 0 })
    await redis.del(keysFor(prefix).conversation(first.conversation.id))
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
    expect(await state.ingestCustomerMessage({ ...input, newConversationId: 'x3' })).toBeNull()
  })

  it('assigns the backlog oldest first to the least-loaded agent, respecting caps, round robin on ties', async () => {
    await customerSays('c1', 'a', 1)
    await customerSays('c2', 'b', 2)
    await customerSays('c3', 'c', 3)
    const a = await on('agentA', 2)
    expect(a.ok && a.assigned.map((x) => x.conversation.customerId)).toEqual(['c1', 'c2'])
    const b = await on('agentB', 5)
    expect(b.ok && b.assigned.map((x) => [x.conversation.customerId, x.agentId])).toEqual([['c3', 'agentB']])
    const d = await customerSays('c4', 'd', 4)
    // A is at its cap of 2; B has 1: B gets it.
    expect(d.assigned.map((x) => x.agentId)).toEqual(['agentB'])
    const e = await customerSays('c5', 'e', 5)
    expect(e.assigned.map((x) => x.agentId)).toEqual(['agentB'])
  })

  it('round-robins between equally loaded agents', async () => {
    await on('agentA')
    await on('agentB')
    const first = await customerSays('c1', 'a')
    const second = await customerSays('c2', 'b')
    await state.close({ staffId: 'x', code: first.conversation.code, oversees: true, at: 10, surveyFor: 0 })
    await state.close({ staffId: 'x', code: second.conversation.code, oversees: true, at: 10, surveyFor: 0 })
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
    const closed = await state.close({
      staffId: 'x',
      code: last.conversation.code,
      oversees: true,
      at: 30,
      surveyFor: 0,
    })
    expect(closed.ok && closed.assigned.map((x) => [x.conversation.customerId, x.agentId])).toEqual([
      ['c20', owners[19]],
    ])
  })

  it('gives an away agent nothing new, and routes to them again once back', async () => {
    await on('agentA')
    await on('agentB')
    await state.setDuty({ agentId: 'agentA', mode: 'away', force: false, cap: 10, until: 100 })
    const whileAway = await Promise.all(['c1', 'c2'].map((c) => customerSays(c, 'hi')))
    expect(whileAway.map((r) => r.assigned[0]?.agentId)).toEqual(['agentB', 'agentB'])
    await on('agentA')
    expect((await customerSays('c3', 'hi')).assigned[0]?.agentId).toBe('agentA')
  })

  it('after an upgrade from state without the routing index, start-up rebuilds it and hands out the queue', async () => {
    await on('agentA')
    await on('agentB')
    await customerSays('c1', 'hi', 1)
    await redis.del(keysFor(prefix).available)
    const meanwhile = await customerSays('c2', 'hi', 2)
    expect(meanwhile.assigned).toEqual([])
    const drained = await state.drainQueue()
    // A holds c1, so the queued c2 goes to B; then both hold one and A, assigned longest ago, gets c3.
    expect(drained.map((x) => [x.conversation.customerId, x.agentId])).toEqual([['c2', 'agentB']])
    expect((await customerSays('c3', 'hi', 3)).assigned[0]?.agentId).toBe('agentA')
    expect((await state.loads(['agentA', 'agentB'])).map((load) => load.open)).toEqual([2, 1])
  })

  it('a day end counts each conversation open before it once, and records the day even when none is open', async () => {
    await state.dayEnded('2026-11-24', 500)
    expect(await state.lastDayEnded()).toBe('2026-11-24')
    const early = await customerSays('c1', 'hi', 100)
    await customerSays('c2', 'later', 900)
    const first = await state.dayEnded('2026-11-25', 500)
    expect(first.map((c) => [c.id, c.daysUnresolved])).toEqual([[early.conversation.id, 1]])
    const again = await state.dayEnded('2026-11-25', 500)
    expect(again.map((c) => c.daysUnresolved)).toEqual([1])
    expect(await state.lastDayEnded()).toBe('2026-11-25')
  })

  it('plain replies go to the only conversation, or the focused one while other customers are quiet', async () => {
    await on('agentA')
    const one = await customerSays('c1', 'a', 100)
    const plain = await reply({ staffId: 'agentA', oversees: false, at: 200 })
    expect(plain.ok && plain.conversation.id).toBe(one.conversation.id)
    expect(plain.ok && plain.wasWaiting).toBe(true)
    const two = await customerSays('c2', 'b', 300)
    expect(await reply({ staffId: 'agentA', oversees: false, at: 400 })).toMatchObject({
      ok: false,
      reason: 'ambiguous',
      codes: ['A1', 'A2'],
    })
    const coded = await reply({
      staffId: 'agentA',
      code: two.conversation.code,
      oversees: false,
      at: 500,
    })
    expect(coded.ok).toBe(true)
    const followUp = await reply({ staffId: 'agentA', oversees: false, at: 600 })
    expect(followUp.ok && followUp.conversation.id).toBe(two.conversation.id)
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
    ).toMatchObject({ ok: false, reason: 'not-yours' })
    expect(await reply({ staffId: other, code: 'Z99', oversees: false, at: 5 })).toMatchObject({
      ok: false,
      reason: 'unknown-code',
    })
    expect((await state.conversation(one.conversation.id))?.waitingSince).toBeGreaterThan(0)
  })

  it('a timer for an answered conversation is stale; an unanswered one fires once, reassigns, and replays', async () => {
    await on('agentA')
    const one = await customerSays('c1', 'a', 1000)
    const version = one.conversation.version
    await reply({ staffId: 'agentA', oversees: false, at: 1500 })
    const fire = (conversationId: string, v: number, step: number, at: number, reassign = false) =>
      state.fireStep({
        conversationId,
        version: v,
        step,
        reassign,
        countsAsOverdue: step === 0,
        at,
      })
    expect(await fire(one.conversation.id, version, 0, 2000)).toEqual({ outcome: 'stale' })

    const two = await customerSays('c2', 'b', 3000)
    await on('agentB')
    expect(await fire(two.conversation.id, two.conversation.version, 0, 3500)).toEqual({
      outcome: 'early',
      dueAt: 4000,
    })
    const fired = await fire(two.conversation.id, two.conversation.version, 0, 4001, true)
    expect(fired.outcome).toBe('fired')
    if (fired.outcome === 'fired') {
      expect(fired.agentId).toBe('agentA')
      expect(fired.reassignedTo).toBe('agentB')
      expect(fired.conversation.overdueCount).toBe(1)
    }
    // The same timer run again (its process died before it finished) replays the same firing.
    const again = await fire(two.conversation.id, two.conversation.version, 0, 4002)
    expect(again).toMatchObject({
      outcome: 'fired',
      agentId: 'agentA',
      reassignedTo: 'agentB',
      waitingSince: 3000,
    })
    expect((await state.conversation(two.conversation.id))?.overdueCount).toBe(1)
  })

  it('a timer waits while a staff message from before its deadline is still being handled', async () => {
    const one = await customerSays('c1', 'a', 1000)
    await state.staffMessageReceived('staff-msg', 1900)
    const input = {
      conversationId: one.conversation.id,
      version: one.conversation.version,
      step: 0,
      reassign: false,
      countsAsOverdue: true,
      at: 2001,
    }
    expect(await state.fireStep(input)).toEqual({ outcome: 'wait' })
    await state.staffMessageHandled('staff-msg')
    expect((await state.fireStep(input)).outcome).toBe('fired')
  })

  it('refuses /off with open conversations unless forced, then hands them to colleagues', async () => {
    await on('agentA')
    const one = await customerSays('c1', 'a')
    const refused = await state.setDuty({ agentId: 'agentA', mode: 'off', force: false, cap: 10 })
    expect(refused).toMatchObject({ ok: false, reason: 'has-open' })
    await on('agentB')
    const forced = await state.setDuty({ agentId: 'agentA', mode: 'off', force: true, cap: 10 })
    expect(forced.ok && forced.requeued.map((c) => c.id)).toEqual([one.conversation.id])
    expect(forced.ok && forced.assigned.map((a) => a.agentId)).toEqual(['agentB'])
  })

  it('closing frees the code, the customer and the agent, and pulls the next queued conversation', async () => {
    await on('agentA', 1)
    const one = await customerSays('c1', 'a')
    const two = await customerSays('c2', 'b')
    expect(two.queuePosition).toBe(1)
    const closed = await state.close({
      staffId: 'agentA',
      code: one.conversation.code,
      oversees: false,
      at: 9,
      surveyFor: 0,
    })
    expect(closed.ok && closed.assigned.map((a) => a.conversation.id)).toEqual([two.conversation.id])
    expect(await state.conversationByCode(one.conversation.code)).toBeNull()
    const again = await customerSays('c1', 'new question')
    expect(again.created).toBe(true)
    expect(again.conversation.id).not.toBe(one.conversation.id)
  })

  it('moves conversations with /take, /transfer and /assign under their rules', async () => {
    const one = await customerSays('c1', 'a')
    expect(
      await state.move({ mode: 'take', actorId: 'agentA', targetId: 'agentA', oversees: false }),
    ).toMatchObject({
      ok: false,
      reason: 'target-off-duty',
    })
    await on('agentA')
    await on('agentB')
    const code = one.conversation.code
    const holder = (await state.conversation(one.conversation.id))?.agentId ?? ''
    const other = holder === 'agentA' ? 'agentB' : 'agentA'
    expect(
      await state.move({ mode: 'transfer', actorId: other, code, targetId: other, oversees: false }),
    ).toMatchObject({ ok: false, reason: 'not-yours' })
    const moved = await state.move({
      mode: 'transfer',
      actorId: holder,
      code,
      targetId: other,
      oversees: false,
    })
    expect(moved).toMatchObject({ ok: true, from: holder })
    expect(
      await state.move({ mode: 'assign', actorId: 'boss', code, targetId: 'nobody', oversees: true }),
    ).toMatchObject({ ok: false, reason: 'target-off-duty' })
    expect(
      await state.move({ mode: 'take', actorId: 'agentA', targetId: 'agentA', oversees: false }),
    ).toMatchObject({
      ok: false,
      reason: 'queue-empty',
    })
  })

  it('gives a staff message seen before its first outcome, without touching a later waiting period', async () => {
    await on('agentA')
    const one = await customerSays('c1', 'a', 100)
    const answer = { messageId: 'agent-msg-1', staffId: 'agentA', oversees: false, at: 200, overdueStep: 0 }
    const first = await state.staffReply(answer)
    expect(first).toMatchObject({ ok: true, wasWaiting: true, duplicate: false })
    await customerSays('c1', 'one more thing', 300)
    const again = await state.staffReply(answer)
    expect(again).toMatchObject({ ok: true, duplicate: true })
    expect((await state.conversation(one.conversation.id))?.waitingSince).toBe(300)
  })
})
