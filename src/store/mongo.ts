import mongoose, { type Connection, Schema } from 'mongoose'
import { GROUP_THREADS } from '../domain/groups.js'
import {
  type Handover,
  handoverAckSchema,
  handoverSchema as handoverRecordSchema,
} from '../domain/handover.js'
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
  eventTypeSchema,
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

/**
 * The production transcript store: MongoDB through mongoose (the only code that imports it). One
 * collection of conversation summaries, one of entries; ids are the documents' `_id`s, so a repeated
 * write is an upsert that changes nothing.
 */

const actorSchema = new Schema(
  {
    id: { type: String, required: true },
    role: { type: String, required: true, enum: ['customer', 'agent', 'supervisor', 'manager', 'bot'] },
    name: { type: String },
  },
  { _id: false },
)

export const entrySchema = new Schema(
  {
    _id: { type: String, required: true },
    conversationId: { type: String, required: true },
    at: { type: Number, required: true },
    seq: { type: Number, required: true },
    actor: { type: actorSchema, required: true },
    kind: { type: String, required: true, enum: ['message', 'event'] },
    direction: { type: String, enum: ['in', 'out'] },
    text: { type: String },
    type: { type: String, enum: eventTypeSchema.options },
    data: { type: Schema.Types.Mixed },
  },
  { versionKey: false, minimize: false },
)
// Reading one conversation in order; events of one type in a time range (reports, /stats).
entrySchema.index({ conversationId: 1, at: 1, seq: 1 })
entrySchema.index({ kind: 1, type: 1, at: 1, seq: 1 })
/** Room records only: the partial indexes below hold their entries, and no 1:1 conversation's. */
const inRoomRecords = { conversationId: { $gte: GROUP_THREADS.from, $lt: GROUP_THREADS.to } }
// A customer's entries in room records (export, erase): the events about them, and what they wrote.
entrySchema.index({ 'data.customerId': 1, at: 1, seq: 1 }, { partialFilterExpression: inRoomRecords })
entrySchema.index({ 'actor.id': 1, at: 1, seq: 1 }, { partialFilterExpression: inRoomRecords })

export const conversationSchema = new Schema(
  {
    _id: { type: String, required: true },
    code: { type: String, required: true },
    customerId: { type: String, required: true },
    customerName: { type: String, default: '' },
    status: { type: String, required: true, enum: ['queued', 'assigned', 'closed'] },
    agentId: { type: String },
    openedAt: { type: Number, required: true },
    firstResponseAt: { type: Number },
    firstResponderId: { type: String },
    closedAt: { type: Number },
    overdueCount: { type: Number, required: true },
    category: { type: String },
    rating: { type: Number, min: 1, max: 5 },
    rev: { type: Number, required: true },
  },
  { versionKey: false },
)
conversationSchema.index({ customerId: 1, openedAt: -1 })
conversationSchema.index({ code: 1, openedAt: -1 })
conversationSchema.index({ openedAt: 1 })
// Search (`queries.search`): newest first, and each filter with newest first; `_id` breaks ties.
conversationSchema.index({ openedAt: -1, _id: -1 })
conversationSchema.index({ agentId: 1, openedAt: -1, _id: -1 })
conversationSchema.index({ status: 1, openedAt: -1, _id: -1 })
conversationSchema.index({ category: 1, openedAt: -1, _id: -1 })
conversationSchema.index({ rating: 1, openedAt: -1, _id: -1 })

/** A whole number of milliseconds (or days), not negative: the zod schema's `int().nonnegative()`. */
const count = {
  type: Number,
  min: 0,
  validate: { validator: Number.isInteger, message: '{PATH} must be an integer' },
}
const requiredCount = { ...count, required: true }

/** A string that must be present but may be empty (zod's `z.string()`); `required: true` rejects ''. */
function presentString(path: string) {
  return {
    type: String,
    required: [
      function (this: { get(path: string): unknown }) {
        return this.get(path) == null
      },
      `Path \`${path}\` is required.`,
    ] as [() => boolean, string],
  }
}

