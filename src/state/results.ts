import { z } from 'zod'
import { liveConversationSchema } from '../domain/conversation.js'
import { liveGroupWaitSchema, liveRoomSchema } from '../domain/groups.js'

/**
 * What each state script returns: one JSON document with named fields, parsed here with one schema
 * per script. The port's result types (port.ts) are inferred from these schemas, so the TypeScript
 * side cannot drift from what the Lua side says.
 *
 * Scripts that remember their outcome under the id of what caused them (a WeChat message, a timer)
 * say `replayed: true` when they return a remembered outcome instead of changing anything, and
 * `status: 'gone'` when the cause was seen before but its conversation has since expired.
 */

/** Lua's cjson writes an empty table as `{}`; read that as an empty list. */
export const list = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (value) => (value && typeof value === 'object' && !Array.isArray(value) ? [] : value),
    z.array(item),
  )

const conversation = liveConversationSchema
const assignment = z.object({ conversation, agentId: z.string() })
const assignments = list(assignment)
const replayed = z.boolean().default(false)
const gone = z.object({ status: z.literal('gone') })

/** Where a stopped reply clock stood, so the caller can remove the timer it had armed. */
const clockStop = {
  /** A customer was waiting until now. */
  wasWaiting: z.boolean(),
  /** When they started waiting (0 if nobody was). */
  waitingSince: z.number(),
  previousVersion: z.number(),
  previousStep: z.number(),
}

const refusal = <R extends string>(reason: R) =>
  z.object({ status: z.literal('refused'), reason: z.literal(reason) })

export const ingestResult = z.discriminatedUnion('status', [
  gone,
  /** The message rated the customer's last conversation (1–5), which `conversation` is; nothing else happened. */
  z.object({ status: z.literal('rated'), replayed, conversation, score: z.number() }),
  z.object({
    status: z.literal('taken'),
    replayed,
    conversation,
    /** The message opened this conversation. */
    created: z.boolean(),
    /** The reply clock started with this message (nobody was waiting). */
    clockStarted: z.boolean(),
    /** The clock version this message started; a replay must not take the conversation's current one. */
    clockVersion: z.number().optional(),
    /** Conversations (this one and older queued ones) handed to an agent by this step. */
    assigned: assignments,
    /** 1-based place in the queue of unassigned conversations; 0 when assigned. */
    queuePosition: z.number(),
    /** The agent to forward this message to now; absent when it waits among the pending messages. */
    forwardTo: z.string().optional(),
    /** How far over the flood limit the customer is: 0 normally; past it messages are only recorded. */
    throttled: z.number(),
    /** Outside service hours: tell the customer the hours (once per conversation and day). */
    closedNotice: z.boolean(),
    /** The agent holding the conversation is away: the message waits for them. */
    holderAway: z.boolean(),
    /** The agent is away: tell the customer when they are back (once per away period). */
    awayNotice: z.object({ agentId: z.string(), until: z.number(), reason: z.string() }).optional(),
    /** The new conversation's first message named no category: offer the customer the menu. */
    menuOffered: z.boolean(),
    /** The message answered the menu with this category; it goes to no agent. */
    categoryChosen: z.string().optional(),
    /** The chosen category moved the conversation from this agent (without the skill) to a skilled one. */
    movedFrom: z.string().optional(),
    /** The first praise of this conversation's agent: it counts for them. */
    praised: z.boolean(),
  }),
])

export const replyResult = z.discriminatedUnion('status', [
  gone,
  z.object({
    status: z.literal('answered'),
    replayed,
    conversation,
    /** Ladder steps that fell due before this answer but had not fired yet: breaches all the same. */
    lateSteps: list(z.number()),
    /** The held reply that /force sent. */
    forced: z.object({ text: z.string(), phrase: z.string() }).optional(),
    ...clockStop,
  }),
  /** Kept for a forbidden phrase instead of sent: the clock runs on. */
  z.object({ status: z.literal('held'), replayed, conversation }),
  z.discriminatedUnion('reason', [
    refusal('nothing-held').extend({ replayed }),
    refusal('unknown-code').extend({ replayed, code: z.string() }),
    refusal('no-conversation').extend({ replayed }),
    refusal('ambiguous').extend({ replayed, codes: list(z.string()) }),
    refusal('not-yours').extend({ replayed, conversation }),
  ]),
])

export const closeResult = z.discriminatedUnion('status', [
  z.object({ status: z.literal('closed'), conversation, assigned: assignments, ...clockStop }),
  z.discriminatedUnion('reason', [
    refusal('unknown-code').extend({ code: z.string() }),
    refusal('not-yours').extend({ conversation }),
  ]),
])

