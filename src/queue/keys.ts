import { composeId, decomposeId, outgoingId, timerIdentity } from '../domain/ids.js'
import type { Timer } from '../domain/timers.js'

/**
 * Every Redis key and every BullMQ job id the bot uses, built from the deployment prefix. Nothing
 * else spells a key: the Lua scripts get the fixed keys as KEYS and build the others with functions
 * generated from the builders below (src/state/script-loader.ts).
 *
 * A key is `prefix:` and `:`-separated segments: fixed words at fixed places, and variable parts
 * escaped so that they never contain `:` (`:` becomes `~3A`, `~` becomes `~7E`). Every family has
 * its own number of segments or its own fixed words, so two different inputs never give one key.
 * Ids without `:` or `~` (every WeChat id seen so far) keep the key names they had before escaping.
 */
export function escapeKeyPart(part: string): string {
  return part.replace(/[~:]/g, (character) => (character === '~' ? '~7E' : '~3A'))
}

export function keysFor(prefix: string) {
  const key = (...segments: string[]) => [prefix, ...segments].join(':')
  const part = escapeKeyPart
  return {
    prefix,
    /** BullMQ keys live under `${prefix}:${queue}:…`; no queue is named like a family below. */
    bullPrefix: prefix,
    // ── fixed keys: passed to the scripts as KEYS ──
    /**
     * The account's anchor: nothing is stored under it. A script with no fixed key of its own
     * declares it as KEYS[1], so that a Redis Cluster runs the script on the node holding the
     * account's hash slot, where every key the script builds from the prefix lives.
     */
    account: key('account'),
    /** Every open conversation's id. */
    open: key('open'),
    /** Conversations waiting for an agent, scored by their place in the queue. */
    unassigned: key('unassigned'),
    onDuty: key('onduty'),
    /** On duty but away (meal, break): given no new conversations, their customers' messages wait. */
    away: key('away'),
    /**
     * Agents who can be given a new conversation (on duty, not away), ordered as routing prefers
     * them: by load, then longest since their last assignment. Derived from the sets above.
     */
    available: key('available'),
    codeSequence: key('seq', 'code'),
    assignSequence: key('seq', 'assign'),
    alertSequence: key('seq', 'alerts'),
    /** Staff messages received but not yet handled: a timer waits for them before it alerts. */
    staffInFlight: key('inflight', 'staff'),
    /** The last service day whose end was swept (YYYY-MM-DD): start-up catches up a missed one. */
    lastDayEnd: key('daily', 'last-day-end'),
    /** Which process runs the bot for this prefix (src/state/instance-lock.ts): one at a time. */
    instanceLock: key('instance', 'lock'),
    /** Every watched room the bot has seen a message in. */
    groups: key('groups'),
    /** Watched rooms where a customer is waiting for an answer. */
    groupsWaiting: key('groups', 'waiting'),
    /** The counter room codes (G1, G2…) are made from; a room keeps its code for good. */
    groupCodeSequence: key('seq', 'group-code'),
    // ── key families: one key per id ──
    conversation: (id: string) => key('conv', part(id)),
    /** Customer messages not yet handed to an agent, oldest first. */
    pending: (conversationId: string) => key('conv', part(conversationId), 'pending'),
    /** The customer's open conversation. */
    openConversationOf: (customerId: string) => key('customer', part(customerId)),
    /** The closed conversation a customer's next message may rate (1–5), while the survey is open. */
    survey: (customerId: string) => key('customer', part(customerId), 'survey'),
    codeOwner: (code: string) => key('code', part(code)),
    agent: (agentId: string) => key('agent', part(agentId)),
    agentConversations: (agentId: string) => key('agent', part(agentId), 'convs'),
    /** A staff member's reply held for a forbidden phrase, until /force or a corrected reply. */
    heldReply: (staffId: string) => key('agent', part(staffId), 'held'),
    /** The outcome of handling one message or timer, kept to recognise a second delivery. */
    seen: (causeId: string) => key('seen', part(causeId)),
    /** How many messages a customer sent in the current flood window. */
    recentFrom: (customerId: string) => key('recent', part(customerId)),
    /** Set once an outbox job's message has gone out, so a retried job is not sent again. */
    sent: (jobId: string) => key('sent', part(jobId)),
    /** Alerts gathered for one recipient, to go out together as one digest. */
    alerts: (recipient: string) => key('alerts', part(recipient)),
    /** The pending digest of a recipient's gathered alerts: "flush|dueAt". */
    alertFlush: (recipient: string) => key('alerts', part(recipient), 'flush'),
    /** The alerts a digest took, kept until it is in the outbox so a crash re-sends the same digest. */
    alertBatch: (recipient: string, flush: string) => key('alerts', 'batch', part(recipient), part(flush)),
    /** Who asked to erase a customer's data: their confirmation is awaited while this lasts. */
    eraseAsked: (customerId: string) => key('erase', part(customerId)),
    /** Set once an alert was gathered, so handling its cause again adds it no second time. */
    alertSeen: (alertId: string) => key('alert-seen', part(alertId)),
    /** A watched room: its code, topic, last customer, revision. */
    group: (roomId: string) => key('group', part(roomId)),
    /** The room a code (G7) names. */
    groupCode: (code: string) => key('group-code', part(code)),
    /** Customers waiting for an answer in a room, scored by when their waiting began. */
    groupWaiters: (roomId: string) => key('group', part(roomId), 'waiting'),
    /** One customer's waiting period in a room: version, ladder step, deadlines, messages. */
    groupWait: (roomId: string, customerId: string) => key('group', part(roomId), 'wait', part(customerId)),
    // ── the web console (src/web/): tokens are never stored, only their SHA-256 (hex) ──
    /** A one-time login link: who it is for and until when. */
    consoleLink: (linkHash: string) => key('console', 'link', part(linkHash)),
    /** The login links one staff member asked for in the rate window, scored by when. */
    consoleLinksOf: (staffId: string) => key('console', 'links', part(staffId)),
    /** A console session: staff id, CSRF token, when it opened and when it ends. */
    consoleSession: (sessionHash: string) => key('console', 'session', part(sessionHash)),
    /** Every session of one staff member, so leaving the staff list ends them all at once. */
    consoleSessionsOf: (staffId: string) => key('console', 'sessions', part(staffId)),
  }
}
export type Keys = ReturnType<typeof keysFor>

export const queueNames = {
  ingest: (partition: number) => `ingest-${partition}`,
  timers: 'sla',
  outbox: 'outbox',
  transcript: 'transcript',
}

/** Job ids, each an injective encoding of its cause (src/domain/ids.ts). */
export const jobIds = {
  /** A WeChat message: a second delivery of the same message collapses into the first job. */
  ingest: (messageId: string) => composeId('in', messageId),
  /** One job per thing to do later: arming the same timer twice leaves one job. */
  timer: (timer: Timer) => timerIdentity(timer),
  /** One outbound message, by what it is for, what caused it and who receives it. */
  send: outgoingId,
  /** A long text goes out in numbered parts, each its own job. */
  sendPart: (id: string, part: number) => `${id}-${part}`,
  /** The purpose and cause an outbox id (or one part of it) was made from. */
  sendParts(id: string): { purpose: string; cause: string; recipient: string } | undefined {
    const [kind, purpose, cause, recipient] = decomposeId(id)
    if (kind !== 'out' || purpose === undefined || cause === undefined || recipient === undefined) return
    return { purpose, cause, recipient }
  },
}