const handoverOpenItemSchema = new Schema(
  {
    conversationId: { type: String, required: true },
    code: { type: String, required: true },
    customerName: presentString('customerName'),
    status: { type: String, required: true, enum: ['queued', 'assigned', 'closed'] },
    waitingSince: requiredCount,
    lastText: presentString('lastText'),
    category: { type: String },
    daysUnresolved: requiredCount,
  },
  { _id: false },
)

const handoverFollowUpSchema = new Schema(
  {
    conversationId: { type: String, required: true },
    code: { type: String, required: true },
    customerName: presentString('customerName'),
    dueAt: requiredCount,
    note: presentString('note'),
  },
  { _id: false },
)

const handoverExceptionSchema = new Schema(
  {
    conversationId: { type: String, required: true },
    code: { type: String, required: true },
    kind: { type: String, required: true, enum: ['overdue', 'low-rating', 'complaint', 'send-failed'] },
    note: presentString('note'),
  },
  { _id: false },
)

/**
 * Shift handovers (交班), one document each, `_id` = the record's id. No TTL index: `at` is a number
 * (TTL needs a Date), and a TTL's age is fixed in the index, so a changed retention setting would need
 * a collMod; the bot's daily `purgeHandoversBefore(now − retention)` is the one rule, on both stores.
 */
export const handoverSchema = new Schema(
  {
    _id: { type: String, required: true },
    from: { type: String, required: true },
    to: { type: [{ type: String, required: true }], required: true },
    at: requiredCount,
    reason: { type: String, required: true, enum: ['shift-end', 'command'] },
    shift: { type: String },
    items: {
      open: { type: [handoverOpenItemSchema], required: true },
      followUps: { type: [handoverFollowUpSchema], required: true },
      exceptions: { type: [handoverExceptionSchema], required: true },
    },
    text: presentString('text'),
    ackedBy: { type: String },
    ackedAt: count,
  },
  { versionKey: false, minimize: false },
)
// The handovers addressed to one staff member, newest first (`to` is an array: a multikey index);
// a time range, oldest first, and the purge of old ones. `_id` breaks ties in `at` the same way everywhere.
handoverSchema.index({ to: 1, at: -1, _id: -1 })
handoverSchema.index({ at: 1, _id: 1 })

/**
 * Export, erase and customer-search records (docs/privacy.md): counts, ids and field names, no
 * personal data. Which fields each action has is the zod schema's rule, checked before every write.
 */
const auditSchema = new Schema(
  {
    _id: { type: String, required: true },
    at: { type: Number, required: true },
    action: { type: String, required: true, enum: ['export', 'erase', 'search'] },
    by: { type: String, required: true },
    via: { type: String, required: true, enum: ['wechat', 'cli', 'web'] },
    customerId: { type: String },
    conversations: { type: Number },
    entries: { type: Number },
    fields: { type: [String], default: undefined },
    results: { type: Number },
  },
  { versionKey: false },
)
auditSchema.index({ at: 1, _id: 1 })

