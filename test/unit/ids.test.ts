import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  composeId,
  decomposeId,
  escapePart,
  incomingId,
  outgoingId,
  timerIdentity,
  unescapePart,
} from '../../src/domain/ids.js'
import type { Timer } from '../../src/domain/timers.js'
import { escapeKeyPart, jobIds, keysFor, queueNames } from '../../src/queue/keys.js'

/** Strings as WeChat ids can be: anything, with the characters that broke the old ids made likely. */
const part = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.stringMatching(/^[A-Za-z0-9_.@:\-/?~%{} ]{0,12}$/),
  fc.constantFrom('kf:1001', 'kf_1001', 'm/7', 'm?7', 'a-b', 'a', 'b', '', '-', '~2D', '~u4E2D', '中', '😀'),
)
const parts = fc.array(part, { maxLength: 5 })

/** BullMQ refuses custom ids that contain `:` or read as integers. */
function validForBullMQ(id: string): boolean {
  return !id.includes(':') && `${Number.parseInt(id, 10)}` !== id
}

describe('ids made of parts', () => {
  it('give two different lists of parts two different ids, and their parts back', () => {
    fc.assert(
      fc.property(part, parts, part, parts, (kindA, a, kindB, b) => {
        const idA = composeId(kindA, ...a)
        const idB = composeId(kindB, ...b)
        expect(decomposeId(idA)).toEqual([kindA, ...a])
        if (kindA !== kindB || JSON.stringify(a) !== JSON.stringify(b)) expect(idA).not.toBe(idB)
      }),
      { numRuns: 5000 },
    )
  })

  it('escape a part reversibly, never into the separator', () => {
    fc.assert(
      fc.property(part, (value) => {
        expect(escapePart(value)).not.toContain('-')
        expect(unescapePart(escapePart(value))).toBe(value)
      }),
    )
  })

  it('keep the ids of the messages that collided before apart', () => {
    expect(jobIds.ingest('kf:1001')).not.toBe(jobIds.ingest('kf_1001'))
    expect(jobIds.ingest('m/7')).not.toBe(jobIds.ingest('m?7'))
    expect(outgoingId('fwd', 'a-b', 'c')).not.toBe(outgoingId('fwd', 'a', 'b-c'))
  })

  it('are valid BullMQ job ids, whatever the parts', () => {
    fc.assert(
      fc.property(part, part, part, (a, b, c) => {
        for (const id of [jobIds.ingest(a), outgoingId(a, b, c), jobIds.sendPart(outgoingId(a, b, c), 2)]) {
          expect(validForBullMQ(id)).toBe(true)
        }
      }),
    )
  })
})

describe('every kind of id', () => {
  const timer: fc.Arbitrary<Timer> = fc.oneof(
    fc.record({
      kind: fc.constant('reply' as const),
      conversationId: part,
      version: fc.nat(),
      step: fc.nat(9),
    }),
    fc.record({ kind: fc.constant('away' as const), agentId: part, seq: fc.nat() }),
    fc.record({ kind: fc.constant('digest' as const), recipient: part, flush: fc.nat() }),
    fc.record({ kind: fc.constantFrom('day-end' as const, 'day-start' as const), day: part }),
    fc.record({ kind: fc.constant('shift-end' as const), shift: part, day: part }),
    fc.record({ kind: fc.constant('handover-ack' as const), handoverId: part }),
    fc.record({ kind: fc.constant('follow-up' as const), conversationId: part }),
  )

  it('timers: two different timers never share an id', () => {
    fc.assert(
      fc.property(timer, timer, (a, b) => {
        if (JSON.stringify(a) !== JSON.stringify(b)) expect(timerIdentity(a)).not.toBe(timerIdentity(b))
        expect(validForBullMQ(timerIdentity(a))).toBe(true)
      }),
      { numRuns: 5000 },
    )
  })

  it('outbox: purpose, cause and recipient are given back by the id, and split parts stay apart', () => {
    fc.assert(
      fc.property(part, part, part, fc.integer({ min: 1, max: 99 }), (purpose, cause, recipient, n) => {
        const id = outgoingId(purpose, cause, recipient)
        expect(jobIds.sendParts(id)).toEqual({ purpose, cause, recipient })
        expect(jobIds.sendPart(id, n)).not.toBe(outgoingId(purpose, cause, `${recipient}-${n}`))
      }),
    )
  })

  it('ingest jobs and transcript entries: one per WeChat message id', () => {
    fc.assert(
      fc.property(part, part, (a, b) => {
        if (a === b) return
        expect(jobIds.ingest(a)).not.toBe(jobIds.ingest(b))
        expect(incomingId(a)).not.toBe(incomingId(b))
      }),
    )
  })

  it('Redis keys: two different ids never give one key, in any family', () => {
    const keys = keysFor('{kefu}')
    const families = [
      (id: string) => keys.conversation(id),
      (id: string) => keys.pending(id),
      (id: string) => keys.openConversationOf(id),
      (id: string) => keys.survey(id),
      (id: string) => keys.codeOwner(id),
      (id: string) => keys.agent(id),
      (id: string) => keys.agentConversations(id),
      (id: string) => keys.heldReply(id),
      (id: string) => keys.seen(id),
      (id: string) => keys.recentFrom(id),
      (id: string) => keys.sent(id),
      (id: string) => keys.alerts(id),
      (id: string) => keys.alertFlush(id),
      (id: string) => keys.alertBatch(id, '7'),
      (id: string) => keys.alertBatch('7', id),
      (id: string) => keys.alertSeen(id),
      (id: string) => keys.consoleLink(id),
      (id: string) => keys.consoleLinksOf(id),
      (id: string) => keys.consoleSession(id),
      (id: string) => keys.consoleSessionsOf(id),
    ]
    const fixed = [
      keys.open,
      keys.unassigned,
      keys.onDuty,
      keys.away,
      keys.available,
      keys.codeSequence,
      keys.assignSequence,
      keys.alertSequence,
      keys.staffInFlight,
      keys.lastDayEnd,
    ]
    fc.assert(
      fc.property(fc.nat(families.length - 1), part, fc.nat(families.length - 1), part, (f, a, g, b) => {
        const keyA = families[f]?.(a) ?? ''
        const keyB = families[g]?.(b) ?? ''
        if (f !== g || a !== b) expect(keyA).not.toBe(keyB)
        expect(fixed).not.toContain(keyA)
        // BullMQ's keys are `prefix:queue:…`: no family may begin with a queue's name.
        const family = keyA.split(':')[1] ?? ''
        expect([queueNames.timers, queueNames.outbox, queueNames.transcript]).not.toContain(family)
        expect(family).not.toMatch(/^ingest-\d+$/)
      }),
      { numRuns: 10_000 },
    )
  })

  it('Redis keys: an id without `:` or `~` keeps the name it had before escaping', () => {
    expect(keysFor('kefu').agentConversations('wxid_abc-1')).toBe('kefu:agent:wxid_abc-1:convs')
    expect(escapeKeyPart('a:b~c')).toBe('a~3Ab~7Ec')
  })
})
