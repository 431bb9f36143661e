import type { Timer } from './timers.js'

/**
 * Ids made of parts (a job id from a WeChat message id, an outbox id from a purpose, a cause and a
 * recipient) must never collide: two different lists of parts always give two different ids, or a
 * second customer's message is dropped as a duplicate of the first.
 *
 * Each part is escaped so that it never contains the separator `-`: letters, digits and `_ . @`
 * stay as they are (WeChat ids are mostly made of these, so ids stay readable), every other UTF-16
 * code unit becomes `~HH` (below 0x100) or `~uHHHH`. Parts are then joined with `-`. Splitting on
 * `-` and unescaping gives the parts back, so the encoding is injective; and as the result never
 * contains `:` and never looks like an integer, it is a valid BullMQ job id.
 */
const SAFE = /^[A-Za-z0-9_.@]$/

export function escapePart(part: string): string {
  let escaped = ''
  for (let index = 0; index < part.length; index++) {
    const character = part[index] as string
    if (SAFE.test(character)) {
      escaped += character
      continue
    }
    const unit = part.charCodeAt(index)
    escaped +=
      unit < 0x100
        ? `~${unit.toString(16).toUpperCase().padStart(2, '0')}`
        : `~u${unit.toString(16).toUpperCase().padStart(4, '0')}`
  }
  return escaped
}

export function unescapePart(escaped: string): string {
  return escaped.replace(/~(?:u([0-9A-F]{4})|([0-9A-F]{2}))/g, (_, wide: string, narrow: string) =>
    String.fromCharCode(Number.parseInt(wide ?? narrow, 16)),
  )
}

/** `kind-part-part…`, every piece escaped: the one way the bot makes an id out of parts. */
export function composeId(kind: string, ...parts: (string | number)[]): string {
  return [kind, ...parts].map((part) => escapePart(String(part))).join('-')
}

/** The kind and the parts an id was composed of (`composeId` in reverse). */
export function decomposeId(id: string): string[] {
  return id.split('-').map(unescapePart)
}

/**
 * What a timer is, as one id: the same timer (kind and fields) always gives the same one, so
 * arming it twice leaves one job, and a timer handled twice replays instead of repeating.
 */
export function timerIdentity(timer: Timer): string {
  switch (timer.kind) {
    case 'reply':
      return composeId('timer', timer.kind, timer.conversationId, timer.version, timer.step)
    case 'group-reply':
      return composeId('timer', timer.kind, timer.roomId, timer.customerId, timer.version, timer.step)
    case 'away':
      return composeId('timer', timer.kind, timer.agentId, timer.seq)
    case 'digest':
      return composeId('timer', timer.kind, timer.recipient, timer.flush)
    case 'day-end':
    case 'day-start':
      return composeId('timer', timer.kind, timer.day)
    case 'shift-end':
      return composeId('timer', timer.kind, timer.shift, timer.day)
    case 'handover-ack':
      return composeId('timer', timer.kind, timer.handoverId)
    case 'follow-up':
      return composeId('timer', timer.kind, timer.conversationId)
  }
}

/**
 * One message the bot sends: what it is for, what caused it (a WeChat message id, a timer's
 * identity…) and who receives it. Doing the same work again after a crash yields the same id,
 * which the outbox sends at most once.
 */
export function outgoingId(purpose: string, cause: string, recipient: string): string {
  return composeId('out', purpose, cause, recipient)
}

/** The transcript entry of a message the bot received, by its WeChat id. */
export function incomingId(messageId: string): string {
  return composeId('in', messageId)
}