/** The query shapes, named so the unit tests can check them against the indexes without a server. */
export const queries = {
  entries: (conversationId: string) => ({ filter: { conversationId }, sort: { at: 1, seq: 1 } as const }),
  lastEntries: (conversationId: string) => ({
    filter: { conversationId },
    sort: { at: -1, seq: -1 } as const,
  }),
  events: (type: EventType, from: number, to: number) => ({
    filter: { kind: 'event' as const, type, at: { $gte: from, $lt: to } },
    sort: { at: 1, seq: 1 } as const,
  }),
  byCode: (code: string) => ({ filter: { code }, sort: { openedAt: -1 } as const }),
  ofCustomer: (customerId: string) => ({ filter: { customerId }, sort: { openedAt: -1 } as const }),
  openedBetween: (from: number, to: number) => ({
    filter: { openedAt: { $gte: from, $lt: to } },
    sort: { openedAt: 1 } as const,
  }),
  /**
   * The unacknowledged filter is applied to what the `{ to, at }` index range yields: one staff
   * member's handovers over the retention period are a few dozen.
   */
  handoversFor: (staffId: string, unacknowledgedOnly: boolean) => ({
    filter: unacknowledgedOnly ? { to: staffId, ackedAt: { $exists: false } } : { to: staffId },
    sort: { at: -1, _id: -1 } as const,
  }),
  handoversBetween: (from: number, to: number) => ({
    filter: { at: { $gte: from, $lt: to } },
    sort: { at: 1, _id: 1 } as const,
  }),
  handoversBefore: (at: number) => ({ filter: { at: { $lt: at } } }),
  /** A conversation closes after it opened: the `openedAt` bound lets the index narrow the scan. */
  closedBefore: (at: number, keep: readonly string[]) => ({
    filter: {
      openedAt: { $lt: at },
      status: 'closed' as const,
      closedAt: { $lt: at },
      _id: { $nin: [...keep] },
    },
    sort: { openedAt: 1 } as const,
  }),
  /**
   * A customer's entries in room records, as `groupEntryCustomer` tells them: an event about them, or
   * an entry they wrote that is about no one else. Each branch repeats the room-record range, so each
   * is served by its partial index (`data.customerId` or `actor.id`, then time), merged in order.
   */
  roomEntriesOf: (customerId: string) => ({
    filter: {
      $or: [
        { ...inRoomRecords, 'data.customerId': customerId },
        {
          ...inRoomRecords,
          'actor.id': customerId,
          'actor.role': 'customer' as const,
          'data.customerId': { $not: { $type: 'string' } },
        },
      ],
    },
    sort: { at: 1, seq: 1 } as const,
  }),
  /**
   * A search's summary filters; `matching` are the ids of conversations whose messages hold the text
   * (and the customer's, what the customer wrote), found first in the entries.
   */
  search: (
    query: ConversationQuery,
    matching: { text?: readonly string[]; customer?: readonly string[] },
  ) => {
    const filter: Record<string, unknown> = {}
    if (query.code !== undefined) filter.code = query.code
    if (query.agentId !== undefined) filter.agentId = query.agentId
    if (query.category !== undefined) filter.category = query.category
    if (query.status !== undefined) filter.status = query.status
    if (query.rating !== undefined) filter.rating = query.rating
    if (query.openedFrom !== undefined || query.openedTo !== undefined) {
      filter.openedAt = {
        ...(query.openedFrom !== undefined && { $gte: query.openedFrom }),
        ...(query.openedTo !== undefined && { $lt: query.openedTo }),
      }
    }
    const and: Record<string, unknown>[] = []
    if (matching.text) and.push({ _id: { $in: [...matching.text] } })
    if (query.customer !== undefined) {
      and.push({
        $or: [{ customerName: containing(query.customer) }, { _id: { $in: [...(matching.customer ?? [])] } }],
      })
    }
    if (and.length) filter.$and = and
    return { filter, sort: { openedAt: -1, _id: -1 } as const }
  },
  /**
   * Messages holding a text, any case, in 1:1 conversations (`inbound`: the customer's own): a
   * regular expression, which no index serves; a text index would not find Chinese substrings.
   */
  messagesHolding: (text: string, inbound = false) => ({
    filter: {
      kind: 'message' as const,
      text: containing(text),
      ...(inbound && { direction: 'in' as const }),
      $nor: [inRoomRecords],
    },
  }),
  /** Matches only a handover nobody has acknowledged yet: the first acknowledgement stays. */
  unacknowledged: (id: string) => ({ filter: { _id: id, ackedAt: { $exists: false } } }),
}

/** A case-insensitive substring match, the text taken literally. */
function containing(text: string): { $regex: string; $options: 'i' } {
  return { $regex: text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), $options: 'i' }
}

export function toEntryDocument(entry: TranscriptEntry): Record<string, unknown> {
  const { id, ...rest } = entry
  return { _id: id, ...rest }
}

export function toConversationDocument(summary: ConversationSummary): Record<string, unknown> {
  const { id, ...rest } = summary
  return { _id: id, ...rest }
}

