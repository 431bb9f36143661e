import { z } from 'zod'
import {
  GROUP_REPORT_EVENT_TYPES,
  type GroupFigures,
  overdueMessagesOf,
  QUICK_ANSWER_MS,
  type RoomLabel,
  responsesOf,
  roomOf,
} from './group-report.js'
import { median } from './stats.js'
import type { ConversationSummary, EventEntry, EventType, TranscriptEntry } from './transcript.js'
import { addDays, dayKey, zonedTime } from './zoned-time.js'

/**
 * The KPI report per agent and service day, with the reward/penalty tally of the department rules
 * (客服部奖惩制度). Pure: `buildReport` aggregates what the store returned; src/text/report.ts
 * turns the figures into tables and text. Reading and writing are the caller's.
 *
 * Definitions (days are local dates in the service's time zone):
 * - a conversation counts for `firstResponderId ?? agentId` on the day it opened; none → "nobody" ('');
 * - first response = `firstResponseAt - openedAt` of answered conversations: median, and p90 by the
 *   nearest-rank method (the ⌈0.9·n⌉-th smallest value, so always an observed time);
 * - same-day resolution = share of the conversations opened that day with `closedAt` on the same local date;
 * - every event counts for its `data.agentId` ('' or missing → nobody) on the day of its `at`, except
 *   `day-unresolved`, which counts for its `data.day` (the day that ended unresolved; the sweep may run
 *   after midnight); only those with `data.days >= 2` are extra days (the first day is not penalised);
 * - tally = overdue × overdueReply + extraDays × extraDayUnresolved + praise × praise
 *   + improperWording × improperWording + groupOverdue × groupOverdue, in 元.
 *
 * Watched groups (社群; the events of each room's record, which name the room in their data):
 * - customer messages of a room = its `group-waiting` events, on the day of their `at`; they count
 *   for the room only: a message in a room belongs to no agent until someone answers it;
 * - answered messages: each entry of a `group-answered` event's `responsesMs` is one message
 *   answered, on the day of the answer, for the room and for `data.by` ('' = the bot account →
 *   nobody); its response time is the entry (how long that message waited). Within 3 minutes:
 *   ≤ 180 000 ms; within the timeout: ≤ `groups.replyTimeout` (default 10 minutes);
 * - group first response = median and nearest-rank p90 of those response times;
 * - unanswered past the timeout (groupOverdue) = the sum of `group-overdue` `data.messages`, for
 *   the room and `data.agentId` ('' → nobody); the ladder's step and the later answer each record
 *   the messages that went past the timeout by then, so nothing is counted twice. A message answered
 *   late is both answered (not within the timeout) and overdue;
 * - `group-wording` (a forbidden phrase typed into a room) is improper wording for `data.agentId`,
 *   like `phrase-forced`; both count for the room they name;
 * - a room's tally = its groupOverdue × groupOverdue + its improperWording × improperWording.
 */

/** Yuan per event; the defaults are the department rules' figures. */
export const tallyAmountsSchema = z
  .object({
    /** A customer message left unanswered past the reply timeout (5分钟内未回复 −20). */
    overdueReply: z.number().int().default(-20),
    /** Each further day a problem stays unsolved (每拖延一天 −50). */
    extraDayUnresolved: z.number().int().default(-50),
    /** A customer's praise by WeChat (+50). */
    praise: z.number().int().default(50),
    /** Improper wording: a forbidden phrase sent anyway (−20). */
    improperWording: z.number().int().default(-20),
    /** A customer message in a watched group unanswered past its timeout (群消息超过10分钟未回复 −50). */
    groupOverdue: z.number().int().default(-50),
  })
  .strict()
export type TallyAmounts = z.output<typeof tallyAmountsSchema>

export const DEFAULT_TALLY: TallyAmounts = Object.freeze(tallyAmountsSchema.parse({}))

/** The event types the report reads (besides the conversation summaries). */
export const REPORT_EVENT_TYPES = [
  'overdue',
  'rated',
  'praised',
  'day-unresolved',
  'phrase-forced',
  ...GROUP_REPORT_EVENT_TYPES,
] as const satisfies readonly EventType[]
export type ReportEventType = (typeof REPORT_EVENT_TYPES)[number]

export type ReportGrouping = 'day' | 'range'

export interface KpiFigures {
  conversations: number
  /** Conversations with a first response. */
  answered: number
  firstResponseMedianMs: number | undefined
  /** Nearest-rank 90th percentile. */
  firstResponseP90Ms: number | undefined
  overdue: number
  resolvedSameDay: number
  /** 0…1; undefined when there were no conversations. */
  sameDayRate: number | undefined
  ratings: number
  averageRating: number | undefined
  praise: number
  extraDays: number
  /** Forbidden phrases sent anyway, in 1:1 and in the rooms. */
  improperWording: number
  /** Customer messages in rooms this agent answered (see the definitions above). */
  groupAnswered: number
  groupWithin3m: number
  groupWithinTimeout: number
  groupResponseMedianMs: number | undefined
  groupResponseP90Ms: number | undefined
  /** Room messages that went past the timeout unanswered, counted against this agent. */
  groupOverdue: number
  /** Rewards minus penalties, in 元. */
  tally: number
}

