import type { LiveConversation } from './conversation.js'
import { isOverdue } from './wait-level.js'

/**
 * One account's floor in a few numbers, for a manager who looks after several accounts: read from
 * that account's live state (open conversations, the queue, who is on duty) at one instant.
 */
export interface AccountSummary {
  name: string
  /** Its title, else its name. */
  label: string
  /** That account's own console, for a link; null when not configured. */
  url: string | null
  /** Whether this is the account whose console is looking. */
  own: boolean
  open: number
  /** Customers waiting for an answer: queued, or with an unanswered message. */
  waiting: number
  /** Of those, waiting past the overdue step's deadline. */
  overdue: number
  queued: number
  onDuty: number
  /** Whether its live state could be read: a summary that could not shows no numbers. */
  read: boolean
}

export interface AccountReads {
  open: readonly LiveConversation[]
  queued: readonly LiveConversation[]
  onDuty: readonly string[]
}

/**
 * The summary of one account's reads. Overdue is counted at `overdueStep` of the viewer's ladder:
 * a sibling's ladder lives in its own config, and the accounts of one deployment keep one SLA.
 */
export function summariseAccount(
  account: { name: string; label: string; url: string | null; own: boolean },
  reads: AccountReads,
  overdueStep: number,
  now: number,
): AccountSummary {
  const waiting = reads.open.filter(
    (conversation) => conversation.status === 'queued' || conversation.waitingSince > 0,
  )
  return {
    ...account,
    open: reads.open.length,
    waiting: waiting.length,
    overdue: waiting.filter(
      (conversation) => conversation.waitingSince > 0 && isOverdue(conversation.deadlines, overdueStep, now),
    ).length,
    queued: reads.queued.length,
    onDuty: reads.onDuty.length,
    read: true,
  }
}

/** An account whose live state did not answer: listed, with no numbers. */
export function unreadAccount(account: {
  name: string
  label: string
  url: string | null
  own: boolean
}): AccountSummary {
  return { ...account, open: 0, waiting: 0, overdue: 0, queued: 0, onDuty: 0, read: false }
}
