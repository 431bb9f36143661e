import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type {
  ConversationSummary,
  EventEntry,
  MessageEntry,
  TranscriptEntry,
} from '../../src/domain/transcript.js'
import type { TranscriptStore } from '../../src/store/port.js'

export function message(
  id: string,
  conversationId: string,
  at: number,
  seq: number,
  text = `text ${id}`,
): MessageEntry {
  return {
    kind: 'message',
    id,
    conversationId,
    at,
    seq,
    actor: { id: 'cust-1', role: 'customer', name: '张三' },
    direction: 'in',
    text,
  }
}

export function event(
  id: string,
  conversationId: string,
  at: number,
  type: EventEntry['type'] = 'assigned',
  data: Record<string, unknown> = { agentId: 'agent-a' },
): EventEntry {
  return { kind: 'event', id, conversationId, at, seq: 0, actor: { id: 'bot', role: 'bot' }, type, data }
}

export function summary(overrides: Partial<ConversationSummary> & { id: string }): ConversationSummary {
  return {
    code: 'A1',
    customerId: 'cust-1',
    customerName: '张三',
    status: 'assigned',
    agentId: 'agent-a',
    openedAt: 1000,
    overdueCount: 0,
    rev: 1,
    ...overrides,
  }
}

const ids = (entries: TranscriptEntry[]) => entries.map((entry) => entry.id)

/**
 * What every TranscriptStore must do, run against each adapter: the embedded file store everywhere,
 * MongoDB wherever MONGODB_URI is set.
 */
