import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { groupThreadId } from '../../src/domain/groups.js'
import type { TranscriptEntry } from '../../src/domain/transcript.js'
import { EmbeddedTranscriptStore } from '../../src/store/embedded.js'
import { describeTranscriptStoreConformance, event, handover, message, summary } from './store-conformance.js'

const dir = mkdtempSync(join(tmpdir(), 'kefu-store-'))
let files = 0
const freshFile = () => join(dir, `nested-${++files}`, 'transcripts.db')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describeTranscriptStoreConformance('embedded file', async () => new EmbeddedTranscriptStore(freshFile()))

describe('embedded transcript store', () => {
  it('keeps what it stored when the file is closed and opened again', async () => {
    const file = freshFile()
    const first = new EmbeddedTranscriptStore(file)
    await first.init()
    await first.write({
      entries: [message('m1', 'c1', 1000, 0, '还在吗')],
      conversation: summary({ id: 'c1' }),
    })
    await first.close()
    const second = new EmbeddedTranscriptStore(file)
    await second.init()
    expect(await second.entries('c1')).toMatchObject([{ id: 'm1', text: '还在吗' }])
    expect(await second.conversation('c1')).toMatchObject({ code: 'A1' })
    await second.close()
  })

  it('reports a damaged row by its id instead of returning it', async () => {
    const file = freshFile()
    const store = new EmbeddedTranscriptStore(file)
    await store.init()
    await store.write({ entries: [message('m1', 'c1', 1000, 0)] })
    const raw = new Database(file)
    raw.prepare('UPDATE entries SET json = \'{"kind":"message"}\' WHERE id = \'m1\'').run()
    raw.close()
    await expect(store.entries('c1')).rejects.toThrow(/transcript entry m1 is damaged/)
    await store.close()
  })

  it('fills the search index from the messages of a file made before it, and keeps it in step after', async () => {
    const file = freshFile()
    const first = new EmbeddedTranscriptStore(file)
    await first.init()
    await first.write({
      entries: [message('m1', 'c1', 1000, 0, '我的订单三天了还没发货')],
      conversation: summary({ id: 'c1' }),
    })
    await first.close()
    // As a file from before search: no message index, no search columns.
    const raw = new Database(file)
    raw.exec(`DROP TRIGGER message_text_insert; DROP TRIGGER message_text_delete; DROP INDEX conversations_by_customer_name;
      DROP TABLE message_text; DROP TABLE message_rows;`)
    for (const column of ['status', 'agent_id', 'category', 'rating'])
      raw.exec(`DROP INDEX conversations_by_${column}`)
    for (const column of ['status', 'agent_id', 'category', 'rating', 'customer_name'])
      raw.exec(`ALTER TABLE conversations DROP COLUMN ${column}`)
    raw.close()
    const second = new EmbeddedTranscriptStore(file)
    await second.init()
    const page = { offset: 0, limit: 20 }
    expect((await second.searchConversations({ text: '三天了', agentId: 'agent-a' }, page)).total).toBe(1)
    await second.write({ entries: [message('m2', 'c1', 2000, 0, '退款什么时候到账')] })
    expect((await second.searchConversations({ text: '退款' }, page)).total).toBe(1)
    await second.close()
  })

  it('keeps handovers and their acknowledgement when the file is closed and opened again', async () => {
    const file = freshFile()
    const first = new EmbeddedTranscriptStore(file)
    await first.init()
    await first.writeHandover(handover({ id: 'h1', to: ['agent-b', 'sup-1'] }))
    await first.acknowledgeHandover('h1', 'agent-b', 2000)
    await first.close()
    const second = new EmbeddedTranscriptStore(file)
    await second.init()
    const acked = handover({ id: 'h1', to: ['agent-b', 'sup-1'], ackedBy: 'agent-b', ackedAt: 2000 })
    expect(await second.handover('h1')).toEqual(acked)
    expect(await second.handoversFor('sup-1')).toEqual([acked])
    await second.close()
  })

  it('applies writes, acknowledgements and purges in the order they were called, in one commit', async () => {
    const store = new EmbeddedTranscriptStore(freshFile())
    await store.init()
    const calls = [
      store.writeHandover(handover({ id: 'h1', at: 500 })),
      store.acknowledgeHandover('h1', 'agent-b', 600),
      store.writeHandover(handover({ id: 'h2', at: 2000 })),
      store.purgeHandoversBefore(1000),
      store.write({ entries: [message('m1', 'c1', 1000, 0)] }),
    ]
    const [, acked, , purged] = await Promise.all(calls)
    expect(acked).toMatchObject({ id: 'h1', ackedBy: 'agent-b', ackedAt: 600 })
    expect(purged).toBe(1)
    expect((await store.handoversBetween(0, 10_000)).map((record) => record.id)).toEqual(['h2'])
    expect(await store.entries('c1')).toHaveLength(1)
    await store.close()
  })

  it('reports a damaged handover by its id, and an acknowledgement of it fails no other write', async () => {
    const file = freshFile()
    const store = new EmbeddedTranscriptStore(file)
    await store.init()
    await store.writeHandover(handover({ id: 'h1' }))
    await store.writeHandover(handover({ id: 'h2' }))
    const raw = new Database(file)
    raw.prepare("UPDATE handovers SET json = '{\"id\":' WHERE id = 'h1'").run()
    raw.prepare('UPDATE handovers SET json = \'{"id":"h2"}\' WHERE id = \'h2\'').run()
    raw.close()
    await expect(store.handover('h1')).rejects.toThrow(/handover h1 is damaged/)
    await expect(store.handover('h2')).rejects.toThrow(/handover h2 is damaged/)
    const written = store.write({ entries: [message('m1', 'c1', 1000, 0)] })
    await expect(store.acknowledgeHandover('h1', 'agent-b', 2000)).rejects.toThrow(/handover h1 is damaged/)
    await written
    expect(await store.entries('c1')).toHaveLength(1)
    await store.close()
  })

  it('lets writes in between the rounds of a long retention purge', async () => {
    const store = new EmbeddedTranscriptStore(freshFile())
    await store.init()
    await Promise.all(
      Array.from({ length: 1000 }, (_, n) =>
        store.write({
          entries: [message(`m${n}`, `c${n}`, n, 0)],
          conversation: summary({ id: `c${n}`, openedAt: n, status: 'closed', closedAt: n + 1 }),
        }),
      ),
    )
    const order: string[] = []
    const purge = store.purgeConversationsClosedBefore(5000, []).then((purged) => {
      order.push('purge')
      return purged
    })
    await new Promise((wake) => setImmediate(wake))
    await store.write({ entries: [message('new', 'c-new', 9000, 0)] }).then(() => order.push('write'))
    expect(await purge).toEqual({ conversations: 1000, entries: 1000 })
    expect(order).toEqual(['write', 'purge'])
    expect(await store.entries('c-new')).toHaveLength(1)
    await store.close()
  })

  it('answers the handover queries from indexes, not by scanning every record', async () => {
    const file = freshFile()
    const store = new EmbeddedTranscriptStore(file)
    await store.init()
    await store.close()
    const raw = new Database(file)
    const plan = (sql: string, ...parameters: unknown[]) =>
      (raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...parameters) as { detail: string }[])
        .map((row) => row.detail)
        .join('; ')
    const forStaff = plan(
      `SELECT h.id, h.json FROM handover_recipients r JOIN handovers h ON h.id = r.handover_id
       WHERE r.staff_id = ? AND h.acked_at IS NULL ORDER BY r.at DESC, r.handover_id DESC`,
      'agent-b',
    )
    expect(forStaff).toMatch(/handover_recipients_by_staff/)
    expect(forStaff).not.toMatch(/TEMP B-TREE|SCAN/)
    const between = plan('SELECT id, json FROM handovers WHERE at >= ? AND at < ? ORDER BY at, id', 0, 1)
    expect(between).toMatch(/handovers_by_at/)
    expect(between).not.toMatch(/TEMP B-TREE|SCAN/)
    expect(plan('DELETE FROM handovers WHERE at < ?', 1)).toMatch(/handovers_by_at/)
    raw.close()
  })

  it("gives a file from before entries had a customer the column, and its rooms' entries their customer", async () => {
    const file = freshFile()
    const room = groupThreadId('shop@chatroom')
    const rows: TranscriptEntry[] = [
      message('m1', 'c1', 1000, 0),
      { ...message('g1', room, 2000, 1, '电话13912345678'), actor: { id: 'cust-1', role: 'customer' } },
      { ...event('g1-waiting', room, 2000, 'group-waiting', { customerId: 'cust-1' }), seq: 2 },
      { ...message('s1', room, 2500, 1, '您好'), direction: 'out', actor: { id: 'agent-a', role: 'agent' } },
      { ...event('g1-answered', room, 2500, 'group-answered', { customerId: 'cust-1' }), seq: 2 },
      { ...message('g2', room, 2600, 1), actor: { id: 'cust-2', role: 'customer' } },
    ]
    mkdirSync(dirname(file), { recursive: true })
    // The schema as it was: no customer_id on entries.
    const old = new Database(file)
    old.exec(`
      CREATE TABLE conversations (id TEXT PRIMARY KEY, code TEXT NOT NULL, customer_id TEXT NOT NULL,
        opened_at INTEGER NOT NULL, rev INTEGER NOT NULL, json TEXT NOT NULL);
      CREATE TABLE entries (id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL, at INTEGER NOT NULL,
        seq INTEGER NOT NULL, type TEXT, json TEXT NOT NULL);
      CREATE INDEX entries_by_conversation ON entries (conversation_id, at, seq);`)
    const insert = old.prepare(
      'INSERT INTO entries (id, conversation_id, at, seq, type, json) VALUES (?, ?, ?, ?, ?, ?)',
    )
    for (const entry of rows)
      insert.run(
        entry.id,
        entry.conversationId,
        entry.at,
        entry.seq,
        entry.kind === 'event' ? entry.type : null,
        JSON.stringify(entry),
      )
    insert.run('damaged', room, 2700, 1, null, '{"kind":')
    old
      .prepare(
        'INSERT INTO conversations (id, code, customer_id, opened_at, rev, json) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run('c1', 'A1', 'cust-1', 1000, 1, JSON.stringify(summary({ id: 'c1' })))
    old.close()

    const store = new EmbeddedTranscriptStore(file)
    await store.init()
    expect((await store.customerData('cust-1')).entries.map((entry) => entry.id)).toEqual([
      'm1',
      'g1',
      'g1-waiting',
      'g1-answered',
    ])
    expect(await store.eraseCustomer('cust-1')).toEqual({ conversations: 1, entries: 4 })
    await store.close()
    const raw = new Database(file)
    expect(raw.prepare('SELECT id, customer_id FROM entries ORDER BY at, seq').all()).toEqual([
      { id: 's1', customer_id: null },
      { id: 'g2', customer_id: 'cust-2' },
      { id: 'damaged', customer_id: null },
    ])
    raw.close()
    // Migrated, the file opens as any other.
    const again = new EmbeddedTranscriptStore(file)
    await again.init()
    expect((await again.customerData('cust-2')).entries.map((entry) => entry.id)).toEqual(['g2'])
    await again.close()
  })

  it("finds a customer's entries in rooms by their index, not by scanning every entry", async () => {
    const file = freshFile()
    const store = new EmbeddedTranscriptStore(file)
    await store.init()
    await store.close()
    const raw = new Database(file)
    for (const sql of [
      'SELECT id, json FROM entries WHERE customer_id = ? ORDER BY at, seq',
      'DELETE FROM entries WHERE customer_id = ?',
    ]) {
      const plan = (raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('cust-1') as { detail: string }[])
        .map((row) => row.detail)
        .join('; ')
      expect(plan, sql).toMatch(/entries_by_customer/)
      expect(plan, sql).not.toMatch(/TEMP B-TREE|SCAN/)
    }
    raw.close()
  })

  it('says clearly that it must be opened first', async () => {
    await expect(new EmbeddedTranscriptStore(freshFile()).entries('c1')).rejects.toThrow(
      /call init\(\) first/,
    )
    await expect(
      new EmbeddedTranscriptStore(freshFile()).writeHandover(handover({ id: 'h1' })),
    ).rejects.toThrow(/call init\(\) first/)
  })
})