export interface KpiRow extends KpiFigures {
  /** The staff id; '' = nobody (unattributed); undefined = all agents together (team total). */
  agentId: string | undefined
}

export interface RoomRow extends GroupFigures {
  /** The room's WeChat id; undefined = all rooms together. */
  roomId: string | undefined
  /** The room's code (`G7`) and topic as its latest event in the period named them; '' for all rooms. */
  code: string
  topic: string
  /** The room's penalties, in 元. */
  tally: number
}

/** One day (grouping by day) or the whole range (grouping by range). */
export interface KpiPeriod {
  from: string
  to: string
  /** Sorted by id, nobody ('') last. */
  agents: KpiRow[]
  team: KpiRow
  /** The watched rooms with any group event in the period, by code (G2 before G10). */
  rooms: RoomRow[]
  allRooms: RoomRow
}

export interface KpiReport {
  from: string
  to: string
  timeZone: string
  by: ReportGrouping
  tally: TallyAmounts
  /** The group timeout the figures were measured against (`groups.replyTimeout`). */
  groupReplyTimeout: number
  /** Whether any room had a group event in the range: renderers show the group figures only then. */
  groups: boolean
  /**
   * What a row is: an agent (one account's report), or a whole account (the total of several, where
   * `agentId` is the account's name and each account's rooms make one room row under its name).
   */
  rows: 'agents' | 'accounts'
  periods: KpiPeriod[]
}

export interface ReportInput {
  /** Conversations opened in the range (see `reportWindow`). */
  conversations: readonly ConversationSummary[]
  /** Events of the `REPORT_EVENT_TYPES`; other entries are ignored, as are events outside the range. */
  events: readonly TranscriptEntry[]
}

export interface ReportOptions {
  /** First and last local date, YYYY-MM-DD, inclusive. */
  from: string
  to: string
  timeZone: string
  by: ReportGrouping
  tally?: TallyAmounts
  /** `groups.replyTimeout`; default 10 minutes. */
  groupReplyTimeout?: number
}

/** The regulations' group timeout (群消息超过10分钟未回复), when none is configured. */
export const DEFAULT_GROUP_REPLY_TIMEOUT = 600_000

const DATE = /^\d{4}-\d{2}-\d{2}$/

/** Whether `value` is a real calendar date written YYYY-MM-DD. */
export function isLocalDate(value: string): boolean {
  return DATE.test(value) && addDays(value, 0) === value
}

/** The instants [start, end) covering the local dates from…to (inclusive) in the zone. */
export function reportWindow(from: string, to: string, timeZone: string): { start: number; end: number } {
  return { start: zonedTime(from, 0, timeZone), end: zonedTime(addDays(to, 1), 0, timeZone) }
}

/** Nearest-rank percentile (0 < p ≤ 100): the ⌈p/100·n⌉-th smallest value; undefined when empty. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)))
  return sorted[rank - 1]
}

/** The service day an event counts for (see the definitions above). */
export function eventDay(event: TranscriptEntry, timeZone: string): string {
  if (event.kind === 'event' && event.type === 'day-unresolved') {
    const day = event.data.day
    if (typeof day === 'string' && isLocalDate(day)) return day
  }
  return dayKey(event.at, timeZone)
}

function agentOf(value: unknown): string {
  return typeof value === 'string' ? value : ''
}

/** Answered, within 3 minutes, within the timeout, median and p90 of some response times. */
function responseFigures(responses: readonly number[], replyTimeoutMs: number) {
  return {
    answered: responses.length,
    within3m: responses.filter((ms) => ms <= QUICK_ANSWER_MS).length,
    withinTimeout: responses.filter((ms) => ms <= replyTimeoutMs).length,
    medianMs: median([...responses]),
    p90Ms: percentile(responses, 90),
  }
}

class Tallies {
  conversations = 0
  resolvedSameDay = 0
  readonly firstResponses: number[] = []
  overdue = 0
  ratings = 0
  ratingSum = 0
  praise = 0
  extraDays = 0
  improperWording = 0
  readonly groupResponses: number[] = []
  groupOverdue = 0