export function toHandoverDocument(record: Handover): Record<string, unknown> {
  const { id, ...rest } = record
  return { _id: id, ...rest }
}

function fromDocument<T>(document: Record<string, unknown>, parse: (value: unknown) => T): T {
  const { _id, ...rest } = document
  return parse({ id: _id, ...rest })
}

const DUPLICATE_KEY = 11000
/** Conversations deleted per round of the retention purge. */
const PURGE_CHUNK = 500

function defineModels(connection: Connection, prefix: string) {
  return {
    entries: connection.model(`${prefix}Entry`, entrySchema, `${prefix}transcript_entries`),
    conversations: connection.model(`${prefix}Conversation`, conversationSchema, `${prefix}conversations`),
    handovers: connection.model(`${prefix}Handover`, handoverSchema, `${prefix}handovers`),
    audit: connection.model(`${prefix}Audit`, auditSchema, `${prefix}audit`),
  }
}

/**
 * MongoDB could not be used at start-up: a malformed URI, or no server answering there. One line
 * naming the URI (password hidden) and what to check, as for Redis, instead of a driver stack trace.
 */
export class MongoUnavailableError extends Error {
  constructor(uri: string, cause: unknown) {
    const shown = hidePassword(uri)
    const reason = hideSecret(uri, (cause as Error)?.message ?? String(cause))
    const malformed = ['MongoParseError', 'MongoRuntimeError'].includes((cause as Error)?.name)
    super(
      malformed
        ? `the MongoDB URI ${shown} is malformed (${reason}). Write store.mongodbUri (or MONGODB_URI) ` +
            'as mongodb://user:password@host:27017/kefu, or leave it out to use the embedded file store.'
        : `MongoDB is unreachable at ${shown} (${reason}). Check that MongoDB runs there and that the ` +
            'host, port and credentials in store.mongodbUri (or MONGODB_URI) are right, or leave it out ' +
            'to use the embedded file store.',
    )
    this.name = 'MongoUnavailableError'
  }
}

/** `mongodb://user:secret@host` → `mongodb://user:***@host`. */
function hidePassword(uri: string): string {
  return uri.replace(/^(mongodb(?:\+srv)?:\/\/[^:@/]*):[^@/]*@/, '$1:***@')
}

/** A driver message that quotes the URI must not show its password either. */
function hideSecret(uri: string, text: string): string {
  const password = /^mongodb(?:\+srv)?:\/\/[^:@/]*:([^@/]*)@/.exec(uri)?.[1]
  return password ? text.split(password).join('***') : text
}

export class MongoTranscriptStore implements TranscriptStore {
  private connection: Connection | undefined
  private models: ReturnType<typeof defineModels> | undefined

  constructor(
    private readonly uri: string,
    private readonly options: { collectionPrefix?: string; serverSelectionTimeoutMS?: number } = {},
  ) {}

  async init(): Promise<void> {
    if (this.connection) return
    let connection: Connection | undefined
    try {
      connection = mongoose.createConnection(this.uri, {
        serverSelectionTimeoutMS: this.options.serverSelectionTimeoutMS ?? 5000,
      })
      await connection.asPromise()
    } catch (error) {
      // A connection that never opened still has its monitors running: closed, it lets the process exit.
      await connection?.close().catch(() => undefined)
      throw new MongoUnavailableError(this.uri, error)
    }
    const models = defineModels(connection, this.options.collectionPrefix ?? '')
    await Promise.all([
      models.entries.createIndexes(),
      models.conversations.createIndexes(),
      models.handovers.createIndexes(),
    ])
    this.connection = connection
    this.models = models
  }

  async write(batch: TranscriptBatch): Promise<void> {
    const { entries, conversations } = this.open()
    if (batch.entries.length) {
      await entries.bulkWrite(
        batch.entries.map((entry) => ({
          updateOne: {
            filter: { _id: entry.id },
            update: { $setOnInsert: toEntryDocument(entry) },
            upsert: true,
          },
        })),
        { ordered: false },
      )
    }
    const summary = batch.conversation
    if (summary) {
      try {
        await conversations.updateOne(
          { _id: summary.id, rev: { $lte: summary.rev } },
          { $set: toConversationDocument(summary) },
          { upsert: true },
        )
      } catch (error) {
        // The filter missed because a newer revision is stored; the upsert then collides on _id.
        if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error
      }
    }
  }

