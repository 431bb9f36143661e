import type { LiveConversation } from '../domain/conversation.js'
import type { GroupAnswerTarget } from '../domain/group-messages.js'
import type { LiveGroupWait, LiveRoom } from '../domain/groups.js'
import type { InboundMessage } from '../domain/inbound.js'
import type {
  Assignment,
  AwayExpiredResult,
  CloseResult,
  ConsoleSession,
  FireResult,
  ForgetCustomerResult,
  GatheredAlert,
  GoAwayResult,
  GoOffDutyResult,
  GoOnDutyResult,
  GroupAnswerResult,
  GroupFireResult,
  GroupIngestResult,
  IngestResult,
  IssueConsoleLinkResult,
  MoveResult,
  OpenConsoleSessionResult,
  ReplyResult,
  TakeHeldGroupReplyResult,
} from './results.js'

export type {
  Assignment,
  AwayExpiredResult,
  ClockStop,
  CloseResult,
  ConsoleSession,
  EndedGroupWait,
  FireResult,
  ForgetCustomerResult,
  GatheredAlert,
  GoAwayResult,
  GoOffDutyResult,
  GoOnDutyResult,
  GroupAnswerResult,
  GroupFireResult,
  GroupIngestResult,
  IngestResult,
  IssueConsoleLinkResult,
  MoveResult,
  OpenConsoleSessionResult,
  ReplyResult,
  TakeHeldGroupReplyResult,
} from './results.js'

/**
 * Live conversation and agent state. Every method that changes state is one atomic step (a Lua
 * script in scripts/): it checks what it needs and changes everything together, or changes nothing.
 * Result types come from the scripts' result schemas (results.ts).
 */

/** A customer message waiting to be handed to an agent. */
export interface PendingMessage {
  id: string
  kind: InboundMessage['kind']
  /** The text, or a placeholder such as [图片] for other kinds. */
  text: string
  at: number
}

/** A category as routing needs it: its id, and whether it jumps the queue. */
export interface RoutedCategory {
  id: string
  priority?: boolean
}

/** A reply held for a forbidden phrase. */
export interface HeldReply {
  text: string
  phrase: string
}

export type MoveMode = 'take' | 'transfer' | 'assign'

export interface AgentLoad {
  agentId: string
  onDuty: boolean
  open: number
  /** Present while the agent is away. */
  away?: { until: number; reason: string }
}

export interface LiveState {
  /**
   * A customer message arrives. A message seen before gets its first outcome again (`replayed`), or
   * `gone` when its conversation has since closed and expired.
   */
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
  }): Promise<IngestResult>
  /**
   * `code` undefined: a plain-text reply, which goes to the one conversation it can only mean.
   * A message id seen before gets its first outcome again (`replayed`), or `gone`.
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
  }): Promise<ReplyResult>
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
  /** On duty (or back from away): queued conversations go to the agent, up to `cap`. */
  goOnDuty(input: {
    agentId: string
    cap: number
    /** The categories the agent takes; none for every one. */
    skills?: readonly string[]
  }): Promise<GoOnDutyResult>
  /** Away (meal, break), until `until`: no new conversations; refused when not on duty. */
  goAway(input: { agentId: string; until: number; reason: string }): Promise<GoAwayResult>
  /**
   * Off duty: refused while the agent has open conversations, unless forced; forced, they go back to
   * the queue in their old places and on to colleagues with room.
   */
  goOffDuty(input: { agentId: string; force: boolean }): Promise<GoOffDutyResult>
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

  /**
   * Forgets a customer's live state (docs/privacy.md): `ask` notes a request that `confirm` by the
   * same person must follow within `askFor` ms; `now` erases at once. Refused while a conversation
   * is open. `conversationIds`: the customer's conversations the store knows.
   */
  forgetCustomer(input: {
    customerId: string
    mode: 'ask' | 'confirm' | 'now'
    by: string
    askFor: number
    conversationIds: readonly string[]
  }): Promise<ForgetCustomerResult>

  // ── watched groups (社群) ──
  /**
   * A customer's message in a watched room: `waits` starts (or joins) their waiting period there,
   * whose steps fall due at `deadlines`; `overdueAt` is when this message itself is overdue.
   */
  groupMessage(input: {
    messageId: string
    roomId: string
    topic: string
    customerId: string
    customerName: string
    text: string
    at: number
    waits: boolean
    deadlines: number[]
    overdueAt: number
  }): Promise<GroupIngestResult>
  /** Staff answered in a room: ends the waiting periods `target` names. */
  groupAnswer(input: {
    messageId: string
    roomId: string
    topic: string
    at: number
    target: GroupAnswerTarget
  }): Promise<GroupAnswerResult>
  fireGroupStep(input: {
    roomId: string
    customerId: string
    version: number
    step: number
    countsAsOverdue: boolean
    at: number
  }): Promise<GroupFireResult>
  /** Keeps a relay with a forbidden phrase for its author (one kept reply per staff member); the room now. */
  holdGroupReply(input: {
    messageId: string
    staffId: string
    held: { roomId: string; code: string; text: string; phrase: string }
  }): Promise<LiveRoom>
  /** `/force`: the kept reply, when it was meant for a room. */
  takeHeldGroupReply(input: { messageId: string; staffId: string }): Promise<TakeHeldGroupReplyResult>
  room(roomId: string): Promise<LiveRoom | null>
  roomByCode(code: string): Promise<LiveRoom | null>
  /** Every watched room seen so far, by code. */
  rooms(): Promise<LiveRoom[]>
  /** The customers waiting in a room, longest first. */
  groupWaits(roomId: string): Promise<LiveGroupWait[]>
  /** Rooms where someone is waiting. */
  roomsWaiting(): Promise<string[]>

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

  // ── the web console (src/web/): tokens never reach Redis, only their SHA-256 (hex) ──
  /** A one-time login link for a staff member, working for `ttlMs`; refused past `rate`. */
  issueConsoleLink(input: {
    linkHash: string
    staffId: string
    at: number
    ttlMs: number
    rate: { max: number; per: number }
  }): Promise<IssueConsoleLinkResult>
  /** Uses up the link (a second use is refused) and opens a session of `ttlMs` with its CSRF token. */
  openConsoleSession(input: {
    linkHash: string
    sessionHash: string
    csrf: string
    at: number
    ttlMs: number
  }): Promise<OpenConsoleSessionResult>
  /** The session, while it lasts. */
  consoleSession(sessionHash: string, at: number): Promise<ConsoleSession | null>
  /** Logout. */
  endConsoleSession(sessionHash: string): Promise<void>
  /** Ends every session of a staff member (they left the staff list); how many there were. */
  endConsoleSessionsOf(staffId: string): Promise<number>
}