export const moveResult = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('moved'),
    conversation,
    /** The agent who held it before, if anyone did. */
    from: z.string().optional(),
    assigned: assignments,
  }),
  z.discriminatedUnion('reason', [
    refusal('unknown-code').extend({ code: z.string() }),
    refusal('queue-empty'),
    refusal('not-yours').extend({ conversation }),
    refusal('not-queued').extend({ conversation }),
    refusal('same-agent').extend({ conversation }),
    refusal('target-off-duty').extend({ targetId: z.string() }),
    refusal('target-away').extend({ targetId: z.string() }),
  ]),
])

export const goOnDutyResult = z.object({
  status: z.literal('on-duty'),
  /** The agent was away before: `mine` are their conversations, whose held messages are now due. */
  wasAway: z.boolean(),
  mine: list(conversation),
  assigned: assignments,
})

export const goAwayResult = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('away'),
    /** The away period's number: the away-limit timer carries it. */
    awaySeq: z.number(),
    /** The customers waiting on the agent right now, to be told once. */
    waiting: list(conversation),
  }),
  refusal('off-duty'),
])

export const goOffDutyResult = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('off-duty'),
    /** The agent's conversations, back in the queue in their old places (forced only). */
    requeued: list(conversation),
    assigned: assignments,
  }),
  refusal('has-open').extend({ open: list(conversation) }),
])

export const awayExpiredResult = z.discriminatedUnion('status', [
  gone,
  z.object({ status: z.literal('handed-on'), replayed, assigned: assignments, requeued: list(conversation) }),
  /** The agent came back, or went away again, since the timer was set. */
  z.object({ status: z.literal('stale') }),
])

export const fireResult = z.discriminatedUnion('status', [
  gone,
  /** The conversation was answered, closed or moved on since the timer was set: do nothing. */
  z.object({ status: z.literal('stale') }),
  /** A staff message received before the deadline is still being handled: look again shortly. */
  z.object({ status: z.literal('wait') }),
  /** Fired before its time (a clock moved, or a timer re-armed early): look again at `dueAt`. */
  z.object({ status: z.literal('early'), dueAt: z.number() }),
  z.object({
    status: z.literal('fired'),
    replayed,
    conversation,
    /** The waiting period the step belongs to, as it was when the step fired. */
    version: z.number(),
    waitingSince: z.number(),
    /** The agent who held it when the step fired. */
    agentId: z.string().optional(),
    reassignedTo: z.string().optional(),
    assigned: assignments,
  }),
])

export const dayEndResult = z.object({
  /** The batch's conversations still open at the day's end, each counted once per day. */
  counted: list(conversation),
})

export const queuePlacesResult = z.object({
  places: list(z.object({ conversation, position: z.number() })),
})

export const gatherAlertResult = z.object({
  /** The digest whose timer the caller must arm; 0 when the pending digest's timer is armed already. */
  arm: z.number(),
})

/** One alert waiting to go out in a digest: the whole alert, and its line in a digest of several. */
export const gatheredAlert = z.object({ id: z.string(), text: z.string(), line: z.string() })

export const takeAlertsResult = z.object({ alerts: list(z.string()) })

export const drainResult = z.object({ assigned: assignments })

export const ackPendingResult = z.object({
  /** How many pending messages were forgotten. */
  dropped: z.number(),
})

export const forgetCustomerResult = z.discriminatedUnion('status', [
  /** The erase was asked for: a confirmation may follow. */
  z.object({ status: z.literal('asked') }),
  /** A confirmation without a request in time: nothing was erased. */
  z.object({ status: z.literal('unconfirmed') }),
  /** How many Redis keys held something of the customer. */
  z.object({ status: z.literal('erased'), keys: z.number() }),
  /** The customer has an open conversation, or waits in a watched room (`code`): close or answer it first. */
  z.object({ status: z.literal('refused'), reason: z.enum(['open', 'waiting-in-group']), code: z.string() }),
])

/** The instance lock: `held` names the process holding it (its JSON) and how long it has left. */
export const claimLockResult = z.discriminatedUnion('status', [
  /** It was free: now it is this process's. */
  z.object({ status: z.literal('taken') }),
  /** It was this process's already: it lasts a TTL more. */
  z.object({ status: z.literal('renewed') }),
  /** Another process's, for `ttlMs` more (-1: it never expires). */
  z.object({ status: z.literal('held'), holder: z.string(), ttlMs: z.number() }),
])

export const releaseLockResult = z.object({
  /** False when the lock was no longer this process's: it was left alone. */
  released: z.boolean(),
})

