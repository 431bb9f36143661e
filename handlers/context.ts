import type { ServiceCalendar } from '../src/domain/calendar.js'
import type { Command } from '../src/domain/commands.js'
import type { Config } from '../src/domain/config.js'
import { type LiveConversation, toSummary } from '../src/domain/conversation.js'
import type { InboundMessage } from '../src/domain/inbound.js'
import { jobIds } from '../src/domain/keys.js'
import type { PhraseChecker } from '../src/domain/phrases.js'
import type { SlaPolicy } from '../src/domain/sla.js'
import type { Staff, StaffDirectory } from '../src/domain/staff.js'
import type { Timer, TimerKind, TimerOf } from '../src/domain/timers.js'
import type { Actor, EventType, TranscriptEntry } from '../src/domain/transcript.js'
import type { Log } from '../src/log.js'
import type { Outbox, Outgoing, Recorder, Timers } from '../src/queue/port.js'
import type { GatheredAlert, LiveState } from '../src/state/port.js'
import type { TranscriptStore } from '../src/store/port.js'
import type { Text, TextKey, TextVars } from '../src/text.js'

/** What handlers may use: the ports, never a concrete Redis, queue, store or Wechaty. */
export interface Ports {
  state: LiveState
  store: Pick<
    TranscriptStore,
    | 'conversation'
    | 'conversationByCode'
    | 'entries'
    | 'conversationsOpenedBetween'
    | 'eventsBetween'
    | 'writeHandover'
    | 'acknowledgeHandover'
    | 'handover'
    | 'handoversFor'
    | 'purgeHandoversBefore'
  >
  timers: Timers
  outbox: Outbox
  recorder: Recorder
  text: Text
  staff: StaffDirectory
  sla: SlaPolicy
  calendar: ServiceCalendar
  /** The forbidden phrases (禁忌语) agent replies are checked for. */
  phrases: PhraseChecker
  /** Canned answers by name (`/t name`), in the order `/t` lists them. */
  canned: ReadonlyMap<string, string>
  /** Categories, the menu, queue-position notices (the config's `routing`). */
  routing: Config['routing']
  survey: Config['survey']
  followUp: Config['followUp']
  handover: Config['handover']
  /** Reward and penalty amounts for /stats. */
  tally: Config['tally']
  alerts: Config['alerts']
  maxPerAgent: number
  /** The longest an agent may be away before their conversations go to colleagues. */
  awayLimit: number
  /** Past this many messages in the window a customer's messages are recorded, not passed on. */
  customerRate: { max: number; per: number }
  timeZone: string
  clock: () => number
  log: Log
}

/** One thing that happened, as the dispatcher hands it to handlers. */
export type Update =
  | { kind: 'customer-message'; message: InboundMessage }
  | { kind: 'staff-command'; message: InboundMessage; staff: Staff; command: Command }
  /** Staff text that is not a command: an answer for a customer (`code` when they typed one). */
  | { kind: 'staff-reply'; message: InboundMessage; staff: Staff; code?: string; text: string }
  /** Something set for later is due (an escalation step, an away limit, a day's end…). */
  | { kind: 'timer'; timer: Timer }
  /** A message the outbox gave up on after every attempt. */
  | { kind: 'send-failed'; outboxId: string; outgoing: Outgoing; error: string }
  /** Start-up: re-create what a crash may have cut short. */
  | { kind: 'recovery' }

export type UpdateKind = Update['kind']
export type UpdateOf<K extends UpdateKind> = Extract<Update, { kind: K }>
/** The update of one kind of timer. */
export type TimerUpdate<K extends TimerKind> = { kind: 'timer'; timer: TimerOf<K> }

let sequence = 0

/**
 * One context per update (as in grammY): the update, the ports, and a unit of work. Handlers say
 * what to send and record; it all leaves together at `commit`. Every outgoing message id and
 * transcript entry id derives from the update's cause, so handling an update twice sends and
 * records nothing twice.
 */
export class Context<U extends Update = Update> {
  private readonly outgoing: { id: string; message: Outgoing }[] = []
  private readonly alerts: { recipient: string; alert: GatheredAlert }[] = []
  private readonly entries: TranscriptEntry[] = []
  private readonly snapshots = new Map<string, LiveConversation>()
  private readonly followUps: (() => Promise<void>)[] = []
  readonly now: number

  constructor(
    readonly update: U,
    readonly ports: Ports,
  ) {
    this.now = ports.clock()
  }

