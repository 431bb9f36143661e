import type { InboundMessage } from './inbound.js'
import { compileKeywords, foldText, type Keyword } from './keywords.js'

/**
 * What a message in a watched room means for the 10-minute rule: whether a customer's message
 * waits for an answer, and which waiting customers a staff message answers. Pure; documented in
 * docs/groups.md.
 */

/** WeChat puts a quoted message in front of the reply: 「Name：quoted」, a dashed line, the reply. */
const QUOTE = /^「([^：:」\n]{1,64})[：:]([\s\S]*?)」\s*\n[-\s—]{3,}\n?([\s\S]*)$/

export interface Quote {
  /** The display name of whoever wrote the quoted message. */
  name: string
  quoted: string
  /** What was written under the quote. */
  text: string
}

export function parseQuote(text: string): Quote | undefined {
  const match = QUOTE.exec(text)
  if (!match) return undefined
  return { name: (match[1] ?? '').trim(), quoted: (match[2] ?? '').trim(), text: (match[3] ?? '').trim() }
}

/** `@name` as typed in a WeChat group: WeChat ends a mention with U+2005 (or a space). */
const TYPED_MENTION = /(?:^|[\s\u2005])@([^\s\u2005@]{1,64})(?=[\s\u2005]|$)/g

/** The names a text @-mentions as typed (a mention the puppet did not resolve to a contact). */
export function typedMentions(text: string): string[] {
  return [...text.matchAll(TYPED_MENTION)].map((match) => match[1] ?? '').filter(Boolean)
}

/**
 * `waits`: starts (or joins) the customer's waiting period. The others start nothing:
 * `acknowledgement` (thanks, OK, a thumbs-up), `sticker`, and `chatter` — a message addressed to
 * another customer (it @-mentions or quotes only customers), which staff need not answer.
 */
export type GroupMessageReading = 'waits' | 'acknowledgement' | 'sticker' | 'chatter'

export interface GroupRules {
  acknowledgements: readonly Keyword[]
  /** Contact ids of staff members. */
  isStaff(id: string): boolean
  /** Display names of staff members (a quote names its author by name only). */
  isStaffName(name: string): boolean
}

export function groupRules(
  acknowledgements: readonly string[],
  staff: { isStaff(id: string): boolean; isStaffName(name: string): boolean },
): GroupRules {
  return { acknowledgements: compileKeywords(acknowledgements, 'acknowledgement'), ...staff }
}

/**
 * The rule, in order: a message that @-mentions the bot or a staff member, or quotes staff, always
 * waits; a sticker does not; nor does a text that is only an acknowledgement (谢谢, 好的, 收到, OK…)
 * or only emoji and punctuation without a question mark; nor one that @-mentions or quotes only
 * other customers. Everything else waits.
 */
export function readGroupMessage(message: InboundMessage, rules: GroupRules): GroupMessageReading {
  const room = message.room
  const quote = message.kind === 'text' ? parseQuote(message.text) : undefined
  const mentions = room?.mentions ?? []
  const addressesStaff =
    room?.mentionsBot === true ||
    mentions.some((id) => rules.isStaff(id)) ||
    (quote !== undefined && rules.isStaffName(quote.name))
  if (addressesStaff) return 'waits'
  if (message.kind === 'emoticon') return 'sticker'
  if (message.kind === 'text') {
    const said = quote?.text ?? message.text
    if (isAcknowledgement(said, rules.acknowledgements)) return 'acknowledgement'
  }
  const addressesCustomer = mentions.length > 0 || quote !== undefined
  return addressesCustomer ? 'chatter' : 'waits'
}

function isAcknowledgement(text: string, acknowledgements: readonly Keyword[]): boolean {
  const folded = foldText(text.replace(TYPED_MENTION, ' '))
  if (folded === '') return !/[?？]/.test(text)
  return acknowledgements.some((word) => word.folded === folded)
}

/** Whom a staff message in a room answers: everyone waiting, or the customers it names. */
export type GroupAnswerTarget = { all: true } | { all: false; customerIds: string[]; names: string[] }

export function answerTarget(message: InboundMessage, answeredBy: 'any' | 'mention'): GroupAnswerTarget {
  if (answeredBy === 'any') return { all: true }
  const quote = message.kind === 'text' ? parseQuote(message.text) : undefined
  const text = message.kind === 'text' ? message.text : ''
  const names = [...new Set([...(quote ? [quote.name] : []), ...typedMentions(text)])]
  return { all: false, customerIds: [...(message.room?.mentions ?? [])], names }
}