  async conversation(id: string): Promise<ConversationSummary | null> {
    const document = await this.open().conversations.findById(id).lean()
    return document ? toSummary(document) : null
  }

  async conversationByCode(code: string): Promise<ConversationSummary | null> {
    const { filter, sort } = queries.byCode(code)
    const document = await this.open().conversations.findOne(filter).sort(sort).lean()
    return document ? toSummary(document) : null
  }

  async conversationsOfCustomer(customerId: string): Promise<ConversationSummary[]> {
    const { filter, sort } = queries.ofCustomer(customerId)
    return (await this.open().conversations.find(filter).sort(sort).lean()).map(toSummary)
  }

  async conversationsOpenedBetween(from: number, to: number): Promise<ConversationSummary[]> {
    const { filter, sort } = queries.openedBetween(from, to)
    return (await this.open().conversations.find(filter).sort(sort).lean()).map(toSummary)
  }

  async entries(conversationId: string, options: { limit?: number } = {}): Promise<TranscriptEntry[]> {
    const { entries } = this.open()
    if (options.limit === undefined) {
      const { filter, sort } = queries.entries(conversationId)
      return (await entries.find(filter).sort(sort).lean()).map(toEntry)
    }
    const { filter, sort } = queries.lastEntries(conversationId)
    return (await entries.find(filter).sort(sort).limit(options.limit).lean()).map(toEntry).reverse()
  }

  async eventsBetween(type: EventType, from: number, to: number): Promise<TranscriptEntry[]> {
    const { filter, sort } = queries.events(type, from, to)
    return (await this.open().entries.find(filter).sort(sort).lean()).map(toEntry)
  }

  async writeHandover(record: Handover): Promise<void> {
    const parsed = handoverRecordSchema.parse(record)
    try {
      await this.open().handovers.updateOne(
        { _id: parsed.id },
        { $setOnInsert: toHandoverDocument(parsed) },
        { upsert: true },
      )
    } catch (error) {
      // Two writers upserted the same id at once; the other inserted it, which is all this one wanted.
      if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error
    }
  }

  async acknowledgeHandover(id: string, by: string, at: number): Promise<Handover | null> {
    const { ackedBy, ackedAt } = handoverAckSchema.parse({ ackedBy: by, ackedAt: at })
    const { handovers } = this.open()
    const { filter } = queries.unacknowledged(id)
    const updated = await handovers
      .findOneAndUpdate(filter, { $set: { ackedBy, ackedAt } }, { returnDocument: 'after' })
      .lean()
    if (updated) return toHandover(updated)
    // Already acknowledged (the first one stays), or no such handover.
    const stored = await handovers.findById(id).lean()
    return stored ? toHandover(stored) : null
  }

  async handover(id: string): Promise<Handover | null> {
    const document = await this.open().handovers.findById(id).lean()
    return document ? toHandover(document) : null
  }

  async handoversFor(staffId: string, options: { unacknowledgedOnly?: boolean } = {}): Promise<Handover[]> {
    const { filter, sort } = queries.handoversFor(staffId, options.unacknowledgedOnly ?? false)
    return (await this.open().handovers.find(filter).sort(sort).lean()).map(toHandover)
  }

  async handoversBetween(from: number, to: number): Promise<Handover[]> {
    const { filter, sort } = queries.handoversBetween(from, to)
    return (await this.open().handovers.find(filter).sort(sort).lean()).map(toHandover)
  }

  async purgeHandoversBefore(at: number): Promise<number> {
    const { filter } = queries.handoversBefore(at)
    return (await this.open().handovers.deleteMany(filter)).deletedCount
  }

