import type { GroupsConfig } from '../../src/domain/group-config.js'
import { groupThreadId } from '../../src/domain/groups.js'
import { incomingId } from '../../src/domain/ids.js'
import type { EventEntry, TranscriptEntry } from '../../src/domain/transcript.js'
import type { EmbeddedTranscriptStore } from '../../src/store/embedded.js'
import { describe, judge, type LoadAudit, outOfOrder, textCounts } from './load-audit.js'
import type { FaultWorld } from './world.js'

/** A customer's waiting period in a room, as the room's record tells it. */
interface Period {
  customerId: string
  since: number
  answeredAt?: number
  /** Escalations recorded for the period, by level. */
  escalations: Map<number, number>
  versions: Set<number>
}

/**
 * The room invariants, from each watched room's record (one thread per room): every message a
 * customer wrote there recorded once, with one `group-waiting` event; every waiting period escalated
 * once at every step it outlived (answers counted at the time the bot received them, as in 1:1),
 * and at no step it did not. Periods are read in the order of the room's revision (`seq`), which
 * the live state bumps with every change: a period begins at a `group-waiting` that started the
 * clock and ends at the customer's `group-answered`.
 */
export async function auditGroups(
  world: FaultWorld,
  store: EmbeddedTranscriptStore,
  groups: GroupsConfig,
  judgedUntil: number,
): Promise<LoadAudit> {
  const messages = [...world.groupMessages.values()]
  const result: LoadAudit = {
    messages: messages.length,
    lostAtTheDoor: messages.filter((message) => world.isUnacked(message.id)).length,
    notInRecord: 0,
    recordedTwice: 0,
    outOfOrder: 0,
    escalationsDue: 0,
    missed: 0,
    doubled: 0,
    falseAlerts: 0,
    inconsistent: 0,
    findings: [],
  }
  const sentOrder = new Map(messages.map((message, index) => [incomingId(message.id), index]))
  for (const roomId of new Set(messages.map((message) => message.room?.id ?? ''))) {
    const entries = await store.entries(groupThreadId(roomId))
    const ids = new Set(entries.map((entry) => entry.id))
    const texts = textCounts(entries)
    const waitings = new Map<string, number>()
    for (const entry of entries) {
      if (entry.kind === 'event' && entry.type === 'group-waiting') {
        const messageId = String(entry.data.messageId)
        waitings.set(messageId, (waitings.get(messageId) ?? 0) + 1)
      }
    }
    for (const message of messages.filter((message) => message.room?.id === roomId)) {
      const waited = waitings.get(message.id) ?? 0
      if (!ids.has(incomingId(message.id)) || waited === 0) result.notInRecord++
      if ((texts.get(message.text) ?? 0) > 1 || waited > 1) result.recordedTwice++
    }
    // The store reads a room back by time, then revision: each customer's messages in sending order.
    for (const customerId of new Set(entries.map((entry) => entry.actor.id))) {
      const own = entries.filter((entry) => entry.actor.id === customerId)
      result.outOfOrder += outOfOrder(own, sentOrder)
    }
    judgePeriods(roomId, entries, groups, judgedUntil, result)
  }
  return result
}

function judgePeriods(
  roomId: string,
  entries: TranscriptEntry[],
  groups: GroupsConfig,
  judgedUntil: number,
  result: LoadAudit,
): void {
  const bySeq = [...entries].sort((a, b) => a.seq - b.seq)
  const receivedAt = new Map(entries.map((entry) => [entry.id, entry.at]))
  const events = bySeq.filter((entry): entry is EventEntry => entry.kind === 'event')
  const open = new Map<string, Period>()
  const periods: Period[] = []
  const eventsOf = (customerId: string) => events.filter((event) => event.data.customerId === customerId)
  const inconsistent = (customerId: string, what: string, since: number) => {
    result.inconsistent = (result.inconsistent ?? 0) + 1
    result.findings.push(`room ${roomId}: ${what}; events: ${describe(eventsOf(customerId), since)}`)
  }
  for (const event of events) {
    const customerId = String(event.data.customerId ?? '')
    const period = open.get(customerId)
    if (event.type === 'group-waiting' && event.data.clockStarted === true) {
      if (period)
        inconsistent(
          customerId,
          `${customerId}'s second waiting period began before the first ended`,
          event.at,
        )
      const since = receivedAt.get(incomingId(String(event.data.messageId))) ?? event.at
      const started = { customerId, since, escalations: new Map(), versions: new Set<number>() }
      open.set(customerId, started)
      periods.push(started)
    } else if (event.type === 'group-waiting' && !period) {
      inconsistent(
        customerId,
        `a message of ${customerId} joined a waiting period that never began`,
        event.at,
      )
    } else if (event.type === 'group-escalated') {
      if (!period) {
        inconsistent(
          customerId,
          `${customerId} escalated (level ${event.data.level}) while not waiting`,
          event.at,
        )
        continue
      }
      const level = Number(event.data.level)
      period.escalations.set(level, (period.escalations.get(level) ?? 0) + 1)
      period.versions.add(Number(event.data.version))
    } else if (event.type === 'group-answered') {
      if (!period) {
        inconsistent(customerId, `${customerId} answered while not waiting`, event.at)
        continue
      }
      // As in 1:1: the answer counts at the time the bot received it.
      period.answeredAt = period.since + Number(event.data.waitedMs)
      open.delete(customerId)
    }
  }
  for (const period of periods) {
    if (period.versions.size > 1)
      inconsistent(
        period.customerId,
        `${period.customerId}'s escalations name versions ${[...period.versions]}`,
        period.since,
      )
    groups.ladder.forEach((step, index) => {
      // The fault config counts wall-clock time (no `sla.serviceTimeOnly`): a step is due `after` the start.
      const due = period.since + step.after
      if (due > judgedUntil) return
      const expected = period.answeredAt === undefined || period.answeredAt >= due
      if (expected) result.escalationsDue++
      const verdict = judge(expected, period.escalations.get(index + 1) ?? 0, result)
      if (!verdict) return
      result.findings.push(
        `${verdict}: room ${roomId} customer ${period.customerId} since ${period.since} level ${index + 1} ` +
          `due ${due} answered ${period.answeredAt ?? '-'}; events: ${describe(eventsOf(period.customerId), period.since)}`,
      )
    })
  }
}
