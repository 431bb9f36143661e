import type { ServiceCalendar } from '../domain/calendar.js'
import type { Config } from '../domain/config.js'
import type { LiveConversation } from '../domain/conversation.js'
import type { GroupRules } from '../domain/group-messages.js'
import { composeId } from '../domain/ids.js'
import type { PhraseChecker } from '../domain/phrases.js'
import type { StaffDirectory } from '../domain/staff.js'
import type { Actor, EventType } from '../domain/transcript.js'
import type { Log } from '../log/log.js'
import type { Timers } from '../queue/port.js'
import type { LiveState } from '../state/port.js'
import type { TranscriptStore } from '../store/port.js'
import type { Text, TextKey, TextVars } from '../text/text.js'
import type { ConsoleLinks } from '../web/port.js'
import type { Transcribed, UnitOfWork } from './unit-of-work.js'
import type { Update, UpdateKind } from './updates.js'

/** The I/O handlers may do themselves: read and change live state, read the store, set timers. */
export interface Io {
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
    | 'purgeConversationsClosedBefore'
    | 'customerData'
    | 'eraseCustomer'
    | 'writeAudit'
  >
  timers: Timers
  /** The web console's login links; absent while the console is off (`console.port` unset). */
  console?: ConsoleLinks
}

/** What handlers consult that does no I/O: the sentences, the staff list, the calendar, the phrase rules. */
export interface Services {
  /** What a message in a watched room means: acknowledgements, talk between customers (docs/groups.md). */
  groupRules: GroupRules
  text: Text
  staff: StaffDirectory
  calendar: ServiceCalendar
  /** The forbidden phrases (禁忌语) staff replies are checked for. */
  phrases: PhraseChecker
  /** Canned answers by name (`/t name`), in the order `/t` lists them. */
  canned: ReadonlyMap<string, string>
}

/** The configuration handlers act on. */
export type Settings = Pick<
  Config,
  'sla' | 'routing' | 'survey' | 'followUp' | 'handover' | 'tally' | 'alerts' | 'duty' | 'timeZone' | 'groups'
> & {
  /** Past this many messages in the window a customer's messages are recorded, not passed on. */
  customerRate: Config['ingest']['customerRate']
  /** How long closed conversations are kept (`store.retention`); undefined: forever. */
  transcriptRetention: Config['store']['retention']
}

/** What a timer handler may answer: look at this timer again later, without counting a failure. */
export interface TimerOutcome {
  retryInMs: number
}

/**
 * One context per update (as in grammY): the update, three small things to work with (`io`,
 * `services`, `settings`), the time, and a unit of work that collects what to send and record.
 * Handlers say what should happen; it all leaves together when the update commits.
 */
export class Context<U extends { kind: UpdateKind } = Update> {
  /** Set by a timer handler that must look again later. */
  timerOutcome: TimerOutcome | undefined

  constructor(
    readonly update: U,
    readonly io: Io,
    readonly services: Services,
    readonly settings: Settings,
    readonly log: Log,
    readonly work: UnitOfWork,
  ) {}

  get now(): number {
    return this.work.now
  }

  /** What caused this update: a WeChat message id, a timer's identity, start-up. */
  get cause(): string {
    return this.work.cause
  }

  /**
   * A cause of its own for each of several like messages one update sends one person (one notice
   * per conversation assigned, say), so that their ids differ and stay the same on a replay.
   */
  causeAbout(...parts: string[]): string {
    return composeId('about', this.cause, ...parts)
  }

  t(key: TextKey, vars?: TextVars): string {
    return this.services.text.t(key, vars)
  }

  /** Sends a text when the update commits; returns the message's id (also its transcript entry's). */
  send(purpose: string, to: string, text: string, cause?: string): string {
    return this.work.send(purpose, { kind: 'text', to, text }, cause)
  }

  /** Sends a copy of a received WeChat message (an image, a file). */
  sendCopy(purpose: string, to: string, messageId: string, cause?: string): string {
    return this.work.send(purpose, { kind: 'forward', to, messageId }, cause)
  }

  /** Posts a text in a WeChat group, @-mentioning `mentions` there. */
  post(purpose: string, roomId: string, text: string, mentions: readonly string[]): string {
    return this.work.send(purpose, { kind: 'room-text', to: roomId, text, mentions: [...mentions] })
  }

  /** Answers whoever sent the message being handled. */
  reply(purpose: string, text: string): void {
    const update = this.update as Update
    if (!('message' in update)) throw new Error(`a ${update.kind} update has nobody to reply to`)
    this.send(purpose, update.message.from.id, text)
  }

  /** An alert for a supervisor or manager: it waits `alerts.digestWindow` to go out with others. */
  alert(purpose: string, recipient: string, alert: { text: string; line: string }): void {
    this.work.alert(purpose, recipient, alert)
  }

  message(
    conversation: Transcribed,
    input: { id: string; direction: 'in' | 'out'; actor: Actor; text: string; at?: number },
  ): void {
    this.work.message(conversation, input)
  }

  event(conversation: Transcribed, type: EventType, actor: Actor, data: Record<string, unknown> = {}): void {
    this.work.event(conversation, type, actor, data)
  }

  /** Conversations as they now stand, for the transcript's summaries. */
  touch(...conversations: LiveConversation[]): void {
    this.work.touch(conversations)
  }

  afterCommit(step: () => Promise<void>): void {
    this.work.afterCommit(step)
  }

  /** The same update with its own, empty unit of work (what the error boundary apologises with). */
  fresh(work: UnitOfWork): Context<U> {
    return new Context(this.update, this.io, this.services, this.settings, this.log, work)
  }
}