  /** What caused this update: a WeChat message id, a timer, or start-up. */
  get cause(): string {
    const update = this.update as Update
    switch (update.kind) {
      case 'timer':
        return jobIds.timer(update.timer)
      case 'recovery':
        return `recovery-${this.now}`
      case 'send-failed':
        return `sendfail-${update.outboxId}`
      default:
        return update.message.id
    }
  }

  get log(): Log {
    return this.ports.log
  }

  t(key: TextKey, vars?: TextVars): string {
    return this.ports.text.t(key, vars)
  }

  /**
   * Sends one message when the update commits; `purpose` tells apart several messages one update
   * sends to one person. Returns the message's outbox id.
   */
  send(purpose: string, to: string, text: string, cause = this.cause): string {
    return this.sendOutgoing(purpose, { kind: 'text', to, text }, cause)
  }

  sendOutgoing(purpose: string, message: Outgoing, cause = this.cause): string {
    const id = jobIds.send(purpose, cause, message.to)
    this.outgoing.push({ id, message })
    return id
  }

  /**
   * An alert for a supervisor or manager: it waits `alerts.digestWindow` for others to the same
   * recipient and goes out with them as one digest (`line` is its line there), or alone as `text`.
   */
  alert(purpose: string, recipient: string, alert: { text: string; line: string }): void {
    if (this.ports.alerts.digestWindow === 0) {
      this.send(purpose, recipient, alert.text)
      return
    }
    this.alerts.push({ recipient, alert: { id: jobIds.send(purpose, this.cause, recipient), ...alert } })
  }

  /** Answers whoever sent the message being handled. */
  reply(purpose: string, text: string): void {
    const update = this.update as Update
    if (!('message' in update)) throw new Error(`${update.kind} has nobody to reply to`)
    this.send(purpose, update.message.from.id, text)
  }

  /** Adds a message to the transcript of this update. */
  message(
    conversation: { id: string },
    input: { id: string; direction: 'in' | 'out'; actor: Actor; text: string; at?: number },
  ): void {
    this.entries.push({
      kind: 'message',
      id: input.id,
      conversationId: conversation.id,
      at: input.at ?? this.now,
      seq: sequence++,
      actor: input.actor,
      direction: input.direction,
      text: input.text,
    })
  }

  /** Adds an event to the transcript of this update. */
  event(
    conversation: { id: string },
    type: EventType,
    actor: Actor,
    data: Record<string, unknown> = {},
  ): void {
    const base = `ev-${type}-${this.cause}-${conversation.id}`
    const repeats = this.entries.filter(
      (entry) => entry.id === base || entry.id.startsWith(`${base}~`),
    ).length
    this.entries.push({
      kind: 'event',
      id: repeats ? `${base}~${repeats + 1}` : base,
      conversationId: conversation.id,
      at: this.now,
      seq: sequence++,
      actor,
      type,
      data,
    })
  }

  /** Conversations as they now stand, for the transcript's summaries; the latest snapshot wins. */
  touch(...conversations: LiveConversation[]): void {
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
   * The end of an update (the dispatcher calls it): every message goes to the outbox in one step,
   * alerts join their recipients' digests, the transcript gets one write per conversation, then the
   * follow-ups run. A crash before this
   * point replays the whole update, and the ids derived from its cause make the replay harmless.
   */
  async commit(): Promise<void> {
    if (this.outgoing.length) await this.ports.outbox.send(this.outgoing.splice(0))
    const window = this.ports.alerts.digestWindow
    for (const { recipient, alert } of this.alerts.splice(0)) {
      const flush = await this.ports.state.gatherAlert(recipient, alert, this.now, window)
      if (flush) await this.ports.timers.arm({ kind: 'digest', recipient, flush }, this.now + window)
    }
    const ids = new Set([...this.snapshots.keys(), ...this.entries.map((entry) => entry.conversationId)])
    await Promise.all(
      [...ids].map((conversationId) => {
        const conversation = this.snapshots.get(conversationId)
        return this.ports.recorder.record({
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

export const BOT: Actor = { id: 'bot', role: 'bot' }

export function staffActor(staff: Staff): Actor {
  const role = staff.roles.includes('manager')
    ? 'manager'
    : staff.roles.includes('supervisor')
      ? 'supervisor'
      : 'agent'
  return { id: staff.id, role, name: staff.name }
}

export function customerActor(conversation: LiveConversation): Actor {
  return { id: conversation.customerId, role: 'customer', name: conversation.customerName }
}

/** A step to take again a little later (a timer that must wait for a staff message in flight). */
export class RetryLater extends Error {
  constructor(readonly delayMs: number) {
    super(`retry in ${delayMs} ms`)
    this.name = 'RetryLater'
  }
}