export type Assignment = z.infer<typeof assignment>
export type IngestResult = z.infer<typeof ingestResult>
export type ReplyResult = z.infer<typeof replyResult>
export type CloseResult = z.infer<typeof closeResult>
export type MoveResult = z.infer<typeof moveResult>
export type GoOnDutyResult = z.infer<typeof goOnDutyResult>
export type GoAwayResult = z.infer<typeof goAwayResult>
export type GoOffDutyResult = z.infer<typeof goOffDutyResult>
export type AwayExpiredResult = z.infer<typeof awayExpiredResult>
export type FireResult = z.infer<typeof fireResult>

export type GatheredAlert = z.infer<typeof gatheredAlert>
export type ForgetCustomerResult = z.infer<typeof forgetCustomerResult>
/** What every reply-clock stop says about the timer it made obsolete. */
export type ClockStop = Pick<
  Extract<CloseResult, { status: 'closed' }>,
  'wasWaiting' | 'waitingSince' | 'previousVersion' | 'previousStep'
>

// ── watched groups (社群) ──

const room = liveRoomSchema
const groupWait = liveGroupWaitSchema

export const groupIngestResult = z.object({
  status: z.literal('taken'),
  replayed,
  room,
  /** The customer's waiting period in the room, when the message waits (or one was already running). */
  wait: groupWait.optional(),
  /** The message began the customer's waiting period. */
  clockStarted: z.boolean(),
  clockVersion: z.number().optional(),
})

/** A waiting period a staff message ended. */
const endedWait = z.object({
  customerId: z.string(),
  customerName: z.string(),
  since: z.number(),
  version: z.number(),
  /** The next step the ladder would have taken. */
  ladderStep: z.number(),
  /** How long each of the period's messages waited for this answer. */
  responsesMs: list(z.number()),
  /** Steps that fell due before the answer but were not taken (their timers had not fired yet). */
  lateSteps: list(z.number()),
  /** Messages overdue by the answer that no step counted yet. */
  overdueMessages: z.number(),
  lastText: z.string(),
})
export type EndedGroupWait = z.infer<typeof endedWait>

export const groupAnswerResult = z.object({
  status: z.literal('answered'),
  replayed,
  room,
  ended: list(endedWait),
})

export const groupFireResult = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('fired'),
    replayed,
    room,
    wait: groupWait,
    /** At the overdue step: the customer's messages overdue by now, not counted before. */
    overdueMessages: z.number(),
  }),
  z.object({ status: z.literal('early'), dueAt: z.number() }),
  z.object({ status: z.literal('wait') }),
  z.object({ status: z.literal('stale') }),
])

export const groupHoldResult = z.object({ status: z.literal('held'), replayed, room })

const heldGroupReply = z.object({
  roomId: z.string(),
  code: z.string(),
  text: z.string(),
  phrase: z.string(),
})
export const takeHeldGroupReplyResult = z.discriminatedUnion('status', [
  z.object({ status: z.literal('taken'), replayed, held: heldGroupReply }),
  z.object({ status: z.literal('none'), replayed }),
])
export type GroupIngestResult = z.infer<typeof groupIngestResult>
export type GroupAnswerResult = z.infer<typeof groupAnswerResult>
export type GroupFireResult = z.infer<typeof groupFireResult>
export type TakeHeldGroupReplyResult = z.infer<typeof takeHeldGroupReplyResult>

// ── the web console ──
export const issueConsoleLinkResult = z.discriminatedUnion('status', [
  z.object({ status: z.literal('issued'), expiresAt: z.number() }),
  z.object({ status: z.literal('rate-limited'), retryInMs: z.number() }),
])
export const openConsoleSessionResult = z.discriminatedUnion('status', [
  z.object({ status: z.literal('opened'), staffId: z.string(), expiresAt: z.number() }),
  /** The link is unknown, used already, or expired. */
  z.object({ status: z.literal('refused') }),
])
export const endConsoleSessionResult = z.object({ status: z.enum(['ended', 'none']) })
export const endConsoleSessionsOfResult = z.object({ status: z.literal('ended'), count: z.number() })
/** A session as end-console-session and the guard read it (a hash: every field a string). */
export const consoleSessionSchema = z.object({
  staffId: z.string(),
  csrf: z.string(),
  openedAt: z.coerce.number(),
  expiresAt: z.coerce.number(),
})
export type IssueConsoleLinkResult = z.infer<typeof issueConsoleLinkResult>
export type OpenConsoleSessionResult = z.infer<typeof openConsoleSessionResult>
export type ConsoleSession = z.infer<typeof consoleSessionSchema>