  figures(amounts: TallyAmounts, groupReplyTimeout: number): KpiFigures {
    const group = responseFigures(this.groupResponses, groupReplyTimeout)
    return {
      conversations: this.conversations,
      answered: this.firstResponses.length,
      firstResponseMedianMs: median(this.firstResponses),
      firstResponseP90Ms: percentile(this.firstResponses, 90),
      overdue: this.overdue,
      resolvedSameDay: this.resolvedSameDay,
      sameDayRate: this.conversations ? this.resolvedSameDay / this.conversations : undefined,
      ratings: this.ratings,
      averageRating: this.ratings ? this.ratingSum / this.ratings : undefined,
      praise: this.praise,
      extraDays: this.extraDays,
      improperWording: this.improperWording,
      groupAnswered: group.answered,
      groupWithin3m: group.within3m,
      groupWithinTimeout: group.withinTimeout,
      groupResponseMedianMs: group.medianMs,
      groupResponseP90Ms: group.p90Ms,
      groupOverdue: this.groupOverdue,
      tally:
        this.overdue * amounts.overdueReply +
        this.extraDays * amounts.extraDayUnresolved +
        this.praise * amounts.praise +
        this.improperWording * amounts.improperWording +
        this.groupOverdue * amounts.groupOverdue,
    }
  }
}

class RoomTallies {
  messages = 0
  readonly responses: number[] = []
  overdue = 0
  improperWording = 0
  /** When the label was last taken from an event: the latest event names the room. */
  private labelAt = -1

  constructor(private label: RoomLabel | undefined) {}

  relabel(label: RoomLabel, at: number): void {
    if (at < this.labelAt) return
    this.label = label
    this.labelAt = at
  }

  row(amounts: TallyAmounts, groupReplyTimeout: number): RoomRow {
    const group = responseFigures(this.responses, groupReplyTimeout)
    return {
      roomId: this.label?.roomId,
      code: this.label?.code ?? '',
      topic: this.label?.topic ?? '',
      messages: this.messages,
      answered: group.answered,
      within3m: group.within3m,
      withinTimeout: group.withinTimeout,
      responseMedianMs: group.medianMs,
      responseP90Ms: group.p90Ms,
      overdue: this.overdue,
      improperWording: this.improperWording,
      // Both amounts are penalties: with nothing counted the products are −0, and a report says 0.
      tally: this.overdue * amounts.groupOverdue + this.improperWording * amounts.improperWording || 0,
    }
  }
}

interface PeriodTallies {
  agents: Map<string, Tallies>
  team: Tallies
  rooms: Map<string, RoomTallies>
  allRooms: RoomTallies
}

/** `G` and a number, by the number; other codes after them, then by id. */
function compareRooms(a: RoomRow, b: RoomRow): number {
  const number = (row: RoomRow) =>
    /^G\d+$/.test(row.code) ? Number(row.code.slice(1)) : Number.POSITIVE_INFINITY
  const byNumber = number(a) - number(b)
  if (byNumber) return byNumber
  const key = (row: RoomRow) => `${row.code}\u0000${row.roomId ?? ''}`
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0
}

/** Aggregates conversations and events into figures per agent and day (or range), with team totals. */
export function buildReport(input: ReportInput, options: ReportOptions): KpiReport {
  return aggregate([{ input, agent: (id) => id, room: (label) => label }], options, 'agents')
}

/**
 * The total of several accounts' inputs, one row per account and day (or range) and a row for all
 * of them: figures such as medians are worked out from every account's raw data, not averaged from
 * their reports. The options (time zone, tally, group timeout) are the accounts' common ones.
 */
export function buildAccountsReport(
  accounts: readonly { account: string; input: ReportInput }[],
  options: ReportOptions,
): KpiReport {
  return aggregate(
    accounts.map(({ account, input }) => ({
      input,
      agent: () => account,
      room: () => ({ roomId: account, code: account, topic: '' }),
    })),
    options,
    'accounts',
  )
}

/** One input and what its agents and rooms count under: themselves, or their account. */
interface Source {
  input: ReportInput
  agent(agentId: string): string
  room(label: RoomLabel): RoomLabel
}

