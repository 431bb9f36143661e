import { z } from 'zod'
import { normaliseCode } from './conversation.js'
import type { ConversationSummary, TranscriptEntry } from './transcript.js'

/**
 * A customer's rights over their personal data (PIPL 个人信息保护法): a manager may export everything
 * stored about one customer and erase it. Both are audited, and the audit record holds no personal
 * data: who, which customer id, when, how many records (docs/privacy.md).
 */

/** How staff name a customer: by a conversation code (`A17`) or by their WeChat contact id. */
export type CustomerRef = { code: string } | { customerId: string }

/** A word that reads as a conversation code is one; anything else is a contact id. */
export function parseCustomerRef(word: string): CustomerRef {
  const code = normaliseCode(word)
  return code ? { code } : { customerId: word }
}

/** What is done with one customer's data. */
export const auditActionSchema = z.enum(['export', 'erase'])
export type AuditAction = z.infer<typeof auditActionSchema>

const auditBase = {
  /** Derived from the cause (the staff message, the CLI run, the page request), so a retried write stores it once. */
  id: z.string().min(1),
  at: z.number().int().nonnegative(),
  /** A staff id (WeChat, the console) or an operator's name (the CLI). */
  by: z.string().min(1),
}

/** The console's search fields (docs/console.md); `customer` is a customer's name or phone. */
export const searchFieldSchema = z.enum([
  'code',
  'from',
  'to',
  'agent',
  'category',
  'status',
  'rating',
  'text',
  'customer',
])
export type SearchField = z.infer<typeof searchFieldSchema>

export const auditRecordSchema = z.discriminatedUnion('action', [
  z.object({
    ...auditBase,
    action: auditActionSchema,
    via: z.enum(['wechat', 'cli']),
    customerId: z.string().min(1),
    conversations: z.number().int().nonnegative(),
    entries: z.number().int().nonnegative(),
  }),
  /**
   * A manager searched conversations by a customer's name or phone in the console: which of those
   * search's fields were filled in and how many conversations matched, never the values searched for.
   */
  z.object({
    ...auditBase,
    action: z.literal('search'),
    via: z.literal('web'),
    fields: z.array(searchFieldSchema).min(1),
    results: z.number().int().nonnegative(),
  }),
])
export type AuditRecord = z.infer<typeof auditRecordSchema>

/** Everything the transcript store holds about one customer. */
export interface CustomerData {
  customerId: string
  /** Newest first. */
  conversations: ConversationSummary[]
  /**
   * In transcript order within each conversation, conversations newest first; then their entries in
   * watched rooms' records (`groupEntryCustomer`), in transcript order (time, then seq) across rooms.
   */
  entries: TranscriptEntry[]
}

/** A customer who only ever wrote in a group has entries and no conversation: both count. */
export function storesNothing(data: CustomerData): boolean {
  return data.conversations.length === 0 && data.entries.length === 0
}

export interface ErasedCounts {
  conversations: number
  entries: number
}

export interface CustomerDataSummary extends ErasedCounts {
  /** When the first conversation opened or entry was made, and the last; absent with nothing stored. */
  from?: number
  to?: number
}

export function summarise(data: CustomerData): CustomerDataSummary {
  const times = [...data.conversations.map((c) => c.openedAt), ...data.entries.map((e) => e.at)]
  const counts = { conversations: data.conversations.length, entries: data.entries.length }
  if (times.length === 0) return counts
  return { ...counts, from: Math.min(...times), to: Math.max(...times) }
}

/** The export itself: JSON, one document, the same from WeChat and from the CLI. */
export function exportDocument(data: CustomerData, exportedAt: number): string {
  return JSON.stringify(
    {
      customerId: data.customerId,
      exportedAt: new Date(exportedAt).toISOString(),
      conversations: data.conversations,
      entries: data.entries,
    },
    null,
    1,
  )
}
