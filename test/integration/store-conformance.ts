import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { groupThreadId } from '../../src/domain/groups.js'
import type { Handover } from '../../src/domain/handover.js'
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

/** A shift-end handover from agent-a to agent-b, with one item of each kind. */
export function handover(overrides: Partial<Handover> & { id: string }): Handover {
  return {
    from: 'agent-a',
    to: ['agent-b'],
    at: 1000,
    reason: 'shift-end',
    shift: 'day',
    items: {
      open: [
        {
          conversationId: 'c1',
          code: 'A1',
          customerName: '张三',
          status: 'assigned',
          waitingSince: 900,
          lastText: '我的订单还没发货',
          category: '订单',
          daysUnresolved: 2,
        },
        {
          conversationId: 'c2',
          code: 'A2',
          customerName: '',
          status: 'queued',
          waitingSince: 0,
          lastText: '',
          daysUnresolved: 0,
        },
      ],
      followUps: [{ conversationId: 'c3', code: 'B1', customerName: '李四', dueAt: 5000, note: '回访' }],
      exceptions: [{ conversationId: 'c1', code: 'A1', kind: 'overdue', note: '超时 7 分钟' }],
    },
    text: '交班 day\n未完成 2 …',
    ...overrides,
  }
}

const ids = (entries: { id: string }[]) => entries.map((entry) => entry.id)

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
      expect(await store.handover('missing')).toBeNull()
      expect(await store.acknowledgeHandover('missing', 'agent-b', 2000)).toBeNull()
      expect(await store.handoversFor('nobody')).toEqual([])
      expect(await store.handoversBetween(0, 10_000)).toEqual([])
      expect(await store.purgeHandoversBefore(10_000)).toBe(0)
      expect(await store.purgeConversationsClosedBefore(10_000, [])).toEqual({ conversations: 0, entries: 0 })
    })

    describe('retention purge', () => {
      /** A conversation of three entries, closed at `closedAt` (open when it is undefined). */
      async function stored(id: string, openedAt: number, closedAt?: number) {
        await store.write({
          entries: [0, 1, 2].map((n) => message(`${id}-m${n}`, id, openedAt + n, n)),
          conversation: summary({
            id,
            code: id.toUpperCase(),
            openedAt,
            ...(closedAt === undefined ? {} : { status: 'closed' as const, closedAt }),
          }),
        })
      }

      it('deletes conversations closed before the cut-off with their entries, and counts them', async () => {
        await stored('old', 100, 500)
        await stored('edge', 200, 1000)
        await stored('recent', 300, 5000)
        await stored('open', 50)
        await stored('kept', 60, 400)
        expect(await store.purgeConversationsClosedBefore(1000, ['kept'])).toEqual({
          conversations: 1,
          entries: 3,
        })
        expect(await store.conversation('old')).toBeNull()
        expect(await store.entries('old')).toEqual([])
        expect(await store.conversationByCode('OLD')).toBeNull()
        for (const id of ['edge', 'recent', 'open', 'kept']) {
          expect(await store.conversation(id), id).not.toBeNull()
          expect(await store.entries(id), id).toHaveLength(3)
        }
        expect(await store.purgeConversationsClosedBefore(1000, ['kept'])).toEqual({
          conversations: 0,
          entries: 0,
        })
      })

      it('purges more conversations than fit in one round, leaving nothing of them', async () => {
        for (let n = 0; n < 1200; n++) await stored(`c${n}`, n, 2000 + n)
        await stored('after', 5000, 9000)
        expect(await store.purgeConversationsClosedBefore(8000, [])).toEqual({
          conversations: 1200,
          entries: 3600,
        })
        expect((await store.conversationsOpenedBetween(0, 10_000)).map(({ id }) => id)).toEqual(['after'])
        expect(await store.eventsBetween('assigned', 0, 10_000)).toEqual([])
      })
    })

    describe('handovers (交班)', () => {
      it('gives back a handover exactly as written', async () => {
        const record = handover({ id: 'ho-agent-a-day', to: ['agent-b', 'sup-1'] })
        await store.writeHandover(record)
        expect(await store.handover('ho-agent-a-day')).toEqual(record)
        const { shift: _, ...bare } = handover({
          id: 'ho-agent-c-cmd-1',
          reason: 'command',
          items: { open: [], followUps: [], exceptions: [] },
          text: '',
        })
        await store.writeHandover(bare)
        expect(await store.handover('ho-agent-c-cmd-1')).toEqual(bare)
      })

      it('keeps the stored handover, acknowledgement included, when the same id is written again', async () => {
        await store.writeHandover(handover({ id: 'h1', text: 'first' }))
        await store.acknowledgeHandover('h1', 'agent-b', 2000)
        await store.writeHandover(handover({ id: 'h1', text: 'retry', to: ['agent-x'], at: 9000 }))
        expect(await store.handover('h1')).toEqual(
          handover({ id: 'h1', text: 'first', ackedBy: 'agent-b', ackedAt: 2000 }),
        )
        expect(await store.handoversFor('agent-x')).toEqual([])
        expect(ids(await store.handoversFor('agent-b'))).toEqual(['h1'])
      })

      it('keeps the first acknowledgement', async () => {
        await store.writeHandover(handover({ id: 'h1' }))
        const first = await store.acknowledgeHandover('h1', 'agent-b', 2000)
        expect(first).toEqual(handover({ id: 'h1', ackedBy: 'agent-b', ackedAt: 2000 }))
        expect(await store.acknowledgeHandover('h1', 'sup-1', 3000)).toEqual(first)
        expect(await store.handover('h1')).toEqual(first)
      })

      it('lets exactly one of two simultaneous acknowledgements sign', async () => {
        await Promise.all([1, 2, 3].map((n) => store.writeHandover(handover({ id: `h${n}`, at: n * 1000 }))))
        const [one, two] = await Promise.all([
          store.acknowledgeHandover('h2', 'agent-b', 5000),
          store.acknowledgeHandover('h2', 'sup-1', 6000),
        ])
        expect(one).toEqual(two)
        expect(await store.handover('h2')).toEqual(one)
        expect([
          ['agent-b', 5000],
          ['sup-1', 6000],
        ]).toContainEqual([one?.ackedBy, one?.ackedAt])
        expect(ids(await store.handoversFor('agent-b', { unacknowledgedOnly: true }))).toEqual(['h3', 'h1'])
      })

      it("lists a staff member's handovers newest first, all or only the unacknowledged", async () => {
        await store.writeHandover(handover({ id: 'old', at: 1000, to: ['agent-b'] }))
        await store.writeHandover(handover({ id: 'new', at: 3000, to: ['agent-b', 'sup-1'] }))
        await store.writeHandover(handover({ id: 'mid', at: 2000, to: ['agent-b'] }))
        await store.writeHandover(handover({ id: 'tie', at: 3000, to: ['agent-b'] }))
        await store.writeHandover(handover({ id: 'other', at: 2500, to: ['agent-c'] }))
        expect(ids(await store.handoversFor('agent-b'))).toEqual(['tie', 'new', 'mid', 'old'])
        expect(ids(await store.handoversFor('sup-1'))).toEqual(['new'])
        await store.acknowledgeHandover('new', 'sup-1', 4000)
        await store.acknowledgeHandover('old', 'agent-b', 4000)
        expect(ids(await store.handoversFor('agent-b', { unacknowledgedOnly: true }))).toEqual(['tie', 'mid'])
        expect(ids(await store.handoversFor('agent-b', { unacknowledgedOnly: false }))).toHaveLength(4)
        expect(await store.handoversFor('sup-1', { unacknowledgedOnly: true })).toEqual([])
      })

      it('lists handovers of a half-open interval, oldest first', async () => {
        for (const [id, at] of [
          ['a', 999],
          ['c', 1500],
          ['b', 1000],
          ['d', 2000],
          ['c2', 1500],
        ] as const) {
          await store.writeHandover(handover({ id, at }))
        }
        expect(ids(await store.handoversBetween(1000, 2000))).toEqual(['b', 'c', 'c2'])
        expect(await store.handoversBetween(2000, 2000)).toEqual([])
      })

      it('purges only handovers older than the cut-off, and counts them', async () => {
        for (const [id, at] of [
          ['a', 500],
          ['b', 999],
          ['c', 1000],
          ['d', 3000],
        ] as const) {
          await store.writeHandover(handover({ id, at, to: ['agent-b', 'sup-1'] }))
        }
        expect(await store.purgeHandoversBefore(1000)).toBe(2)
        expect(await store.handover('a')).toBeNull()
        expect(ids(await store.handoversBetween(0, 10_000))).toEqual(['c', 'd'])
        expect(ids(await store.handoversFor('sup-1'))).toEqual(['d', 'c'])
        expect(await store.purgeHandoversBefore(1000)).toBe(0)
        // A purged id written again is a new record (a retry older than the retention cannot happen).
        await store.writeHandover(handover({ id: 'a', at: 500 }))
        expect(ids(await store.handoversFor('agent-b'))).toEqual(['d', 'c', 'a'])
      })

      it('refuses a record or an acknowledgement the schema rejects, storing nothing', async () => {
        await expect(store.writeHandover({ ...handover({ id: 'bad' }), at: -1 })).rejects.toThrow()
        await expect(store.writeHandover({ ...handover({ id: '' }) })).rejects.toThrow()
        expect(await store.handover('bad')).toBeNull()
        await store.writeHandover(handover({ id: 'h1' }))
        await expect(store.acknowledgeHandover('h1', '', 2000)).rejects.toThrow()
        await expect(store.acknowledgeHandover('h1', 'agent-b', 1.5)).rejects.toThrow()
        expect(await store.handover('h1')).toEqual(handover({ id: 'h1' }))
      })
    })

    describe("one customer's data (PIPL access and deletion)", () => {
      async function twoCustomers() {
        await store.write({
          entries: [message('m1', 'c1', 1000, 0, '我的电话是13912345678'), event('e1', 'c1', 1001)],
          conversation: summary({ id: 'c1', openedAt: 1000 }),
        })
        await store.write({
          entries: [message('m2', 'c2', 5000, 0)],
          conversation: summary({ id: 'c2', code: 'A7', openedAt: 5000 }),
        })
        await store.write({
          entries: [{ ...message('m3', 'c3', 3000, 0), actor: { id: 'cust-2', role: 'customer' } }],
          conversation: summary({ id: 'c3', code: 'B1', customerId: 'cust-2', customerName: '李四' }),
        })
      }

      it('gives everything stored about one customer, and nothing of anyone else', async () => {
        await twoCustomers()
        const data = await store.customerData('cust-1')
        expect(data.customerId).toBe('cust-1')
        expect(data.conversations.map((c) => c.id)).toEqual(['c2', 'c1'])
        expect(data.entries.map((e) => e.id)).toEqual(['m2', 'm1', 'e1'])
        expect(await store.customerData('nobody')).toEqual({
          customerId: 'nobody',
          conversations: [],
          entries: [],
        })
      })

      it("erases one customer's conversations and entries, counts them, and leaves others alone", async () => {
        await twoCustomers()
        expect(await store.eraseCustomer('cust-1')).toEqual({ conversations: 2, entries: 3 })
        expect(await store.customerData('cust-1')).toEqual({
          customerId: 'cust-1',
          conversations: [],
          entries: [],
        })
        expect(await store.conversationByCode('A7')).toBeNull()
        expect(await store.entries('c1')).toEqual([])
        expect((await store.customerData('cust-2')).entries.map((e) => e.id)).toEqual(['m3'])
        expect(await store.eraseCustomer('cust-1')).toEqual({ conversations: 0, entries: 0 })
      })

      const shop = groupThreadId('shop@chatroom')
      const vip = groupThreadId('vip@chatroom')
      const agent = { id: 'agent-a', role: 'agent' as const }
      /** A customer's message in a room, as `handlers/groups/customer-message.ts` records it. */
      const said = (id: string, room: string, at: number, seq: number, customerId: string, text = id) => ({
        ...message(id, room, at, seq, text),
        actor: { id: customerId, role: 'customer' as const, name: customerId },
      })
      /** An event about a waiting customer: `data.customerId` names them, whoever the actor is. */
      const about = (
        id: string,
        room: string,
        at: number,
        seq: number,
        type: EventEntry['type'],
        customerId: string,
        actor: EventEntry['actor'],
      ): EventEntry => ({
        ...event(id, room, at, type, { customerId, customerName: customerId }),
        seq,
        actor,
      })

      /**
       * Two rooms' records, with no summary: cust-1 writes in both, waits, is answered and goes overdue;
       * cust-2 writes in one; staff answer there and type a forbidden phrase; cust-3 only ever wrote in
       * a room. And a 1:1 event of cust-2's that names cust-1: not a room's, so not cust-1's.
       */
      async function inRooms() {
        await twoCustomers()
        const cust1 = { id: 'cust-1', role: 'customer' as const }
        const cust2 = { id: 'cust-2', role: 'customer' as const }
        await store.write({
          entries: [
            said('g1', shop, 2000, 1, 'cust-1', '订单号 8812，电话13912345678'),
            about('g1-waiting', shop, 2000, 2, 'group-waiting', 'cust-1', cust1),
            said('g2', shop, 2100, 1, 'cust-2'),
            about('g2-waiting', shop, 2100, 2, 'group-waiting', 'cust-2', cust2),
            { ...message('s1', shop, 2500, 1, '@cust-1 您好'), direction: 'out', actor: agent },
            about('g1-answered', shop, 2500, 2, 'group-answered', 'cust-1', agent),
            about('g2-answered', shop, 2500, 3, 'group-answered', 'cust-2', agent),
            {
              ...event('w1', shop, 2600, 'group-wording', { agentId: 'agent-a', phrase: '不知道' }),
              actor: agent,
            },
            said('g3', shop, 2700, 1, 'cust-3'),
          ],
        })
        await store.write({
          entries: [
            said('v1', vip, 1500, 1, 'cust-1'),
            about('v1-overdue', vip, 3000, 1, 'group-overdue', 'cust-1', { id: 'bot', role: 'bot' }),
          ],
        })
        await store.write({ entries: [event('e3', 'c3', 3001, 'assigned', { customerId: 'cust-1' })] })
      }

      it("adds the customer's entries in rooms' records, in transcript order, and nobody else's", async () => {
        await inRooms()
        const data = await store.customerData('cust-1')
        expect(data.conversations.map((c) => c.id)).toEqual(['c2', 'c1'])
        expect(ids(data.entries)).toEqual([
          'm2',
          'm1',
          'e1',
          'v1',
          'g1',
          'g1-waiting',
          'g1-answered',
          'v1-overdue',
        ])
        expect(data.entries.find((entry) => entry.id === 'g1')).toEqual(
          said('g1', shop, 2000, 1, 'cust-1', '订单号 8812，电话13912345678'),
        )
        expect(ids((await store.customerData('cust-2')).entries)).toEqual([
          'm3',
          'e3',
          'g2',
          'g2-waiting',
          'g2-answered',
        ])
        expect(await store.customerData('cust-3')).toEqual({
          customerId: 'cust-3',
          conversations: [],
          entries: [said('g3', shop, 2700, 1, 'cust-3')],
        })
      })

      it("erases the customer's entries in rooms' records too, leaving staff and other customers' there", async () => {
        await inRooms()
        expect(await store.eraseCustomer('cust-1')).toEqual({ conversations: 2, entries: 8 })
        expect(await store.customerData('cust-1')).toEqual({
          customerId: 'cust-1',
          conversations: [],
          entries: [],
        })
        expect(ids(await store.entries(shop))).toEqual(['g2', 'g2-waiting', 's1', 'g2-answered', 'w1', 'g3'])
        expect(await store.entries(vip)).toEqual([])
        expect(ids(await store.entries('c3'))).toEqual(['m3', 'e3'])
        expect(await store.eraseCustomer('cust-3')).toEqual({ conversations: 0, entries: 1 })
        expect(ids(await store.entries(shop))).toEqual(['g2', 'g2-waiting', 's1', 'g2-answered', 'w1'])
        expect(await store.eraseCustomer('cust-1')).toEqual({ conversations: 0, entries: 0 })
      })

      it('keeps audit records, once per id, oldest first, through an erase', async () => {
        const record = {
          id: 'audit-2',
          at: 2000,
          action: 'erase' as const,
          by: 'manager-1',
          via: 'wechat' as const,
          customerId: 'cust-1',
          conversations: 2,
          entries: 3,
        }
        await store.writeAudit(record)
        await store.writeAudit({ ...record, entries: 99 })
        await store.writeAudit({
          ...record,
          id: 'audit-1',
          at: 1000,
          action: 'export',
          via: 'cli',
          by: 'ops',
        })
        await store.eraseCustomer('cust-1')
        expect(await store.auditRecords()).toEqual([
          { ...record, id: 'audit-1', at: 1000, action: 'export', via: 'cli', by: 'ops' },
          record,
        ])
        await expect(store.writeAudit({ ...record, id: 'bad', customerId: '' })).rejects.toThrow()
      })
    })

    describe('search', () => {
      const day = 86_400_000
      /** Six conversations a day apart: c1 oldest, c6 newest. */
      async function fill(): Promise<void> {
        const rows: [string, Partial<ConversationSummary>, string[]][] = [
          [
            'c1',
            { code: 'A1', agentId: 'agent-a', category: '订单', status: 'closed', rating: 5 },
            ['我的订单三天了还没发货'],
          ],
          [
            'c2',
            { code: 'A2', agentId: 'agent-b', category: '售后', status: 'closed', rating: 2 },
            ['退款什么时候到账'],
          ],
          [
            'c3',
            { code: 'A3', agentId: 'agent-a', category: '投诉', status: 'assigned' },
            ['Refund please, 100% now'],
          ],
          [
            'c4',
            { code: 'A1', agentId: 'agent-b', category: '订单', status: 'queued', customerName: '李四' },
            ['电话 13912345678'],
          ],
          [
            'c5',
            { code: 'A5', agentId: 'agent-a', category: '订单', status: 'closed', rating: 5 },
            ['发货了吗'],
          ],
          ['c6', { code: 'A6', agentId: 'agent-c', category: '咨询', status: 'assigned' }, ['在吗']],
        ]
        for (const [index, [id, fields, texts]] of rows.entries()) {
          const openedAt = (index + 1) * day
          await store.write({
            entries: texts.map((text, n) => message(`${id}-m${n}`, id, openedAt + n, n, text)),
            conversation: summary({ id, openedAt, ...fields }),
          })
        }
        // Staff write phone numbers too; a customer search finds only what customers wrote.
        await store.write({
          entries: [
            {
              ...message('c6-out', 'c6', 6 * day + 5, 5, '请拨打客服电话 4008001234'),
              direction: 'out',
              actor: { id: 'agent-c', role: 'agent' },
            },
            event('c6-e', 'c6', 6 * day + 6, 'category-set', { category: '订单三天' }),
          ],
        })
        // A room's record is no conversation: its messages are not searched.
        await store.write({
          entries: [message('g-m', groupThreadId('room-1'), 1000, 0, '我的订单三天了还没发货')],
        })
      }
      const all = { offset: 0, limit: 20 }
      const ids = async (query: Parameters<TranscriptStore['searchConversations']>[0], page = all) => {
        const result = await store.searchConversations(query, page)
        return { ids: result.conversations.map((c) => c.id), total: result.total }
      }

      it('finds every conversation newest first, by each filter and by several together', async () => {
        await fill()
        expect(await ids({})).toEqual({ ids: ['c6', 'c5', 'c4', 'c3', 'c2', 'c1'], total: 6 })
        expect(await ids({ code: 'A1' })).toEqual({ ids: ['c4', 'c1'], total: 2 })
        expect(await ids({ agentId: 'agent-a' })).toEqual({ ids: ['c5', 'c3', 'c1'], total: 3 })
        expect(await ids({ category: '订单' })).toEqual({ ids: ['c5', 'c4', 'c1'], total: 3 })
        expect(await ids({ status: 'closed' })).toEqual({ ids: ['c5', 'c2', 'c1'], total: 3 })
        expect(await ids({ rating: 5 })).toEqual({ ids: ['c5', 'c1'], total: 2 })
        expect(await ids({ openedFrom: 2 * day, openedTo: 4 * day })).toEqual({ ids: ['c3', 'c2'], total: 2 })
        expect(await ids({ agentId: 'agent-a', openedFrom: 2 * day, status: 'closed' })).toEqual({
          ids: ['c5'],
          total: 1,
        })
        expect(await ids({ agentId: 'agent-x' })).toEqual({ ids: [], total: 0 })
      })

      it('pages through the matches, each page newest first, with the same total', async () => {
        await fill()
        expect(await ids({}, { offset: 0, limit: 4 })).toEqual({ ids: ['c6', 'c5', 'c4', 'c3'], total: 6 })
        expect(await ids({}, { offset: 4, limit: 4 })).toEqual({ ids: ['c2', 'c1'], total: 6 })
        expect(await ids({}, { offset: 8, limit: 4 })).toEqual({ ids: [], total: 6 })
        // Opened in the same millisecond: the id breaks the tie, the same way on every page.
        for (const id of ['t1', 't2', 't3'])
          await store.write({ entries: [], conversation: summary({ id, openedAt: 99 * day }) })
        expect(await ids({}, { offset: 0, limit: 2 })).toEqual({ ids: ['t3', 't2'], total: 9 })
        expect(await ids({}, { offset: 2, limit: 2 })).toEqual({ ids: ['t1', 'c6'], total: 9 })
      })

      it("finds Chinese and English text in the conversations' messages, as substrings of any case", async () => {
        await fill()
        expect(await ids({ text: '订单三天' })).toEqual({ ids: ['c1'], total: 1 })
        expect(await ids({ text: '发货' })).toEqual({ ids: ['c5', 'c1'], total: 2 })
        expect(await ids({ text: '货' })).toEqual({ ids: ['c5', 'c1'], total: 2 })
        expect(await ids({ text: 'REFUND' })).toEqual({ ids: ['c3'], total: 1 })
        expect(await ids({ text: '100%' })).toEqual({ ids: ['c3'], total: 1 })
        expect(await ids({ text: '0%' })).toEqual({ ids: ['c3'], total: 1 })
        expect(await ids({ text: '1_0' })).toEqual({ ids: [], total: 0 })
        expect(await ids({ text: '"now' })).toEqual({ ids: [], total: 0 })
        expect(await ids({ text: '4008001234' })).toEqual({ ids: ['c6'], total: 1 })
        expect(await ids({ text: '发货', agentId: 'agent-a', rating: 5, openedTo: 2 * day })).toEqual({
          ids: ['c1'],
          total: 1,
        })
      })

      it('finds a customer by their name or by what they wrote, never by what staff wrote', async () => {
        await fill()
        expect(await ids({ customer: '李' })).toEqual({ ids: ['c4'], total: 1 })
        expect(await ids({ customer: '张三' })).toEqual({ ids: ['c6', 'c5', 'c3', 'c2', 'c1'], total: 5 })
        expect(await ids({ customer: '13912345678' })).toEqual({ ids: ['c4'], total: 1 })
        expect(await ids({ customer: '4008001234' })).toEqual({ ids: [], total: 0 })
        expect(await ids({ customer: '张三', category: '订单' })).toEqual({ ids: ['c5', 'c1'], total: 2 })
      })

      it('finds nothing of an erased customer, nor of a purged conversation', async () => {
        await fill()
        await store.write({
          entries: [message('x-m', 'x1', 7 * day, 0, '我的订单三天了还没发货')],
          conversation: summary({ id: 'x1', customerId: 'cust-2', customerName: '王五', openedAt: 7 * day }),
        })
        expect(await ids({ text: '订单三天' })).toEqual({ ids: ['x1', 'c1'], total: 2 })
        await store.eraseCustomer('cust-2')
        expect(await ids({ text: '订单三天' })).toEqual({ ids: ['c1'], total: 1 })
        expect(await ids({ customer: '王五' })).toEqual({ ids: [], total: 0 })
        await store.write({
          entries: [],
          conversation: summary({ id: 'c1', code: 'A1', status: 'closed', closedAt: 1500, rev: 2 }),
        })
        await store.purgeConversationsClosedBefore(2 * day, [])
        expect(await ids({ text: '订单三天' })).toEqual({ ids: [], total: 0 })
        expect(await ids({ text: '发货' })).toEqual({ ids: ['c5'], total: 1 })
      })

      it('keeps a search audit record, with field names and a count only', async () => {
        const record = {
          id: 'audit-search-1',
          at: 3000,
          action: 'search' as const,
          by: 'manager-1',
          via: 'web' as const,
          fields: ['customer' as const, 'from' as const],
          results: 4,
        }
        await store.writeAudit(record)
        expect(await store.auditRecords()).toEqual([record])
        await expect(store.writeAudit({ ...record, id: 'bad', fields: [] })).rejects.toThrow()
      })
    })
  })
}
