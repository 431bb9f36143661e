import type { EscalationStep } from '../../src/domain/config.js'
import { incomingId } from '../../src/domain/ids.js'
import type { EventEntry, TranscriptEntry } from '../../src/domain/transcript.js'
import { EmbeddedTranscriptStore } from '../../src/store/embedded.js'
import type { FaultWorld } from './world.js'

export interface Audit {
  customerMessages: number
  /** Never taken in by the bot, however often it was delivered. */
  lostAtTheDoor: number
  notInTranscript: number
  /** Customer messages that read back out of the order the customer sent them. */
  outOfOrder: number
  notForwarded: number
  /** Outbox ids that reached WeChat more than once. */
  duplicateSends: number
  escalationsExpected: number
  escalationsMissing: number
  falseAlerts: number
  /** One line per missed escalation or false alert, with the conversation's events, to diagnose it. */
  findings: string[]
}

/**
 * Checks a finished run against the invariants, from the transcript store and from what the bot
 * sent: every customer message recorded once and forwarded, every waiting period that outlived a
 * step escalated at that step, no other escalation. Steps falling due in the last `graceMs` before
 * `endAt` are not judged.
 */
export async function audit(
  world: FaultWorld,
  ladder: EscalationStep[],
  endAt: number,
  graceMs = 3000,
): Promise<Audit> {
  const store = new EmbeddedTranscriptStore(world.storeFile)
  await store.init()
  try {
    const entriesOf = new Map<string, TranscriptEntry[]>()
    const recorded = new Set<string>()
    for (const customerId of new Set(
      [...world.customerMessages.values()].map((message) => message.from.id),
    )) {
      for (const conversation of await store.conversationsOfCustomer(customerId)) {
        const entries = await store.entries(conversation.id)
        entriesOf.set(conversation.id, entries)
        for (const entry of entries) recorded.add(entry.id)
      }
    }
    // A forward reads 【A7】customer-3：text; what follows the first full-width colon is the message.
    const forwarded = new Set(
      world.sent
        .filter((sent) => sent.to.startsWith('agent-'))
        .map((sent) => sent.text.slice(sent.text.indexOf('：') + 1)),
    )
    const sendCounts = new Map<string, number>()
    for (const sent of world.sent) sendCounts.set(sent.id, (sendCounts.get(sent.id) ?? 0) + 1)

    const result: Audit = {
      customerMessages: world.customerMessages.size,
      lostAtTheDoor: world.unackedCount,
      notInTranscript: 0,
      outOfOrder: 0,
      notForwarded: 0,
      duplicateSends: [...sendCounts.values()].filter((count) => count > 1).length,
      escalationsExpected: 0,
      escalationsMissing: 0,
      falseAlerts: 0,
      findings: [],
    }
    for (const message of world.customerMessages.values()) {
      if (!recorded.has(incomingId(message.id))) result.notInTranscript++
      if (!forwarded.has(message.text)) result.notForwarded++
    }
    for (const entries of entriesOf.values()) judgeEscalations(entries, ladder, endAt - graceMs, result)
    const sentOrder = new Map([...world.customerMessages.keys()].map((id, index) => [incomingId(id), index]))
    for (const entries of entriesOf.values()) {
      const order = entries.flatMap((entry) =>
        sentOrder.has(entry.id) ? [sentOrder.get(entry.id) ?? 0] : [],
      )
      result.outOfOrder += order.filter(
        (position, index) => index > 0 && position < (order[index - 1] ?? 0),
      ).length
    }
    return result
  } finally {
    await store.close()
  }
}

/** Each waiting period (a clock version) must be escalated at every step it outlived, and only then. */
function judgeEscalations(
  entries: TranscriptEntry[],
  ladder: EscalationStep[],
  judgedUntil: number,
  result: Audit,
) {
  const events = entries.filter((entry): entry is EventEntry => entry.kind === 'event')
  for (const started of events.filter((event) => event.type === 'clock-started')) {
    const version = Number(started.data.version)
    const waitingSince = Number(started.data.waitingSince)
    const deadlines = (started.data.deadlines as number[] | undefined) ?? []
    const stopped = events.find(
      (event) => event.type === 'clock-stopped' && Number(event.data.version) === version,
    )
    const closed = events.find((event) => event.type === 'closed')
    const answeredAt = stopped ? waitingSince + Number(stopped.data.waitedMs) : closed?.at
    ladder.forEach((_, index) => {
      const due = deadlines[index] ?? Number.POSITIVE_INFINITY
      if (due > judgedUntil) return
      const expected = answeredAt === undefined || answeredAt >= due
      const escalated = events.some(
        (event) =>
          event.type === 'escalated' &&
          Number(event.data.version) === version &&
          Number(event.data.level) === index + 1,
      )
      if (expected) result.escalationsExpected++
      if (expected === escalated) return
      if (expected) result.escalationsMissing++
      else result.falseAlerts++
      result.findings.push(
        `${expected ? 'missed' : 'false alert'}: conversation ${started.conversationId} version ${version} ` +
          `level ${index + 1} due ${due} answered ${answeredAt ?? '-'}; events: ${describe(events, waitingSince)}`,
      )
    })
  }
}

/** A conversation's events, times relative to a waiting period's start: enough to replay what happened. */
function describe(events: EventEntry[], since: number): string {
  return events
    .map((event) => {
      const data = ['version', 'level', 'late'].flatMap((key) =>
        event.data[key] === undefined ? [] : [`${key}=${String(event.data[key])}`],
      )
      return `${event.type}@${event.at - since}${data.length ? `(${data.join(',')})` : ''}`
    })
    .join(' ')
}
