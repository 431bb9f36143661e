import type { Timer } from './timers.js'

/**
 * Every Redis key and every BullMQ job id the bot uses, built from the deployment prefix. Nothing
 * else spells a key: the Lua scripts get the fragments they need from here as arguments.
 *
 * Job ids are derived from their cause (a WeChat message, a timer step, a purpose and a recipient),
 * so doing the same work twice after a crash adds the same job twice, which BullMQ and the outbox's
 * sent-markers collapse into one.
 */
export function keysFor(prefix: string) {
  const k = (...parts: string[]) => [prefix, ...parts].join(':')
  return {
    prefix,
    /** BullMQ keys live under `${prefix}:${queue}:…`. */
    bullPrefix: prefix,
    conversation: (id: string) => k('conv', id),
    /** Customer messages not yet handed to an agent, oldest first. */
    pending: (id: string) => k('conv', id, 'pending'),
    openConversationOf: (customerId: string) => k('customer', customerId),
    codeOwner: (code: string) => k('code', code),
    open: k('open'),
    unassigned: k('unassigned'),
    agent: (id: string) => k('agent', id),
    agentConversations: (id: string) => k('agent', id, 'convs'),
    onDuty: k('onduty'),
    /** On duty but away (meal, break): given no new conversations, their customers' messages wait. */
    away: k('away'),
    /**
     * Agents who can be given a new conversation (on duty, not away), ordered as routing prefers
     * them: by load, then longest since their last assignment. Derived from the sets above.
     */
    available: k('available'),
    codeSequence: k('seq', 'code'),
    assignSequence: k('seq', 'assign'),
    /** The outcome of handling one inbound WeChat message, kept to recognise a second delivery. */
    seen: (messageId: string) => k('seen', messageId),
    /** A staff member's reply held for a forbidden phrase, until /force or a corrected reply. */
    heldReply: (staffId: string) => k('agent', staffId, 'held'),
    /** The closed conversation a customer's next message may rate (1–5), while the survey is open. */
    survey: (customerId: string) => k('customer', customerId, 'survey'),
    /** How many messages a customer sent in the current flood window. */
    recentFrom: (customerId: string) => k('recent', customerId),
    /** Set once an outbox job's message has gone out, so a retried job is not sent again. */
    sent: (jobId: string) => k('sent', jobId),
    /** Alerts gathered for one recipient, to go out together as one digest. */
    alerts: (recipient: string) => k('alerts', recipient),
    /** The pending digest of a recipient's gathered alerts (its flush number). */
    alertFlush: (recipient: string) => k('alerts', recipient, 'flush'),
    /** The alerts a digest took, kept until it is in the outbox so a crash re-sends the same digest. */
    alertBatch: (recipientAndFlush: string) => k('alerts', 'batch', recipientAndFlush),
    /** Set once an alert was gathered, so handling its cause again adds it no second time. */
    alertSeen: (alertId: string) => k('alerts', 'seen', alertId),
    alertSequence: k('seq', 'alerts'),
    /** The last service day whose end was swept (YYYY-MM-DD): start-up catches up a missed one. */
    lastDayEnd: k('daily', 'last-day-end'),
    /** Staff messages received but not yet handled: a timer waits for them before it alerts. */
    staffInFlight: k('inflight', 'staff'),
  }
}
export type Keys = ReturnType<typeof keysFor>

/** BullMQ forbids ':' in custom ids and ids that look like integers; WeChat ids can be either. */
function safe(part: string): string {
  return part.replace(/[^A-Za-z0-9_.@-]/g, '_')
}

export const jobIds = {
  ingest: (messageId: string) => `in-${safe(messageId)}`,
  /** One job per thing to do later: arming the same timer twice leaves one job. */
  timer: (timer: Timer): string => {
    switch (timer.kind) {
      case 'reply':
        return `sla-${safe(timer.conversationId)}-${timer.version}-${timer.step}`
      case 'away':
        return `away-${safe(timer.agentId)}-${timer.seq}`
      case 'digest':
        return `digest-${safe(timer.recipient)}-${timer.flush}`
      case 'day-end':
      case 'day-start':
        return `${timer.kind}-${timer.day}`
      case 'shift-end':
        return `shift-end-${safe(timer.shift)}-${timer.day}`
      case 'handover-ack':
        return `handover-ack-${safe(timer.handoverId)}`
      case 'follow-up':
        return `follow-up-${safe(timer.conversationId)}`
    }
  },
  /** One outbound message: what it is for, what caused it, and who receives it. */
  send: (purpose: string, cause: string, recipient: string) =>
    `out-${purpose}-${safe(cause)}-${safe(recipient)}`,
  /** Whether an outbox id was made by `send` for this purpose. */
  isSend: (id: string, purpose: string) => id.startsWith(`out-${purpose}-`),
}

export const queueNames = {
  ingest: (partition: number) => `ingest-${partition}`,
  timers: 'sla',
  outbox: 'outbox',
  transcript: 'transcript',
}
