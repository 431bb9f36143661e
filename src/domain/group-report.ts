import type { EventEntry, EventType } from './transcript.js'

/**
 * The watched groups' (社群) part of the KPI report: the figures of the 10-minute rule and how they
 * are read from a room's record. src/domain/report.ts places each event on its day, agent and room
 * and computes the figures; the definitions are in its header.
 */

/** The group events the report reads (`phrase-forced` it reads anyway). */
export const GROUP_REPORT_EVENT_TYPES = [
  'group-waiting',
  'group-answered',
  'group-overdue',
  'group-wording',
] as const satisfies readonly EventType[]

/** The regulations' quick answer: within 3 minutes (3分钟内回复). */
export const QUICK_ANSWER_MS = 180_000

export interface GroupFigures {
  /** Customer messages that waited for an answer (`group-waiting`). */
  messages: number
  /** Messages answered (each entry of a `group-answered` event's `responsesMs`). */
  answered: number
  /** Of those, answered within `QUICK_ANSWER_MS`. */
  within3m: number
  /** Of those, answered within the group timeout (`groups.replyTimeout`). */
  withinTimeout: number
  responseMedianMs: number | undefined
  /** Nearest-rank 90th percentile. */
  responseP90Ms: number | undefined
  /** Messages that went past the timeout unanswered (the sum of `group-overdue` `messages`). */
  overdue: number
  /** Forbidden phrases typed into the room or relayed into it with /force. */
  improperWording: number
}

/** A room as its events name it: every group event carries its id, code and topic. */
export interface RoomLabel {
  roomId: string
  code: string
  topic: string
}

/** The room an event names; none for an event of a 1:1 conversation (a /force there). */
export function roomOf(event: EventEntry): RoomLabel | undefined {
  const { roomId, code, topic } = event.data
  if (typeof roomId !== 'string' || roomId === '') return undefined
  return { roomId, code: typeof code === 'string' ? code : '', topic: typeof topic === 'string' ? topic : '' }
}

/** How long each message a `group-answered` event answered had waited; malformed entries are dropped. */
export function responsesOf(event: EventEntry): number[] {
  const responses = event.data.responsesMs
  if (!Array.isArray(responses)) return []
  return responses.filter((ms): ms is number => typeof ms === 'number' && Number.isFinite(ms) && ms >= 0)
}

/** How many messages a `group-overdue` event counts; 0 when it says nothing sensible. */
export function overdueMessagesOf(event: EventEntry): number {
  const messages = event.data.messages
  return typeof messages === 'number' && Number.isInteger(messages) && messages > 0 ? messages : 0
}
