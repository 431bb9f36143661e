import type { LiveConversation } from '../domain/conversation.js'
import type { InboundMessage } from '../domain/inbound.js'

/**
 * Live conversation and agent state. Every method that changes state is one atomic step (a Lua
 * script): it checks what it needs and changes everything together, or changes nothing.
 */

/** A customer message waiting to be handed to an agent. */
export interface PendingMessage {
  id: string
  kind: InboundMessage['kind']
  /** The text, or a placeholder such as [图片] for other kinds. */
  text: string
  at: number
}

export interface Assignment {
  conversation: LiveConversation
  agentId: string
}

export interface IngestResult {
  conversation: LiveConversation
  /** True when this WeChat message was handled before: side effects are replayed, idempotently. */
  duplicate: boolean
  created: boolean
  /** The reply clock started with this message (the conversation was not already waiting). */
  clockStarted: boolean
  /** The clock version this message started; a replay must not take the conversation's current one. */
  clockVersion?: number
  /** Conversations (this one and older queued ones) handed to an agent by this step. */
  assigned: Assignment[]
  /** 1-based place in the queue of unassigned conversations; 0 when assigned. */
  queuePosition: number
  /** The agent to forward this message to now; absent when it waits among the pending messages. */
  forwardTo?: string
  /** How far over the flood limit the customer is: 0 normally; past it messages are only recorded. */
  throttled: number
  /** Outside service hours: tell the customer the hours (once per conversation and day). */
  closedNotice: boolean
  /** The agent holding the conversation is away: the message waits for them. */
  holderAway: boolean
  /** The agent is away: tell the customer (once per away period). */
  awayNotice?: AwayNotice
  /** The message rated the customer's last conversation (1–5), which `conversation` is; nothing else happened. */
  rated?: number
  /** The new conversation's first message named no category: offer the customer the menu. */
  menuOffered: boolean
  /** The message answered the menu with this category; it goes to no agent. */
  categoryChosen?: string
  /** The chosen category moved the conversation from this agent (without the skill) to a skilled one. */
  movedFrom?: string
  /** The first praise of this conversation's agent: it counts for them. */
  praised: boolean
}

/** A category as routing needs it: its id, and whether it jumps the queue. */
export interface RoutedCategory {
  id: string
  priority?: boolean
}

export interface AwayNotice {
  agentId: string
  /** When the agent said they would be back (epoch ms). */
  until: number
  reason: string
}

export interface ClockStop {
  /** Whether a customer was waiting, and the timer that was armed for it. */
  wasWaiting: boolean
  /** When the customer started waiting (0 if nobody was). */
  waitingSince: number
  previousVersion: number
  previousStep: number
}

/** A reply held for a forbidden phrase. */
export interface HeldReply {
  text: string
  phrase: string
}

export type ReplyResult =
  | ({
      ok: true
      conversation: LiveConversation
      /** Ladder steps that fell due before this answer but had not fired yet: breaches all the same. */
      lateSteps: number[]
      /** The reply was held, not answered: the clock runs on. */
      held?: boolean
      /** The held reply that /force sent. */
      forced?: HeldReply
    } & ClockStop)
  | { ok: false; reason: 'nothing-held' }
  | { ok: false; reason: 'unknown-code'; code: string }
  | { ok: false; reason: 'no-conversation' }
  | { ok: false; reason: 'ambiguous'; codes: string[] }
  | { ok: false; reason: 'not-yours'; conversation: LiveConversation }

export type CloseResult =
  | ({ ok: true; conversation: LiveConversation; assigned: Assignment[] } & ClockStop)
  | { ok: false; reason: 'unknown-code'; code: string }
  | { ok: false; reason: 'not-yours'; conversation: LiveConversation }

export type MoveMode = 'take' | 'transfer' | 'assign'

export type MoveResult =
  | { ok: true; conversation: LiveConversation; from?: string; assigned: Assignment[] }
  | { ok: false; reason: 'unknown-code'; code: string }
  | { ok: false; reason: 'queue-empty' }
  | { ok: false; reason: 'not-yours' | 'not-queued' | 'same-agent'; conversation: LiveConversation }
  | { ok: false; reason: 'target-off-duty' | 'target-away'; targetId: string }

export type DutyMode = 'on' | 'off' | 'away'

export type DutyResult =
  | {
      ok: true
      assigned: Assignment[]
      requeued: LiveConversation[]
      /** The agent was away before this change. */
      wasAway?: boolean
      /** Going away: the away period's number, and the customers waiting on the agent right now. */
      awaySeq?: number
      waiting?: LiveConversation[]
      /** Back from away: the agent's conversations, whose held messages are now due. */
      mine?: LiveConversation[]
    }
  | { ok: false; reason: 'has-open'; open: LiveConversation[] }
  | { ok: false; reason: 'off-duty' }

export type AwayExpiredResult =
  | { ok: true; assigned: Assignment[]; requeued: LiveConversation[] }
  /** The agent came back, or went away again, since the timer was set. */
  | { ok: false }

export type FireResult =
  /** The conversation was answered, closed or moved on since the timer was set: do nothing. */
  | { outcome: 'stale' }
  /** A staff message received before the deadline is still being handled: look again shortly. */
  | { outcome: 'wait' }
  /** Fired before its time (a clock moved, or a timer re-armed early): look again at `dueAt`. */
  | { outcome: 'early'; dueAt: number }
  | {
      outcome: 'fired'
      conversation: LiveConversation
      /** The waiting period the step belongs to, as it was when the step fired. */
      version: number
      waitingSince: number
      /** The agent who held it when the step fired. */
      agentId?: string
      reassignedTo?: string
      assigned: Assignment[]
    }