export function describeTranscriptStoreConformance(name: string, make: () => Promise<TranscriptStore>): void {
  describe(`TranscriptStore conformance: ${name}`, () => {
    let store: TranscriptStore
    beforeEach(async () => {
      store = await make()
      await store.init()
    })
    afterEach(async () => {
      await store.close()
    })

    it('gives back messages and events exactly as written', async () => {
      const entries: TranscriptEntry[] = [
        message('m1', 'c1', 1000, 0, '我的订单还没发货'),
        event('e1', 'c1', 1001, 'overdue', { agentId: 'agent-a', waitedMs: 300_000, notified: ['sup-1'] }),
        {
          ...message('m2', 'c1', 1002, 1, '您好'),
          direction: 'out',
          actor: { id: 'agent-a', role: 'agent' },
        },
      ]
      await store.write({ entries, conversation: summary({ id: 'c1' }) })
      expect(await store.entries('c1')).toEqual(entries)
      expect(await store.conversation('c1')).toEqual(summary({ id: 'c1' }))
    })

    it('stores an entry written twice once, keeping the first version', async () => {
      await store.write({ entries: [message('m1', 'c1', 1000, 0, 'first')] })
      await store.write({ entries: [message('m1', 'c1', 2000, 5, 'second'), message('m2', 'c1', 1500, 0)] })
      const entries = await store.entries('c1')
      expect(ids(entries)).toEqual(['m1', 'm2'])
      expect(entries[0]).toMatchObject({ text: 'first', at: 1000 })
    })

    it('orders entries by time, then sequence, whatever order they were written in', async () => {
      await store.write({ entries: [message('late', 'c1', 3000, 0), message('same-b', 'c1', 2000, 2)] })
      await store.write({ entries: [message('same-a', 'c1', 2000, 1), message('early', 'c1', 1000, 9)] })
      await store.write({ entries: [message('other', 'c2', 1500, 0)] })
      expect(ids(await store.entries('c1'))).toEqual(['early', 'same-a', 'same-b', 'late'])
    })

    it('keeps the last N entries, in order, when asked for a limit', async () => {
      await store.write({ entries: [1, 2, 3, 4, 5].map((n) => message(`m${n}`, 'c1', n * 100, 0)) })
      expect(ids(await store.entries('c1', { limit: 2 }))).toEqual(['m4', 'm5'])
      expect(ids(await store.entries('c1', { limit: 10 }))).toEqual(['m1', 'm2', 'm3', 'm4', 'm5'])
    })

    it('never lets an older revision of a conversation replace a newer one', async () => {
      await store.write({
        entries: [],
        conversation: summary({ id: 'c1', rev: 5, status: 'closed', closedAt: 9000 }),
      })
      await store.write({ entries: [], conversation: summary({ id: 'c1', rev: 3, status: 'assigned' }) })
      expect(await store.conversation('c1')).toMatchObject({ rev: 5, status: 'closed', closedAt: 9000 })
      await store.write({
        entries: [],
        conversation: summary({ id: 'c1', rev: 5, status: 'closed', overdueCount: 1 }),
      })
      expect(await store.conversation('c1')).toMatchObject({ rev: 5, overdueCount: 1 })
      await store.write({
        entries: [],
        conversation: summary({ id: 'c1', rev: 6, status: 'closed', agentId: 'agent-b' }),
      })
      expect(await store.conversation('c1')).toMatchObject({ rev: 6, agentId: 'agent-b' })
    })

    it('finds the newest conversation that carried a reused code', async () => {
      await store.write({ entries: [], conversation: summary({ id: 'old', code: 'A7', openedAt: 1000 }) })
      await store.write({ entries: [], conversation: summary({ id: 'new', code: 'A7', openedAt: 5000 }) })
      await store.write({ entries: [], conversation: summary({ id: 'other', code: 'B7', openedAt: 9000 }) })
      expect((await store.conversationByCode('A7'))?.id).toBe('new')
      expect(await store.conversationByCode('Z1')).toBeNull()
    })

    it("lists one customer's conversations, newest first", async () => {
      await store.write({ entries: [], conversation: summary({ id: 'c1', customerId: 'x', openedAt: 1000 }) })
      await store.write({ entries: [], conversation: summary({ id: 'c2', customerId: 'x', openedAt: 3000 }) })
      await store.write({ entries: [], conversation: summary({ id: 'c3', customerId: 'y', openedAt: 2000 }) })
      expect((await store.conversationsOfCustomer('x')).map((c) => c.id)).toEqual(['c2', 'c1'])
      expect(await store.conversationsOfCustomer('nobody')).toEqual([])
    })

    it('lists conversations opened in a half-open interval, oldest first', async () => {
      for (const [id, openedAt] of [
        ['a', 999],
        ['b', 1000],
        ['c', 1500],
        ['d', 2000],
      ] as const) {
        await store.write({ entries: [], conversation: summary({ id, openedAt }) })
      }
      expect((await store.conversationsOpenedBetween(1000, 2000)).map((c) => c.id)).toEqual(['b', 'c'])
    })

    it('finds events of one type in a time range', async () => {
      await store.write({
        entries: [
          event('o1', 'c1', 1000, 'overdue'),
          event('o2', 'c2', 1500, 'overdue'),
          event('a1', 'c1', 1200, 'assigned'),
          event('o3', 'c1', 2000, 'overdue'),
          message('m1', 'c1', 1300, 0),
        ],
      })
      expect(ids(await store.eventsBetween('overdue', 1000, 2000))).toEqual(['o1', 'o2'])
      expect(await store.eventsBetween('closed', 0, 10_000)).toEqual([])
    })

    it('reads back a conversation of 1,000 entries complete and in order', async () => {
      const entries = Array.from({ length: 1000 }, (_, n) =>
        message(`m${n}`, 'long', 1000 + Math.floor(n / 3), n),
      )
      for (let start = 0; start < entries.length; start += 100) {
        await store.write({ entries: entries.slice(start, start + 100).reverse() })
      }
      expect(ids(await store.entries('long'))).toEqual(ids(entries))
    })

    it('keeps Chinese, emoji, zero-width and right-to-left characters intact', async () => {
      const text = '您好👋🏽 zero\u200bwidth \u202eRTL\u202c e\u0301 <b>&amp;</b> {"$gt": ""}'
      await store.write({ entries: [message('u1', 'c1', 1000, 0, text)] })
      expect((await store.entries('c1'))[0]).toMatchObject({ text })
    })

    it('answers with nothing for what it does not have', async () => {
      expect(await store.conversation('missing')).toBeNull()
      expect(await store.entries('missing')).toEqual([])
    })
  })
}
