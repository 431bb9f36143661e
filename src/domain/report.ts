import { z } from 'zod'
import { median } from './stats.js'
import type { ConversationSummary, EventType, TranscriptEntry } from './transcript.js'
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
 *   + improperWording × improperWording, in 元.
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
  improperWording: number
  /** Rewards minus penalties, in 元. */
  tally: number
}

export interface KpiRow extends KpiFigures {
  /** The staff id; '' = nobody (unattributed); undefined = all agents together (team total). */
  agentId: string | undefined
}

/** One day (grouping by day) or the whole range (grouping by range). */
export interface KpiPeriod {
  from: string
  to: string
  /** Sorted by id, nobody ('') last. */
  agents: KpiRow[]
  team: KpiRow
}

export interface KpiReport {
  from: string
  to: string
  timeZone: string
  by: ReportGrouping
  tally: TallyAmounts
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
}

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

  figures(amounts: TallyAmounts): KpiFigures {
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
      tally:
        this.overdue * amounts.overdueReply +
        this.extraDays * amounts.extraDayUnresolved +
        this.praise * amounts.praise +
        this.improperWording * amounts.improperWording,
    }
  }
}

/** Aggregates conversations and events into figures per agent and day (or range), with team totals. */
export function buildReport(input: ReportInput, options: ReportOptions): KpiReport {
  const { from, to, timeZone, by } = options
  if (!isLocalDate(from) || !isLocalDate(to)) throw new RangeError(`not a YYYY-MM-DD range: ${from}…${to}`)
  if (from > to) throw new RangeError(`the range starts after it ends: ${from} > ${to}`)
  const amounts = options.tally ?? DEFAULT_TALLY

  const periodKeys: string[] = []
  if (by === 'day') for (let day = from; day <= to; day = addDays(day, 1)) periodKeys.push(day)
  else periodKeys.push(from)
  const periodOf = (day: string) => (by === 'day' ? day : from)

  const perPeriod = new Map<string, { agents: Map<string, Tallies>; team: Tallies }>(
    periodKeys.map((key) => [key, { agents: new Map(), team: new Tallies() }]),
  )
  /** The agent's and the team's tallies of the period holding `day`; none when outside the range. */
  const talliesFor = (day: string, agentId: string): Tallies[] => {
    if (day < from || day > to) return []
    const period = perPeriod.get(periodOf(day))
    if (!period) return []
    let agent = period.agents.get(agentId)
    if (!agent) {
      agent = new Tallies()
      period.agents.set(agentId, agent)
    }
    return [agent, period.team]
  }

  for (const conversation of input.conversations) {
    const day = dayKey(conversation.openedAt, timeZone)
    const agentId = conversation.firstResponderId || conversation.agentId || ''
    for (const tallies of talliesFor(day, agentId)) {
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
    const score = Number(event.data.score)
    if (type === 'rated' && !(Number.isFinite(score) && score >= 1 && score <= 5)) continue
    if (type === 'day-unresolved' && !(Number(event.data.days) >= 2)) continue
    for (const tallies of talliesFor(eventDay(event, timeZone), agentOf(event.data.agentId))) {
      if (type === 'overdue') tallies.overdue++
      else if (type === 'rated') {
        tallies.ratings++
        tallies.ratingSum += score
      } else if (type === 'praised') tallies.praise++
      else if (type === 'day-unresolved') tallies.extraDays++
      else tallies.improperWording++
    }
  }

  const periods = periodKeys.map((key): KpiPeriod => {
    const period = perPeriod.get(key) as { agents: Map<string, Tallies>; team: Tallies }
    const agents = [...period.agents.entries()]
      .sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : a < b ? -1 : a > b ? 1 : 0))
      .map(([agentId, tallies]): KpiRow => ({ agentId, ...tallies.figures(amounts) }))
    return {
      from: by === 'day' ? key : from,
      to: by === 'day' ? key : to,
      agents,
      team: { agentId: undefined, ...period.team.figures(amounts) },
    }
  })
  return { from, to, timeZone, by, tally: { ...amounts }, periods }
}
