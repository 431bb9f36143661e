import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import {
  type ConversationSummary,
  conversationSummarySchema,
  type EventType,
  type TranscriptBatch,
  type TranscriptEntry,
  transcriptEntrySchema,
} from '../domain/transcript.js'
import type { TranscriptStore } from './port.js'

const SCHEMA = `
CREATE TABLE IF NOT EXISTS conversations (
  id TEXT PRIMARY KEY,
  code TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  opened_at INTEGER NOT NULL,
  rev INTEGER NOT NULL,
  json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS conversations_by_customer ON conversations (customer_id, opened_at);
CREATE INDEX IF NOT EXISTS conversations_by_code ON conversations (code, opened_at);
CREATE INDEX IF NOT EXISTS conversations_by_opened ON conversations (opened_at);
CREATE TABLE IF NOT EXISTS entries (
  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  type TEXT,
  json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_by_conversation ON entries (conversation_id, at, seq);
CREATE INDEX IF NOT EXISTS entries_by_type ON entries (type, at, seq);
`

interface PendingGroup {
  batches: TranscriptBatch[]
  done: Promise<void>
}

interface Row {
  id: string
  json: string
}

/**
 * The transcript store of a machine without MongoDB: one SQLite file (better-sqlite3, WAL), so the
 * bot runs anywhere with nothing else installed.
 */
export class EmbeddedTranscriptStore implements TranscriptStore {
  private db: Database.Database | undefined
  private writeBatches: ((batches: TranscriptBatch[]) => void) | undefined
  private pending: PendingGroup | undefined

  constructor(private readonly file: string) {}

  async init(): Promise<void> {
    if (this.db) return
    if (this.file !== ':memory:') mkdirSync(dirname(this.file), { recursive: true })
    const db = new Database(this.file)
    db.pragma('journal_mode = WAL')
    // With WAL, NORMAL syncs at checkpoints rather than every commit: a process crash loses nothing,
    // a power cut may lose the last commits, as Redis itself would without an fsync per write.
    db.pragma('synchronous = NORMAL')
    // Short: a write blocks the whole process while it waits, and a failed write has a retry queue.
    db.pragma('busy_timeout = 100')
    db.exec(SCHEMA)
    const insertEntry = db.prepare(
      'INSERT OR IGNORE INTO entries (id, conversation_id, at, seq, type, json) VALUES (?, ?, ?, ?, ?, ?)',
    )
    const upsertConversation = db.prepare(`
      INSERT INTO conversations (id, code, customer_id, opened_at, rev, json) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET code = excluded.code, customer_id = excluded.customer_id,
        opened_at = excluded.opened_at, rev = excluded.rev, json = excluded.json
      WHERE excluded.rev >= conversations.rev`)
    this.writeBatches = db.transaction((batches: TranscriptBatch[]) => {
      for (const batch of batches) {
        for (const entry of batch.entries) {
          const type = entry.kind === 'event' ? entry.type : null
          insertEntry.run(entry.id, entry.conversationId, entry.at, entry.seq, type, JSON.stringify(entry))
        }
        const summary = batch.conversation
        if (summary) {
          upsertConversation.run(
            summary.id,
            summary.code,
            summary.customerId,
            summary.openedAt,
            summary.rev,
            JSON.stringify(summary),
          )
        }
      }
    })
    this.db = db
  }

  /**
   * Batches written in the same turn of the event loop share one transaction (a group commit): a
   * commit costs far more than a row, and many handlers record at once under load.
   */
  write(batch: TranscriptBatch): Promise<void> {
    if (!this.writeBatches)
      return Promise.reject(new Error('the transcript store is not open: call init() first'))
    if (!this.pending) {
      const group: PendingGroup = { batches: [], done: Promise.resolve() }
      group.done = new Promise<void>((resolve, reject) => {
        setImmediate(() => {
          this.pending = undefined
          try {
            this.writeBatches?.(group.batches)
            resolve()
          } catch (error) {
            reject(error)
          }
        })
      })
      this.pending = group
    }
    this.pending.batches.push(batch)
    return this.pending.done
  }

  async conversation(id: string): Promise<ConversationSummary | null> {
    const row = this.open().prepare('SELECT id, json FROM conversations WHERE id = ?').get(id) as
      | Row
      | undefined
    return row ? conversationOf(row) : null
  }

  async conversationByCode(code: string): Promise<ConversationSummary | null> {
    const row = this.open()
      .prepare('SELECT id, json FROM conversations WHERE code = ? ORDER BY opened_at DESC LIMIT 1')
      .get(code) as Row | undefined
    return row ? conversationOf(row) : null
  }

  async conversationsOfCustomer(customerId: string): Promise<ConversationSummary[]> {
    const rows = this.open()
      .prepare('SELECT id, json FROM conversations WHERE customer_id = ? ORDER BY opened_at DESC')
      .all(customerId) as Row[]
    return rows.map(conversationOf)
  }

  async conversationsOpenedBetween(from: number, to: number): Promise<ConversationSummary[]> {
    const rows = this.open()
      .prepare('SELECT id, json FROM conversations WHERE opened_at >= ? AND opened_at < ? ORDER BY opened_at')
      .all(from, to) as Row[]
    return rows.map(conversationOf)
  }

  async entries(conversationId: string, options: { limit?: number } = {}): Promise<TranscriptEntry[]> {
    const db = this.open()
    const rows =
      options.limit === undefined
        ? (db
            .prepare('SELECT id, json FROM entries WHERE conversation_id = ? ORDER BY at, seq')
            .all(conversationId) as Row[])
        : (
            db
              .prepare(
                'SELECT id, json FROM entries WHERE conversation_id = ? ORDER BY at DESC, seq DESC LIMIT ?',
              )
              .all(conversationId, options.limit) as Row[]
          ).reverse()
    return rows.map(entryOf)
  }

  async eventsBetween(type: EventType, from: number, to: number): Promise<TranscriptEntry[]> {
    const rows = this.open()
      .prepare('SELECT id, json FROM entries WHERE type = ? AND at >= ? AND at < ? ORDER BY at, seq')
      .all(type, from, to) as Row[]
    return rows.map(entryOf)
  }

  async close(): Promise<void> {
    await this.pending?.done.catch(() => undefined)
    this.db?.close()
    this.db = undefined
    this.writeBatches = undefined
  }

  private open(): Database.Database {
    if (!this.db) throw new Error('the transcript store is not open: call init() first')
    return this.db
  }
}

/** Rows are parsed back through the schemas, so a damaged row fails loudly, naming itself. */
function entryOf(row: Row): TranscriptEntry {
  const parsed = transcriptEntrySchema.safeParse(JSON.parse(row.json))
  if (!parsed.success) throw new Error(`transcript entry ${row.id} is damaged: ${parsed.error.message}`)
  return parsed.data
}

function conversationOf(row: Row): ConversationSummary {
  const parsed = conversationSummarySchema.safeParse(JSON.parse(row.json))
  if (!parsed.success) throw new Error(`conversation ${row.id} is damaged: ${parsed.error.message}`)
  return parsed.data
}
