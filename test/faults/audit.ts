import type { Config, EscalationStep } from '../../src/domain/config.js'
import { incomingId } from '../../src/domain/ids.js'
import type { EventEntry, TranscriptEntry } from '../../src/domain/transcript.js'
import { EmbeddedTranscriptStore } from '../../src/store/embedded.js'
import { auditGroups } from './group-audit.js'
import { describe, judge, type LoadAudit, outOfOrder, textCounts } from './load-audit.js'
import type { FaultWorld } from './world.js'

export interface Audit {
  oneToOne: LoadAudit
  groups: LoadAudit
}

/**
 * Checks a finished run against the invariants, from the transcript store and from what the bot
 * sent: every customer message recorded once and forwarded, every waiting period that outlived a
 * step escalated at that step once, no other escalation; the same for rooms (group-audit.ts).
 * Steps falling due in the last `graceMs` before `endAt` are not judged.
 */
export async function audit(
  world: FaultWorld,
  config: Config,
  endAt: number,
  graceMs = 3000,
): Promise<Audit> {
  const store = new EmbeddedTranscriptStore(world.storeFile)
  await store.init()
  try {
    return {
      oneToOne: await auditOneToOne(world, store, config.sla.ladder, endAt - graceMs),
      groups: await auditGroups(world, store, config.groups, endAt - graceMs),
    }
  } finally {
    await store.close()
  }
}

async function auditOneToOne(
  world: FaultWorld,
  store: EmbeddedTranscriptStore,
  ladder: EscalationStep[],
  judgedUntil: number,
): Promise<LoadAudit> {
  const entriesOf = new Map<string, TranscriptEntry[]>()
  const recorded = new Set<string>()
  for (const customerId of new Set([...world.customerMessages.values()].map((message) => message.from.id))) {
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
  const texts = textCounts([...entriesOf.values()].flat())

  const result: LoadAudit = {
    messages: world.customerMessages.size,
    // Staff messages never taken in count here too: an answer lost at the door is as bad.
    lostAtTheDoor:
      world.unackedCount - [...world.groupMessages.keys()].filter((id) => world.isUnacked(id)).length,
    notInRecord: 0,
    recordedTwice: 0,
    outOfOrder: 0,
    notForwarded: 0,
    duplicateSends: [...sendCounts.values()].filter((count) => count > 1).length,
    escalationsDue: 0,
    missed: 0,
    doubled: 0,
    falseAlerts: 0,
    findings: [],
  }
  for (const message of world.customerMessages.values()) {
    if (!recorded.has(incomingId(message.id))) result.notInRecord++
    if ((texts.get(message.text) ?? 0) > 1) result.recordedTwice++
    if (!forwarded.has(message.text)) result.notForwarded = (result.notForwarded ?? 0) + 1
  }
  for (const entries of entriesOf.values()) judgeEscalations(entries, ladder, judgedUntil, result)
  const sentOrder = new Map([...world.customerMessages.keys()].map((id, index) => [incomingId(id), index]))
  for (const entries of entriesOf.values()) result.outOfOrder += outOfOrder(entries, sentOrder)
  return result
}

/** Each waiting period (a clock version) must be escalated at every step it outlived, and only then. */
function judgeEscalations(
  entries: TranscriptEntry[],
  ladder: EscalationStep[],
  judgedUntil: number,
  result: LoadAudit,
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
      const escalated = events.filter(
        (event) =>
          event.type === 'escalated' &&
          Number(event.data.version) === version &&
          Number(event.data.level) === index + 1,
      ).length
      if (expected) result.escalationsDue++
      const verdict = judge(expected, escalated, result)
      if (!verdict) return
      result.findings.push(
        `${verdict}: conversation ${started.conversationId} version ${version} ` +
          `level ${index + 1} due ${due} answered ${answeredAt ?? '-'}; events: ${describe(events, waitingSince)}`,
      )
    })
  }
}
