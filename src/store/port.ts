import type { Handover } from '../domain/handover.js'
import type { AuditRecord, CustomerData, ErasedCounts } from '../domain/privacy.js'
import type {
  ConversationStatus,
  ConversationSummary,
  EventType,
  TranscriptBatch,
  TranscriptEntry,
} from '../domain/transcript.js'

/**
 * Where transcripts live: MongoDB in production, an embedded single-file database otherwise.
 * Both adapters pass the same conformance suite (test/integration/store-conformance.ts).
 */
export interface TranscriptStore {
  /** Creates tables/collections and indexes; safe to call on every start. */
  init(): Promise<void>
  /**
   * Stores a batch. Idempotent: an entry whose id is already stored is left as it is; the
   * conversation summary replaces the stored one only when its `rev` is not lower.
   */
  write(batch: TranscriptBatch): Promise<void>
  conversation(id: string): Promise<ConversationSummary | null>
  /** The most recently opened conversation that carried this code (codes are reused over time). */
  conversationByCode(code: string): Promise<ConversationSummary | null>
  /** Every conversation of one customer, newest first. */
  conversationsOfCustomer(customerId: string): Promise<ConversationSummary[]>
  /** Conversations opened in [from, to), oldest first. */
  conversationsOpenedBetween(from: number, to: number): Promise<ConversationSummary[]>
  /** The entries of one conversation in transcript order (time, then seq). `limit` keeps the last N. */
  entries(conversationId: string, options?: { limit?: number }): Promise<TranscriptEntry[]>
  /** Events of one type with `at` in [from, to), in transcript order. */
  eventsBetween(type: EventType, from: number, to: number): Promise<TranscriptEntry[]>
  /** Stores a shift handover. Idempotent by id: a stored record (and its acknowledgement) is left as it is. */
  writeHandover(record: Handover): Promise<void>
  /** Signs a handover once: the first acknowledgement stays. The record as it now stands, or null if unknown. */
  acknowledgeHandover(id: string, by: string, at: number): Promise<Handover | null>
  /** One handover, or null. */
  handover(id: string): Promise<Handover | null>
  /** Handovers whose `to` includes the staff member, newest first (ties by id, descending). */
  handoversFor(staffId: string, options?: { unacknowledgedOnly?: boolean }): Promise<Handover[]>
  /** Handovers with `at` in [from, to), oldest first (ties by id). */
  handoversBetween(from: number, to: number): Promise<Handover[]>
  /** Deletes handovers with `at` before the given time (now − retention, daily); returns how many. */
  purgeHandoversBefore(at: number): Promise<number>
  /**
   * Deletes closed conversations whose `closedAt` is before the given time (now − `store.retention`,
   * daily), with all their entries; never one whose id is in `keep` (open in live state) or whose
   * summary is not closed. Returns how many of each went.
   */
  purgeConversationsClosedBefore(at: number, keep: readonly string[]): Promise<PurgedTranscripts>
  /**
   * Everything stored about one customer: their conversations and those conversations' entries, then
   * their entries in watched rooms' records (`groupEntryCustomer`), found by an index, not a scan.
   */
  customerData(customerId: string): Promise<CustomerData>
  /**
   * Deletes the customer's conversations, their entries and their entries in room records (staff
   * messages there stay), all or nothing; how many of each.
   */
  eraseCustomer(customerId: string): Promise<ErasedCounts>
  /** Stores an export or erase record. Idempotent by id. It holds no personal data (docs/privacy.md). */
  writeAudit(record: AuditRecord): Promise<void>
  /** Every audit record, oldest first (ties by id); erasing a customer keeps theirs. */
  auditRecords(): Promise<AuditRecord[]>
  /**
   * Conversations matching every filter given, newest opened first (ties by id, descending), one
   * page of them, and how many match in all. Who may use which filter is the caller's rule.
   */
  searchConversations(query: ConversationQuery, page: SearchPage): Promise<SearchResult>
  close(): Promise<void>
}

export interface PurgedTranscripts {
  conversations: number
  entries: number
}

/** What embedding code and tests may read (the `transcripts` of `createBot`). */
export type TranscriptReader = Pick<
  TranscriptStore,
  | 'conversation'
  | 'conversationByCode'
  | 'conversationsOfCustomer'
  | 'entries'
  | 'conversationsOpenedBetween'
  | 'eventsBetween'
>

/** What a search asks for; a filter left out matches everything. Texts match as substrings, any case. */
export interface ConversationQuery {
  /** A conversation code, normalised (`A17`). */
  code?: string
  /** Opened in [openedFrom, openedTo). */
  openedFrom?: number
  openedTo?: number
  agentId?: string
  category?: string
  status?: ConversationStatus
  rating?: number
  /** Written by anyone in one of the conversation's messages. */
  text?: string
  /** The customer's name, or what the customer wrote (a phone number, say) in one of their messages. */
  customer?: string
}

export interface SearchPage {
  offset: number
  limit: number
}

export interface SearchResult {
  conversations: ConversationSummary[]
  /** Every match, not only this page's. */
  total: number
}