  /** In chunks of ids: each `deleteMany` stays small, and a purge cut short leaves whole conversations. */
  async purgeConversationsClosedBefore(at: number, keep: readonly string[]): Promise<PurgedTranscripts> {
    const { conversations, entries } = this.open()
    const { filter, sort } = queries.closedBefore(at, keep)
    const purged = { conversations: 0, entries: 0 }
    for (;;) {
      const ids = (await conversations.find(filter, { _id: 1 }).sort(sort).limit(PURGE_CHUNK).lean()).map(
        (document) => String(document._id),
      )
      if (ids.length === 0) return purged
      // Entries first: a conversation whose entries are gone but whose summary is not is found again.
      purged.entries += (await entries.deleteMany({ conversationId: { $in: ids } })).deletedCount
      purged.conversations += (await conversations.deleteMany({ _id: { $in: ids } })).deletedCount
      if (ids.length < PURGE_CHUNK) return purged
    }
  }

  async customerData(customerId: string): Promise<CustomerData> {
    const conversations = await this.conversationsOfCustomer(customerId)
    const entries: TranscriptEntry[] = []
    for (const conversation of conversations) entries.push(...(await this.entries(conversation.id)))
    const { filter, sort } = queries.roomEntriesOf(customerId)
    entries.push(...(await this.open().entries.find(filter).sort(sort).lean()).map(toEntry))
    return { customerId, conversations, entries }
  }

  /**
   * Entries first (theirs in room records, then their conversations'), then the conversations that
   * lead to them: cut short in between, what is left is found the same way, so erasing again
   * finishes the rest.
   */
  async eraseCustomer(customerId: string): Promise<ErasedCounts> {
    const { entries, conversations } = this.open()
    const inRooms = (await entries.deleteMany(queries.roomEntriesOf(customerId).filter)).deletedCount
    const ids = (await conversations.find({ customerId }, { _id: 1 }).lean()).map((c) => String(c._id))
    const erasedEntries = (await entries.deleteMany({ conversationId: { $in: ids } })).deletedCount
    const erased = (await conversations.deleteMany({ _id: { $in: ids } })).deletedCount
    return { conversations: erased, entries: inRooms + erasedEntries }
  }

  async writeAudit(record: AuditRecord): Promise<void> {
    const { id, ...rest } = auditRecordSchema.parse(record)
    try {
      await this.open().audit.updateOne({ _id: id }, { $setOnInsert: { _id: id, ...rest } }, { upsert: true })
    } catch (error) {
      if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error
    }
  }

  async auditRecords(): Promise<AuditRecord[]> {
    const documents = await this.open().audit.find({}).sort({ at: 1, _id: 1 }).lean()
    return documents.map((document) => fromDocument(document, (value) => auditRecordSchema.parse(value)))
  }

  async searchConversations(query: ConversationQuery, page: SearchPage): Promise<SearchResult> {
    const { conversations, entries } = this.open()
    const holding = async (text: string, inbound?: boolean) =>
      (await entries.distinct('conversationId', queries.messagesHolding(text, inbound).filter)).map(String)
    const matching = {
      ...(query.text !== undefined && { text: await holding(query.text) }),
      ...(query.customer !== undefined && { customer: await holding(query.customer, true) }),
    }
    const { filter, sort } = queries.search(query, matching)
    const [found, total] = await Promise.all([
      conversations.find(filter).sort(sort).skip(page.offset).limit(page.limit).lean(),
      conversations.countDocuments(filter),
    ])
    return { conversations: found.map(toSummary), total }
  }

  async close(): Promise<void> {
    await this.connection?.close()
    this.connection = undefined
    this.models = undefined
  }

  private open(): ReturnType<typeof defineModels> {
    if (!this.models) throw new Error('the transcript store is not open: call init() first')
    return this.models
  }
}

function toEntry(document: Record<string, unknown>): TranscriptEntry {
  return fromDocument(document, (value) => transcriptEntrySchema.parse(value))
}

function toSummary(document: Record<string, unknown>): ConversationSummary {
  return fromDocument(document, (value) => conversationSummarySchema.parse(value))
}

function toHandover(document: Record<string, unknown>): Handover {
  return fromDocument(document, (value) => handoverRecordSchema.parse(value))
}
