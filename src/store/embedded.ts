import { existsSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { GROUP_THREADS, groupEntryCustomer } from '../domain/groups.js'
import { type Handover, handoverAckSchema, handoverSchema } from '../domain/handover.js'
import {
  type AuditRecord,
  auditRecordSchema,
  type CustomerData,
  type ErasedCounts,
} from '../domain/privacy.js'
import {
  type ConversationSummary,
  conversationSummarySchema,
  type EventType,
  type TranscriptBatch,
  type TranscriptEntry,
  transcriptEntrySchema,
} from '../domain/transcript.js'
import type {
  ConversationQuery,
  PurgedTranscripts,
  SearchPage,
  SearchResult,
  TranscriptStore,
} from './port.js'

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
  json TEXT NOT NULL,
  customer_id TEXT
);
CREATE INDEX IF NOT EXISTS entries_by_conversation ON entries (conversation_id, at, seq);
-- Events only: reports read them by type; messages (half the entries) need no place in this index.
DROP INDEX IF EXISTS entries_by_type;
CREATE INDEX IF NOT EXISTS events_by_type ON entries (type, at, seq) WHERE type IS NOT NULL;
CREATE TABLE IF NOT EXISTS handovers (
  id TEXT PRIMARY KEY,
  at INTEGER NOT NULL,
  from_id TEXT NOT NULL,
  acked_at INTEGER,
  json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS handovers_by_at ON handovers (at, id);
CREATE TABLE IF NOT EXISTS handover_recipients (
  handover_id TEXT NOT NULL,
  staff_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (handover_id, staff_id)
);
CREATE INDEX IF NOT EXISTS handover_recipients_by_staff ON handover_recipients (staff_id, at, handover_id);
CREATE TABLE IF NOT EXISTS audit (
  id TEXT PRIMARY KEY,
  at INTEGER NOT NULL,
  json TEXT NOT NULL
);
`

/**
 * After `migrate`, which gives a file from before it the column: a customer's entries in room
 * records (export, erase). Only those rows have a customer_id, so the index holds only them.
 */
const CUSTOMER_INDEX = `
CREATE INDEX IF NOT EXISTS entries_by_customer ON entries (customer_id, at, seq) WHERE customer_id IS NOT NULL;
`

/**
 * Search (`searchConversations`): the summary fields it filters by, as virtual columns read from the
 * JSON (nothing to write, nothing to backfill; a damaged row reads as NULL and is left for a reader
 * to report), each indexed with the opening time so that a filter and "newest first" are one range.
 */
const SEARCH_COLUMNS: Record<string, string> = {
  status: '$.status',
  agent_id: '$.agentId',
  category: '$.category',
  rating: '$.rating',
  customer_name: '$.customerName',
}

/**
 * Messages' text for search: `message_rows` holds each message of a 1:1 conversation (its entry,
 * conversation, whether the customer wrote it, its text), and `message_text` indexes that text with
 * FTS5's trigram tokenizer, which finds any substring of three characters or more (Chinese has no
 * spaces to split words at) without a copy of the text (external content). The rows have their own
 * numbers: an entries rowid would do, but VACUUM may renumber those. Triggers on `entries` keep both
 * in step with every write, purge and erase, in the same transaction. Rooms' records stay out.
 */
const MESSAGE_TEXT = `
CREATE TABLE message_rows (
  n INTEGER PRIMARY KEY,
  entry_id TEXT NOT NULL UNIQUE,
  conversation_id TEXT NOT NULL,
  inbound INTEGER NOT NULL,
  text TEXT NOT NULL
);
CREATE VIRTUAL TABLE message_text USING fts5(text, content = 'message_rows', content_rowid = 'n', tokenize = 'trigram');
CREATE TRIGGER message_text_insert AFTER INSERT ON entries
WHEN NEW.type IS NULL AND NOT (NEW.conversation_id >= '${GROUP_THREADS.from}' AND NEW.conversation_id < '${GROUP_THREADS.to}')
  AND json_valid(NEW.json) AND json_extract(NEW.json, '$.kind') = 'message'
BEGIN
  INSERT INTO message_rows (entry_id, conversation_id, inbound, text)
    VALUES (NEW.id, NEW.conversation_id, json_extract(NEW.json, '$.direction') = 'in', coalesce(json_extract(NEW.json, '$.text'), ''));
  INSERT INTO message_text (rowid, text) SELECT n, text FROM message_rows WHERE n = last_insert_rowid();
END;
CREATE TRIGGER message_text_delete AFTER DELETE ON entries WHEN OLD.type IS NULL
BEGIN
  INSERT INTO message_text (message_text, rowid, text)
    SELECT 'delete', n, text FROM message_rows WHERE entry_id = OLD.id;
  DELETE FROM message_rows WHERE entry_id = OLD.id;
END;
`

/**
 * Gives a file from before search its columns, indexes and message index, filling the index from the
 * messages already stored, in one immediate transaction: cut short, none of it is there and the
 * next start does it all; of two processes, the second finds it done.
 */
function migrateSearch(db: Database.Database): void {
  db.transaction(() => {
    const columns = new Set(
      (db.prepare('PRAGMA table_xinfo(conversations)').all() as { name: string }[]).map((c) => c.name),
    )
    for (const [column, path] of Object.entries(SEARCH_COLUMNS)) {
      if (columns.has(column)) continue
      db.exec(`ALTER TABLE conversations ADD COLUMN ${column}
        GENERATED ALWAYS AS (CASE WHEN json_valid(json) THEN json_extract(json, '${path}') END) VIRTUAL`)
    }
    for (const column of ['status', 'agent_id', 'category', 'rating']) {
      db.exec(`CREATE INDEX IF NOT EXISTS conversations_by_${column} ON conversations (${column}, opened_at)`)
    }
    // Names are matched as substrings, so by a scan: of this index, not of every summary's JSON.
    db.exec('CREATE INDEX IF NOT EXISTS conversations_by_customer_name ON conversations (customer_name, id)')
    if (db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'message_rows'").get()) return
    db.exec(MESSAGE_TEXT)
    db.exec(`
      INSERT INTO message_rows (entry_id, conversation_id, inbound, text)
        SELECT id, conversation_id, json_extract(json, '$.direction') = 'in', coalesce(json_extract(json, '$.text'), '') FROM entries
        WHERE type IS NULL AND NOT (conversation_id >= '${GROUP_THREADS.from}' AND conversation_id < '${GROUP_THREADS.to}')
          AND json_valid(json) AND json_extract(json, '$.kind') = 'message'
        ORDER BY rowid;
      INSERT INTO message_text (message_text) VALUES ('rebuild');`)
  }).immediate()
}

/**
 * A file made before entries had a customer_id gets the column, and its rooms' entries get their
 * customer, in one transaction: cut short, the column is not there and the next start does it all.
 * Immediate, so that of two processes opening the old file the second sees the column and skips.
 */
function migrate(db: Database.Database): void {
  db.transaction(() => {
    const columns = db.prepare('PRAGMA table_info(entries)').all() as { name: string }[]
    if (columns.some((column) => column.name === 'customer_id')) return
    db.exec('ALTER TABLE entries ADD COLUMN customer_id TEXT')
    const setCustomer = db.prepare('UPDATE entries SET customer_id = ? WHERE id = ?')
    // Read whole before the updates (a connection updates nothing while it iterates); rooms' records
    // are young, as watched groups are, so they are small.
    const roomRows = db
      .prepare('SELECT id, json FROM entries WHERE conversation_id >= ? AND conversation_id < ?')
      .all(GROUP_THREADS.from, GROUP_THREADS.to) as Row[]
    for (const row of roomRows) {
      const customerId = storedCustomer(row)
      if (customerId) setCustomer.run(customerId, row.id)
    }
  }).immediate()
}

/**
 * The customer of a stored room entry; none for a damaged row, which must not stop the start-up
 * (reading the room reports it by its id).
 */
function storedCustomer(row: Row): string | undefined {
  try {
    const parsed = transcriptEntrySchema.safeParse(JSON.parse(row.json))
    return parsed.success ? groupEntryCustomer(parsed.data) : undefined
  } catch {
    return undefined
  }
}

/**
 * Every write — transcript batches and handover changes alike — is one operation of a group that
 * commits in one transaction, in the order the calls were made.
 */
interface PendingGroup {
  operations: (() => void)[]
  done: Promise<void>
}

interface Statements {
  writeBatch(batch: TranscriptBatch): void
  writeHandover(record: Handover): void
  acknowledgeHandover(id: string, by: string, at: number): Row | undefined
  purgeHandoversBefore(at: number): number
  purgeClosedChunk(at: number, keep: string, limit: number): PurgedTranscripts
  eraseCustomer(customerId: string): ErasedCounts
  writeAudit(record: AuditRecord): void
}

/**
 * Conversations deleted per transaction by the retention purge: with their entries a few thousand
 * rows, a few milliseconds during which the bot's writes wait.
 */
const PURGE_CHUNK = 200

interface Row {
  id: string
  json: string
}

/**
 * The transcript store of a machine without MongoDB: one SQLite file (better-sqlite3, WAL), so the
 * bot runs anywhere with nothing else installed.
 *
 * Handovers: one row each in `handovers` (the record as JSON, with `at` and `acked_at` as columns for
 * the range queries and the unacknowledged filter), and one row per addressee in `handover_recipients`
 * so that "handovers for this staff member, newest first" is an index range, not a scan of every
 * record's JSON. Both are written in the same transaction; the purge deletes both.
 */
/** A reader was pointed at a store file that is not there: most likely a mistyped path. */
export class StoreNotFoundError extends Error {
  constructor(readonly file: string) {
    super(`no transcript store at ${file}`)
    this.name = 'StoreNotFoundError'
  }
}

export class EmbeddedTranscriptStore implements TranscriptStore {
  private db: Database.Database | undefined
  private statements: Statements | undefined
  private runGroup: ((operations: (() => void)[]) => void) | undefined
  private pending: PendingGroup | undefined

  /** `existing`: open only a store that is there (a reader such as the report), creating nothing. */
  constructor(
    private readonly file: string,
    private readonly options: { existing?: boolean } = {},
  ) {}

  async init(): Promise<void> {
    if (this.db) return
    if (this.file !== ':memory:') {
      if (this.options.existing && !existsSync(this.file)) throw new StoreNotFoundError(this.file)
      mkdirSync(dirname(this.file), { recursive: true })
    }
    const db = new Database(this.file, { fileMustExist: this.options.existing === true })
    db.pragma('journal_mode = WAL')
    // With WAL, NORMAL syncs at checkpoints rather than every commit: a process crash loses nothing,
    // a power cut may lose the last commits, as Redis itself would without an fsync per write.
    db.pragma('synchronous = NORMAL')
    // Short: a write blocks the whole process while it waits, and a failed write has a retry queue.
    db.pragma('busy_timeout = 100')
    db.exec(SCHEMA)
    migrate(db)
    db.exec(CUSTOMER_INDEX)
    migrateSearch(db)
    const insertEntry = db.prepare(
      'INSERT OR IGNORE INTO entries (id, conversation_id, at, seq, type, json, customer_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
    )
    const upsertConversation = db.prepare(`
      INSERT INTO conversations (id, code, customer_id, opened_at, rev, json) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET code = excluded.code, customer_id = excluded.customer_id,
        opened_at = excluded.opened_at, rev = excluded.rev, json = excluded.json
      WHERE excluded.rev >= conversations.rev`)
    const insertHandover = db.prepare(
      'INSERT OR IGNORE INTO handovers (id, at, from_id, acked_at, json) VALUES (?, ?, ?, ?, ?)',
    )
    const insertRecipient = db.prepare(
      'INSERT OR IGNORE INTO handover_recipients (handover_id, staff_id, at) VALUES (?, ?, ?)',
    )
    // One statement, so the first acknowledgement wins even against another process on the file; a
    // row whose JSON is damaged is left alone (reading it back reports it) rather than failing the group.
    const ackHandover = db.prepare(`
      UPDATE handovers SET acked_at = CAST(@at AS INTEGER),
        json = json_set(json, '$.ackedBy', @by, '$.ackedAt', CAST(@at AS INTEGER))
      WHERE id = @id AND acked_at IS NULL AND json_valid(json)`)
    const selectHandover = db.prepare('SELECT id, json FROM handovers WHERE id = ?')
    const purgeRecipients = db.prepare(
      'DELETE FROM handover_recipients WHERE handover_id IN (SELECT id FROM handovers WHERE at < ?)',
    )
    const purgeHandovers = db.prepare('DELETE FROM handovers WHERE at < ?')
    // A conversation closes after it opened, so the opened_at index bounds the scan; `keep` is a JSON
    // array of ids (open in live state). A row whose JSON is damaged is left for a reader to report.
    const selectClosed = db.prepare(`
      SELECT id FROM conversations
      WHERE opened_at < @at
        AND CASE WHEN json_valid(json)
          THEN json_extract(json, '$.status') = 'closed' AND json_extract(json, '$.closedAt') < @at
          ELSE 0 END
        AND id NOT IN (SELECT value FROM json_each(@keep))
      ORDER BY opened_at LIMIT @limit`)
    const deleteEntries = db.prepare('DELETE FROM entries WHERE conversation_id = ?')
    const deleteConversation = db.prepare('DELETE FROM conversations WHERE id = ?')
    const eraseEntries = db.prepare(
      'DELETE FROM entries WHERE conversation_id IN (SELECT id FROM conversations WHERE customer_id = ?)',
    )
    const eraseConversations = db.prepare('DELETE FROM conversations WHERE customer_id = ?')
    const eraseRoomEntries = db.prepare('DELETE FROM entries WHERE customer_id = ?')
    const insertAudit = db.prepare('INSERT OR IGNORE INTO audit (id, at, json) VALUES (?, ?, ?)')
    this.statements = {
      writeBatch(batch) {
        for (const entry of batch.entries) {
          const type = entry.kind === 'event' ? entry.type : null
          insertEntry.run(
            entry.id,
            entry.conversationId,
            entry.at,
            entry.seq,
            type,
            JSON.stringify(entry),
            groupEntryCustomer(entry) ?? null,
          )
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
      },
      writeHandover(record) {
        const inserted = insertHandover.run(
          record.id,
          record.at,
          record.from,
          record.ackedAt ?? null,
          JSON.stringify(record),
        )
        // A record already stored keeps its addressees as they were, like the rest of it.
        if (inserted.changes === 0) return
        for (const staffId of record.to) insertRecipient.run(record.id, staffId, record.at)
      },
      acknowledgeHandover(id, by, at) {
        ackHandover.run({ by, at, id })
        return selectHandover.get(id) as Row | undefined
      },
      purgeHandoversBefore(at) {
        purgeRecipients.run(at)
        return purgeHandovers.run(at).changes
      },
      purgeClosedChunk(at, keep, limit) {
        const purged = { conversations: 0, entries: 0 }
        for (const { id } of selectClosed.all({ at, keep, limit }) as { id: string }[]) {
          purged.entries += deleteEntries.run(id).changes
          purged.conversations += deleteConversation.run(id).changes
        }
        return purged
      },
      eraseCustomer(customerId) {
        const entries = eraseEntries.run(customerId).changes + eraseRoomEntries.run(customerId).changes
        return { conversations: eraseConversations.run(customerId).changes, entries }
      },
      writeAudit(record) {
        insertAudit.run(record.id, record.at, JSON.stringify(record))
      },
    }
    this.runGroup = db.transaction((operations: (() => void)[]) => {
      for (const operation of operations) operation()
    })
    this.db = db
  }

  /**
   * Batches written in the same turn of the event loop share one transaction (a group commit): a
   * commit costs far more than a row, and many handlers record at once under load.
   */
  write(batch: TranscriptBatch): Promise<void> {
    return this.enqueue((statements) => statements.writeBatch(batch))
  }

  async writeHandover(record: Handover): Promise<void> {
    const parsed = handoverSchema.parse(record)
    return this.enqueue((statements) => statements.writeHandover(parsed))
  }

  async acknowledgeHandover(id: string, by: string, at: number): Promise<Handover | null> {
    const { ackedBy, ackedAt } = handoverAckSchema.parse({ ackedBy: by, ackedAt: at })
    const row = await this.enqueue((statements) => statements.acknowledgeHandover(id, ackedBy, ackedAt))
    return row ? handoverOf(row) : null
  }

  async handover(id: string): Promise<Handover | null> {
    const row = this.open().prepare('SELECT id, json FROM handovers WHERE id = ?').get(id) as Row | undefined
    return row ? handoverOf(row) : null
  }

  async handoversFor(staffId: string, options: { unacknowledgedOnly?: boolean } = {}): Promise<Handover[]> {
    const unacknowledged = options.unacknowledgedOnly ? 'AND h.acked_at IS NULL' : ''
    const rows = this.open()
      .prepare(`
        SELECT h.id, h.json FROM handover_recipients r JOIN handovers h ON h.id = r.handover_id
        WHERE r.staff_id = ? ${unacknowledged} ORDER BY r.at DESC, r.handover_id DESC`)
      .all(staffId) as Row[]
    return rows.map(handoverOf)
  }

  async handoversBetween(from: number, to: number): Promise<Handover[]> {
    const rows = this.open()
      .prepare('SELECT id, json FROM handovers WHERE at >= ? AND at < ? ORDER BY at, id')
      .all(from, to) as Row[]
    return rows.map(handoverOf)
  }

  purgeHandoversBefore(at: number): Promise<number> {
    return this.enqueue((statements) => statements.purgeHandoversBefore(at))
  }

  /** One transaction per chunk, each in its own group commit: the bot's writes go on in between. */
  async purgeConversationsClosedBefore(at: number, keep: readonly string[]): Promise<PurgedTranscripts> {
    const kept = JSON.stringify(keep)
    const purged = { conversations: 0, entries: 0 }
    for (;;) {
      const chunk = await this.enqueue((statements) => statements.purgeClosedChunk(at, kept, PURGE_CHUNK))
      purged.conversations += chunk.conversations
      purged.entries += chunk.entries
      if (chunk.conversations < PURGE_CHUNK) return purged
    }
  }

  /**
   * In the write group's transaction: entries (theirs in room records too) and conversations go
   * together or not at all.
   */
  eraseCustomer(customerId: string): Promise<ErasedCounts> {
    return this.enqueue((statements) => statements.eraseCustomer(customerId))
  }

  async writeAudit(record: AuditRecord): Promise<void> {
    const parsed = auditRecordSchema.parse(record)
    return this.enqueue((statements) => statements.writeAudit(parsed))
  }

  async auditRecords(): Promise<AuditRecord[]> {
    const rows = this.open().prepare('SELECT id, json FROM audit ORDER BY at, id').all() as Row[]
    return rows.map((row) => auditRecordSchema.parse(JSON.parse(row.json)))
  }

  async customerData(customerId: string): Promise<CustomerData> {
    const conversations = await this.conversationsOfCustomer(customerId)
    const entries: TranscriptEntry[] = []
    for (const conversation of conversations) entries.push(...(await this.entries(conversation.id)))
    const roomRows = this.open()
      .prepare('SELECT id, json FROM entries WHERE customer_id = ? ORDER BY at, seq')
      .all(customerId) as Row[]
    entries.push(...roomRows.map(entryOf))
    return { customerId, conversations, entries }
  }

  /** Adds one operation to the group that commits at the next turn of the event loop; its result. */
  private enqueue<T>(operation: (statements: Statements) => T): Promise<T> {
    const statements = this.statements
    if (!statements) return Promise.reject(new Error('the transcript store is not open: call init() first'))
    if (!this.pending) {
      const group: PendingGroup = { operations: [], done: Promise.resolve() }
      group.done = new Promise<void>((resolve, reject) => {
        setImmediate(() => {
          this.pending = undefined
          try {
            this.runGroup?.(group.operations)
            resolve()
          } catch (error) {
            reject(error)
          }
        })
      })
      this.pending = group
    }
    let result: T | undefined
    this.pending.operations.push(() => {
      result = operation(statements)
    })
    return this.pending.done.then(() => result as T)
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

  async searchConversations(query: ConversationQuery, page: SearchPage): Promise<SearchResult> {
    const { where, values } = searchFilter(query)
    const db = this.open()
    const paged = { ...values, limit: page.limit, offset: page.offset }
    if (query.text === undefined && query.customer === undefined) {
      // By the indexes alone: the count from an index, the page from the opened_at order.
      const { total } = db
        .prepare(`SELECT count(*) AS total FROM conversations WHERE ${where}`)
        .get(values) as {
        total: number
      }
      const rows = db
        .prepare(`SELECT id, json FROM conversations WHERE ${where}
          ORDER BY opened_at DESC, id DESC LIMIT @limit OFFSET @offset`)
        .all(paged) as Row[]
      return { conversations: rows.map(conversationOf), total }
    }
    // A text is looked up once, for the count and the page both: the matches are kept aside (their
    // rowids, only for this statement) and the page's summaries read from them.
    const rows = db
      .prepare(`
        WITH hits AS MATERIALIZED (SELECT rowid AS n, opened_at, id FROM conversations WHERE ${where}),
          page AS (SELECT n, opened_at, id FROM hits ORDER BY opened_at DESC, id DESC LIMIT @limit OFFSET @offset)
        SELECT (SELECT count(*) FROM hits) AS total, c.id, c.json
        FROM (SELECT 1) LEFT JOIN page p LEFT JOIN conversations c ON c.rowid = p.n
        ORDER BY p.opened_at DESC, p.id DESC`)
      .all(paged) as (Row & { total: number })[]
    return {
      conversations: rows.filter((row) => row.id !== null).map(conversationOf),
      total: rows[0]?.total ?? 0,
    }
  }

  async close(): Promise<void> {
    await this.pending?.done.catch(() => undefined)
    this.db?.close()
    this.db = undefined
    this.statements = undefined
    this.runGroup = undefined
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

function handoverOf(row: Row): Handover {
  let json: unknown
  try {
    json = JSON.parse(row.json)
  } catch (error) {
    throw new Error(`handover ${row.id} is damaged: ${(error as Error).message}`)
  }
  const parsed = handoverSchema.safeParse(json)
  if (!parsed.success) throw new Error(`handover ${row.id} is damaged: ${parsed.error.message}`)
  return parsed.data
}

/** The WHERE clause of a search and its named values: one condition per filter given. */
function searchFilter(query: ConversationQuery): { where: string; values: Record<string, string | number> } {
  const conditions: string[] = ['1']
  const values: Record<string, string | number> = {}
  const equal = (column: string, value: string | number | undefined) => {
    if (value === undefined) return
    conditions.push(`${column} = @${column}`)
    values[column] = value
  }
  equal('code', query.code)
  equal('agent_id', query.agentId)
  equal('category', query.category)
  equal('status', query.status)
  equal('rating', query.rating)
  if (query.openedFrom !== undefined) {
    conditions.push('opened_at >= @openedFrom')
    values.openedFrom = query.openedFrom
  }
  if (query.openedTo !== undefined) {
    conditions.push('opened_at < @openedTo')
    values.openedTo = query.openedTo
  }
  if (query.text !== undefined) {
    conditions.push(`id IN (${messagesHolding('text', query.text, values)})`)
  }
  if (query.customer !== undefined) {
    values.customerName = likePattern(query.customer)
    // A substring is no range, so the names are scanned: in their index, which the planner would
    // otherwise pass over for the table, working out every summary's name from its JSON.
    const theirs = messagesHolding('customer', query.customer, values, 'AND r.inbound = 1')
    conditions.push(`id IN (SELECT id FROM conversations INDEXED BY conversations_by_customer_name WHERE customer_name LIKE @customerName ESCAPE '\\'
      UNION ${theirs})`)
  }
  return { where: conditions.join(' AND '), values }
}

/**
 * The conversations with a message holding the text: a phrase of the trigram index for three
 * characters or more; a shorter text (two Chinese characters are a word) has no trigram, so it is a
 * LIKE over the messages' texts: a scan, but of those only, never of the entries' JSON.
 */
function messagesHolding(
  name: string,
  text: string,
  values: Record<string, string | number>,
  also = '',
): string {
  const short = [...text].length < 3
  values[name] = short ? likePattern(text) : `"${text.replace(/"/g, '""')}"`
  if (short) {
    return `SELECT r.conversation_id FROM message_rows r WHERE r.text LIKE @${name} ESCAPE '\\' ${also}`
  }
  return `SELECT r.conversation_id FROM message_text t JOIN message_rows r ON r.n = t.rowid
    WHERE message_text MATCH @${name} ${also}`
}

/** `%text%` with LIKE's own characters escaped. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`
}