function aggregate(sources: readonly Source[], options: ReportOptions, rows: KpiReport['rows']): KpiReport {
  const { from, to, timeZone, by } = options
  if (!isLocalDate(from) || !isLocalDate(to)) throw new RangeError(`not a YYYY-MM-DD range: ${from}…${to}`)
  if (from > to) throw new RangeError(`the range starts after it ends: ${from} > ${to}`)
  const amounts = options.tally ?? DEFAULT_TALLY
  const groupReplyTimeout = options.groupReplyTimeout ?? DEFAULT_GROUP_REPLY_TIMEOUT

  const periodKeys: string[] = []
  if (by === 'day') for (let day = from; day <= to; day = addDays(day, 1)) periodKeys.push(day)
  else periodKeys.push(from)
  const periodOf = (day: string) => (by === 'day' ? day : from)

  const perPeriod = new Map<string, PeriodTallies>(
    periodKeys.map((key) => [
      key,
      { agents: new Map(), team: new Tallies(), rooms: new Map(), allRooms: new RoomTallies(undefined) },
    ]),
  )
  const periodFor = (day: string) => (day < from || day > to ? undefined : perPeriod.get(periodOf(day)))
  /** The agent's and the team's tallies of the period holding `day`; none when outside the range. */
  const talliesFor = (day: string, agentId: string): Tallies[] => {
    const period = periodFor(day)
    if (!period) return []
    let agent = period.agents.get(agentId)
    if (!agent) {
      agent = new Tallies()
      period.agents.set(agentId, agent)
    }
    return [agent, period.team]
  }
  /** The room's and all rooms' tallies of the period holding the event's day; none outside the range. */
  const roomTalliesFor = (day: string, label: RoomLabel | undefined, at: number): RoomTallies[] => {
    const period = periodFor(day)
    if (!period || !label) return []
    let room = period.rooms.get(label.roomId)
    if (!room) {
      room = new RoomTallies(label)
      period.rooms.set(label.roomId, room)
    }
    room.relabel(label, at)
    return [room, period.allRooms]
  }

  for (const source of sources) {
    const { input } = source
    const agent = (value: unknown) => source.agent(agentOf(value))
    const roomsFor = (day: string, event: EventEntry) => {
      const named = roomOf(event)
      return roomTalliesFor(day, named && source.room(named), event.at)
    }
    for (const conversation of input.conversations) {
      const day = dayKey(conversation.openedAt, timeZone)
      const agentId = conversation.firstResponderId || conversation.agentId || ''
      for (const tallies of talliesFor(day, source.agent(agentId))) {
        tallies.conversations++
        if (conversation.firstResponseAt !== undefined)
          tallies.firstResponses.push(conversation.firstResponseAt - conversation.openedAt)
        if (conversation.closedAt !== undefined && dayKey(conversation.closedAt, timeZone) === day)
          tallies.resolvedSameDay++
      }
    }

    for (const event of input.events) {
      if (event.kind !== 'event') continue
      const type = event.type
      if (!(REPORT_EVENT_TYPES as readonly EventType[]).includes(type)) continue
      const day = eventDay(event, timeZone)
      switch (type) {
        case 'group-waiting':
          for (const room of roomsFor(day, event)) room.messages++
          continue
        case 'group-answered': {
          const responses = responsesOf(event)
          if (!responses.length) continue
          for (const tallies of talliesFor(day, agent(event.data.by)))
            tallies.groupResponses.push(...responses)
          for (const room of roomsFor(day, event)) room.responses.push(...responses)
          continue
        }
        case 'group-overdue': {
          const messages = overdueMessagesOf(event)
          if (!messages) continue
          for (const tallies of talliesFor(day, agent(event.data.agentId))) tallies.groupOverdue += messages
          for (const room of roomsFor(day, event)) room.overdue += messages
          continue
        }
        case 'group-wording':
        case 'phrase-forced':
          // A /force in 1:1 names no room: it counts for the agent only.
          for (const room of roomsFor(day, event)) room.improperWording++
          break
      }
      const score = Number(event.data.score)
      if (type === 'rated' && !(Number.isFinite(score) && score >= 1 && score <= 5)) continue
      if (type === 'day-unresolved' && !(Number(event.data.days) >= 2)) continue
      for (const tallies of talliesFor(day, agent(event.data.agentId))) {
        if (type === 'overdue') tallies.overdue++
        else if (type === 'rated') {
          tallies.ratings++
          tallies.ratingSum += score
        } else if (type === 'praised') tallies.praise++
        else if (type === 'day-unresolved') tallies.extraDays++
        else if (type === 'phrase-forced' || type === 'group-wording') tallies.improperWording++
      }
    }
  }

  const periods = periodKeys.map((key): KpiPeriod => {
    const period = perPeriod.get(key) as PeriodTallies
    const agents = [...period.agents.entries()]
      .sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : a < b ? -1 : a > b ? 1 : 0))
      .map(([agentId, tallies]): KpiRow => ({ agentId, ...tallies.figures(amounts, groupReplyTimeout) }))
    return {
      from: by === 'day' ? key : from,
      to: by === 'day' ? key : to,
      agents,
      team: { agentId: undefined, ...period.team.figures(amounts, groupReplyTimeout) },
      rooms: [...period.rooms.values()]
        .map((room) => room.row(amounts, groupReplyTimeout))
        .sort(compareRooms),
      allRooms: period.allRooms.row(amounts, groupReplyTimeout),
    }
  })
  const groups = periods.some((period) => period.rooms.length > 0)
  return { from, to, timeZone, by, tally: { ...amounts }, groupReplyTimeout, groups, rows, periods }
}
