import type { EventEntry, TranscriptEntry } from '../../src/domain/transcript.js'

/** What the 1:1 and the room audits share: a row's counts and how a step is judged. */

/** One load's invariants (1:1 conversations, or rooms), as a row of the fault table. */
export interface LoadAudit {
  messages: number
  /** Never taken in by the bot, however often it was delivered. */
  lostAtTheDoor: number
  notInRecord: number
  /** Customer messages recorded more than once (their text, unique in the run, in two entries). */
  recordedTwice: number
  /** Customer messages that read back out of the order the customer sent them. */
  outOfOrder: number
  /** 1:1 only: the agent never got the message. */
  notForwarded?: number
  /** Outbox ids that reached WeChat more than once (all sends of the run, on the 1:1 row). */
  duplicateSends?: number
  escalationsDue: number
  missed: number
  /** A waiting period escalated more than once at one step. */
  doubled: number
  falseAlerts: number
  /** Rooms only: a record that contradicts itself (an answer or escalation outside a waiting period…). */
  inconsistent?: number
  /** One line per missed, doubled or false escalation, with the record's events, to diagnose it. */
  findings: string[]
}

/** How often each text was recorded as a customer's message. */
export function textCounts(entries: TranscriptEntry[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const entry of entries) {
    if (entry.kind === 'message' && entry.direction === 'in')
      counts.set(entry.text, (counts.get(entry.text) ?? 0) + 1)
  }
  return counts
}

/** Entries (as the store orders them) whose message came before the one read back just ahead of it. */
export function outOfOrder(entries: TranscriptEntry[], sentOrder: Map<string, number>): number {
  const order = entries.flatMap((entry) => (sentOrder.has(entry.id) ? [sentOrder.get(entry.id) ?? 0] : []))
  return order.filter((position, index) => index > 0 && position < (order[index - 1] ?? 0)).length
}

/** Counts a step's escalations against whether it was due; names what is wrong, if anything. */
export function judge(expected: boolean, escalated: number, result: LoadAudit): string | undefined {
  if (expected && escalated === 0) {
    result.missed++
    return 'missed'
  }
  if (expected && escalated > 1) {
    result.doubled++
    return `escalated ${escalated} times`
  }
  if (!expected && escalated > 0) {
    result.falseAlerts++
    return 'false alert'
  }
  return undefined
}

/** A record's events, times relative to a waiting period's start: enough to replay what happened. */
export function describe(events: EventEntry[], since: number): string {
  return events
    .map((event) => {
      const data = ['version', 'level', 'late'].flatMap((key) =>
        event.data[key] === undefined ? [] : [`${key}=${String(event.data[key])}`],
      )
      return `${event.type}@${event.at - since}${data.length ? `(${data.join(',')})` : ''}`
    })
    .join(' ')
}
