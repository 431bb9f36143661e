import { type LiveConversation, toSummary } from '../domain/conversation.js'
import { composeId, outgoingId } from '../domain/ids.js'
import type { Outgoing } from '../domain/outgoing.js'
import type { Actor, EventType, TranscriptEntry } from '../domain/transcript.js'
import type { Outbox, Recorder, Timers } from '../queue/port.js'
import type { GatheredAlert, LiveState } from '../state/port.js'

/** A conversation as the transcript needs it: its id and its live-state revision. */
export interface Transcribed {
  id: string
  rev: number
}

/** Room for the entries one update records about one conversation, between two revisions. */
const ENTRIES_PER_REVISION = 10_000

/** Where a unit of work's results go when it commits. */
export interface CommitPorts {
  outbox: Outbox
  recorder: Recorder
  /** Alerts wait in the live state for their digest… */
  state: Pick<LiveState, 'gatherAlert'>
  /** …whose timer is armed here. */
  timers: Pick<Timers, 'arm'>
}

/**
 * What one update does to the world, collected while its handlers run and carried out together at
 * `commit`: messages to the outbox, alerts to their digests, entries and conversation summaries to
 * the transcript, then the steps that may only follow those. Every id derives from the update's
 * cause, so an update handled twice (a crash before commit, a job retried) sends and records
 * nothing twice.
 */
export class UnitOfWork {
  private readonly outgoing: { id: string; message: Outgoing }[] = []
  private readonly alerts: { recipient: string; alert: GatheredAlert }[] = []
  private readonly entries: TranscriptEntry[] = []
  private readonly snapshots = new Map<string, LiveConversation>()
  private readonly followUps: (() => Promise<void>)[] = []

  constructor(
    readonly cause: string,
    readonly now: number,
    private readonly ports: CommitPorts,
    /** Alerts within this window go out as one digest; 0 sends each at once. */
    private readonly digestWindow: number,
  ) {}

  /** Queues one message; `purpose` tells apart several one update sends to one person. Returns its id. */
  send(purpose: string, message: Outgoing, cause = this.cause): string {
    const id = outgoingId(purpose, cause, message.to)
    this.outgoing.push({ id, message })
    return id
  }

  /** An alert for a supervisor or manager, alone (`text`) or as one `line` of a digest. */
  alert(purpose: string, recipient: string, alert: { text: string; line: string }): void {
    if (this.digestWindow === 0) {
      this.send(purpose, { kind: 'text', to: recipient, text: alert.text })
      return
    }
    this.alerts.push({ recipient, alert: { id: outgoingId(purpose, this.cause, recipient), ...alert } })
  }

  /** A message in the conversation's transcript. */
  message(
    conversation: Transcribed,
    input: { id: string; direction: 'in' | 'out'; actor: Actor; text: string; at?: number },
  ): void {
    this.entries.push({
      kind: 'message',
      id: input.id,
      conversationId: conversation.id,
      at: input.at ?? this.now,
      seq: this.sequence(conversation),
      actor: input.actor,
      direction: input.direction,
      text: input.text,
    })
  }

  event(conversation: Transcribed, type: EventType, actor: Actor, data: Record<string, unknown>): void {
    const earlier = this.entries.filter(
      (entry) => entry.kind === 'event' && entry.type === type && entry.conversationId === conversation.id,
    ).length
    // The same event twice in one update (two escalation steps at once) is told apart by a count.
    const id = earlier
      ? composeId('ev', type, this.cause, conversation.id, earlier + 1)
      : composeId('ev', type, this.cause, conversation.id)
    this.entries.push({
      kind: 'event',
      id,
      conversationId: conversation.id,
      at: this.now,
      seq: this.sequence(conversation),
      actor,
      type,
      data,
    })
  }

  /**
   * Where an entry goes among those of the same millisecond (the store orders by time, then seq):
   * after everything recorded at an earlier revision of the conversation — the revision Redis bumps
   * atomically with every change, so the order holds across processes and restarts — and after the
   * entries this update recorded before it. A replay numbers its entries the same way.
   */
  private sequence(conversation: Transcribed): number {
    const earlier = this.entries.filter((entry) => entry.conversationId === conversation.id).length
    return conversation.rev * ENTRIES_PER_REVISION + earlier
  }

  /** Conversations as they now stand, for the transcript's summaries; the latest snapshot wins. */
  touch(conversations: LiveConversation[]): void {
    for (const conversation of conversations) {
      const known = this.snapshots.get(conversation.id)
      if (!known || known.rev <= conversation.rev) this.snapshots.set(conversation.id, conversation)
    }
  }

  /** Work that may only happen once this update's messages are safely in the outbox. */
  afterCommit(step: () => Promise<void>): void {
    this.followUps.push(step)
  }

  /**
   * Every message goes to the outbox, in order, alerts join their recipients' digests, the
   * transcript gets one write per conversation, then the follow-ups run. A crash before this point
   * replays the whole update, and the ids derived from its cause make the replay harmless.
   */
  async commit(): Promise<void> {
    const { outbox, recorder, state, timers } = this.ports
    if (this.outgoing.length) await outbox.send(this.outgoing.splice(0))
    for (const { recipient, alert } of this.alerts.splice(0)) {
      const flush = await state.gatherAlert(recipient, alert, this.now, this.digestWindow)
      if (flush) await timers.arm({ kind: 'digest', recipient, flush }, this.now + this.digestWindow)
    }
    const ids = new Set([...this.snapshots.keys(), ...this.entries.map((entry) => entry.conversationId)])
    await Promise.all(
      [...ids].map((conversationId) => {
        const conversation = this.snapshots.get(conversationId)
        return recorder.record({
          entries: this.entries.filter((entry) => entry.conversationId === conversationId),
          ...(conversation ? { conversation: toSummary(conversation) } : {}),
        })
      }),
    )
    this.entries.length = 0
    this.snapshots.clear()
    for (const step of this.followUps.splice(0)) await step()
  }
}