export interface AgentLoad {
  agentId: string
  onDuty: boolean
  open: number
  /** Present while the agent is away. */
  away?: { until: number; reason: string }
}

/** One alert waiting to go out in a digest: the whole alert, and its line in a digest of several. */
export interface GatheredAlert {
  id: string
  text: string
  line: string
}

export interface LiveState {
  /** A message seen before whose conversation has since gone (closed and expired) yields null. */
  ingestCustomerMessage(input: {
    messageId: string
    kind: InboundMessage['kind']
    customerId: string
    customerName: string
    text: string
    at: number
    newConversationId: string
    /** At most `max` messages a customer within `per` ms are passed on. */
    flood: { max: number; per: number }
    /** When each escalation step falls due, should the reply clock start with this message. */
    deadlines: number[]
    /** The service day (YYYY-MM-DD) when the message came outside service hours, else undefined. */
    closedDay?: string
    /** The category the message's keywords name (for a new conversation). */
    category?: RoutedCategory
    /** The category of a new conversation whose first message names none. */
    fallbackCategory: string
    /** Offer the category menu when the first message names no category. */
    offerMenu: boolean
    /** The category the message picks, if it is a menu answer. */
    menuChoice?: RoutedCategory
    /** The message is a rating, 1–5. */
    rating?: number
    /** The message praises the agent. */
    praise?: boolean
  }): Promise<IngestResult | null>
  /**
   * `code` undefined: a plain-text reply, which goes to the one conversation it can only mean.
   * A message id seen before gets its first outcome again, with `duplicate` set, or null when its
   * conversation has since gone.
   */
  staffReply(input: {
    messageId: string
    staffId: string
    code?: string
    oversees: boolean
    at: number
    /** The escalation step that counts as overdue. */
    overdueStep: number
    /** Keep this reply (with a forbidden phrase) instead of answering. */
    hold?: HeldReply
    /** Send the reply kept for this staff member instead (`code` is ignored). */
    force?: boolean
  }): Promise<(ReplyResult & { duplicate: boolean }) | null>
  close(input: {
    staffId: string
    code: string
    oversees: boolean
    at: number
    /** How long the customer's next message may rate the conversation; 0 for no survey. */
    surveyFor: number
  }): Promise<CloseResult>
  move(input: {
    mode: MoveMode
    actorId: string
    code?: string
    targetId: string
    oversees: boolean
  }): Promise<MoveResult>
  setDuty(input: {
    agentId: string
    mode: DutyMode
    force: boolean
    cap: number
    /** For `away`: when the agent will be back, and why they are away. */
    until?: number
    reason?: string
    /** For `on`: the categories the agent takes; none for every one. */
    skills?: readonly string[]
  }): Promise<DutyResult>
  /** An away agent's time is up: their conversations go to colleagues or back to the queue. */
  awayExpired(input: { agentId: string; seq: number }): Promise<AwayExpiredResult>
  /** Hands queued conversations to agents with room; run at start-up in case a change was cut short. */
  drainQueue(): Promise<Assignment[]>
  fireStep(input: {
    conversationId: string
    version: number
    step: number
    reassign: boolean
    countsAsOverdue: boolean
    at: number
  }): Promise<FireResult>

  /**
   * A service day ended at `endedAt`: every conversation open since before then counts one more day
   * unresolved (once per day); returns those.
   */
  dayEnded(day: string, endedAt: number): Promise<LiveConversation[]>
  /** The last service day whose end was swept. */
  lastDayEnded(): Promise<string | undefined>
  /**
   * Gathers an alert for a recipient (at `at`, for a digest `windowMs` later); returns the flush
   * number of the digest whose timer must be armed, or 0 when none needs arming.
   */
  gatherAlert(recipient: string, alert: GatheredAlert, at: number, windowMs: number): Promise<number>
  /** The recipient's digest still to go out, if any (start-up arms it again). */
  pendingDigest(recipient: string): Promise<number | undefined>
  /** The alerts a digest sends (the same ones again until `alertsSent`). */
  takeAlerts(recipient: string, flush: number): Promise<GatheredAlert[]>
  alertsSent(recipient: string, flush: number): Promise<void>
  /**
   * The queue moved up: the waiting customers to tell their new place (improved by `step` and by
   * half since they were last told, or next in line), noted as told.
   */
  queuePlaces(step: number): Promise<{ conversation: LiveConversation; position: number }[]>
  pending(conversationId: string): Promise<PendingMessage[]>
  /** Forgets pending messages up to and including `messageId`, once they are on their way. */
  ackPending(conversationId: string, messageId: string): Promise<void>

  /** A staff message has been received: timers due after it wait until it has been handled. */
  staffMessageReceived(messageId: string, at: number): Promise<void>
  staffMessageHandled(messageId: string): Promise<void>

  conversation(id: string): Promise<LiveConversation | null>
  conversationByCode(code: string): Promise<LiveConversation | null>
  /** The customer's open conversation, if they have one. */
  conversationOfCustomer(customerId: string): Promise<LiveConversation | null>
  conversationsOfAgent(agentId: string): Promise<LiveConversation[]>
  /** Every open conversation, oldest first. */
  openConversations(): Promise<LiveConversation[]>
  /** Unassigned conversations, oldest first. */
  queued(): Promise<LiveConversation[]>
  openConversationIds(): Promise<string[]>
  loads(agentIds: string[]): Promise<AgentLoad[]>
  /** Everyone marked on duty, staff or not (any more). */
  onDuty(): Promise<string[]>
}
