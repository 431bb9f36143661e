import { z } from 'zod'
import { addDays, dayKey, weekdayOf, zonedTime } from './zoned-time.js'

/**
 * Service hours and shifts: when the department is open (7×24, or open periods per weekday, minus
 * holidays, plus extra working days — China's 调休), and when each shift runs. Days, hours and shifts
 * are local times in the caller's time zone; every instant in and out is epoch milliseconds. Pure:
 * no I/O, no clock — the caller passes the instants.
 */

/** Weekday names as in the config, indexed like `Date#getUTCDay`: 0 = Sunday … 6 = Saturday. */
export const WEEKDAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const
export type WeekdayName = (typeof WEEKDAY_NAMES)[number]

const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6]
const DAY_SETS: Record<string, readonly number[]> = {
  daily: EVERY_DAY,
  weekdays: [1, 2, 3, 4, 5],
  weekends: [0, 6],
}

/** Weekdays in the order people read a week in China: Monday first. */
const MONDAY_FIRST = [1, 2, 3, 4, 5, 6, 0]

/** How far ahead a search for the next opening, day end or shift end looks before giving up. */
const SEARCH_DAYS = 400

const MINUTES_PER_DAY = 1440

// ---------------------------------------------------------------------------------------------------
// Config schemas

const DAY_WORDS = 'mon, tue, wed, thu, fri, sat, sun, daily, weekdays or weekends'

function parseDayToken(token: string): readonly number[] | undefined {
  const key = token.trim().toLowerCase()
  const weekday = (WEEKDAY_NAMES as readonly string[]).indexOf(key)
  return weekday >= 0 ? [weekday] : DAY_SETS[key]
}

/**
 * `days`: one word (`weekdays`, `sat`) or a list of words (`[mon, wed, weekends]`); yields the sorted
 * weekday numbers. One field instead of separate shorthand flags, so a period reads like the sentence.
 */
const daysSchema = z
  // A list of anything, checked word by word below, so a wrong entry is named by its place.
  .union([z.string(), z.array(z.unknown()).min(1, 'list at least one day')], {
    error: `expected a day or a list of days (${DAY_WORDS})`,
  })
  .transform((value, ctx) => {
    const tokens = typeof value === 'string' ? [value] : value
    const days = new Set<number>()
    tokens.forEach((token, index) => {
      const parsed = typeof token === 'string' ? parseDayToken(token) : undefined
      if (parsed) {
        for (const day of parsed) days.add(day)
      } else {
        ctx.addIssue({
          code: 'custom',
          path: typeof value === 'string' ? [] : [index],
          message:
            typeof token === 'string'
              ? `unknown day "${token}" (use ${DAY_WORDS})`
              : `expected a day (${DAY_WORDS})`,
        })
      }
    })
    return [...days].sort((a, b) => a - b)
  })

const TIME = /^(\d{1,2}):(\d{2})$/

/** `HH:MM` (24-hour clock) as minutes since midnight; `24:00` (the end of the day) only where allowed. */
function timeOfDaySchema(allowEndOfDay: boolean) {
  const example = allowEndOfDay ? '"18:00", or "24:00" for midnight' : '"09:00"'
  return z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? `missing: a time of day such as ${example}`
          : `expected a time of day in quotes, such as ${example}`,
    })
    .transform((text, ctx) => {
      const match = TIME.exec(text.trim())
      const hours = Number(match?.[1])
      const minutes = Number(match?.[2])
      const total = hours * 60 + minutes
      const valid =
        match !== null && minutes < 60 && (hours < 24 || (allowEndOfDay && total === MINUTES_PER_DAY))
      if (!valid) {
        ctx.addIssue({
          code: 'custom',
          message: `"${text}" is not a time of day (use HH:MM, e.g. ${example})`,
        })
        return z.NEVER
      }
      return total
    })
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** A calendar date `YYYY-MM-DD` that exists (no 2026-02-30). */
const dateSchema = z.string({ error: 'expected a date in quotes as YYYY-MM-DD, e.g. "2026-10-01"' }).refine(
  (text) => {
    const match = DATE.exec(text)
    if (!match) return false
    const [, year, month, day] = match.map(Number) as [number, number, number, number]
    const date = new Date(Date.UTC(year, month - 1, day))
    return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  },
  { error: (issue) => `"${String(issue.input)}" is not a real date as YYYY-MM-DD (e.g. 2026-10-01)` },
)

const weekdaySchema = z
  .string({ error: 'expected one weekday: mon, tue, wed, thu, fri, sat or sun' })
  .transform((text, ctx) => {
    const weekday = (WEEKDAY_NAMES as readonly string[]).indexOf(text.trim().toLowerCase())
    if (weekday < 0) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown weekday "${text}" (use one of mon, tue, wed, thu, fri, sat, sun)`,
      })
      return z.NEVER
    }
    return weekday
  })

const periodSchema = z
  .object({
    /** Default: every day. */
    days: daysSchema.default(() => [...EVERY_DAY]),
    from: timeOfDaySchema(false),
    to: timeOfDaySchema(true),
  })
  .strict()
  .superRefine((period, ctx) => {
    if (period.to <= period.from) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `must be later than from (${formatTime(period.from)}): open periods end on the day they start (for 7×24 service leave out "hours")`,
      })
    }
  })

export const hoursSchema = z
  .object({
    periods: z
      .array(periodSchema, { error: 'expected a list of open periods' })
      .min(1, 'list at least one open period (for 7×24 service leave out "hours")'),
    /** Closed all day. */
    holidays: z.array(dateSchema).default([]),
    /** Extra working days (调休): open with the periods of `workdaysLike`. */
    workdays: z.array(dateSchema).default([]),
    workdaysLike: weekdaySchema.default(1),
  })
  .strict()
  .superRefine((hours, ctx) => {
    // Overlapping periods are most likely a typo; touching ones (…–12:00, 12:00–…) are simply joined.
    hours.periods.forEach((period, index) => {
      hours.periods.slice(0, index).forEach((earlier, earlierIndex) => {
        const shared = period.days.filter((day) => earlier.days.includes(day))
        if (shared.length && period.from < earlier.to && earlier.from < period.to) {
          ctx.addIssue({
            code: 'custom',
            path: ['periods', index],
            message: `overlaps period #${earlierIndex + 1} on ${shared.map((day) => WEEKDAY_NAMES[day]).join(', ')}`,
          })
        }
      })
    })
    const holidays = new Set(hours.holidays)
    hours.workdays.forEach((day, index) => {
      if (holidays.has(day)) {
        ctx.addIssue({
          code: 'custom',
          path: ['workdays', index],
          message: `${day} is also listed as a holiday`,
        })
      }
    })
    const likeOpen = hours.periods.some((period) => period.days.includes(hours.workdaysLike))
    if (hours.workdays.length && !likeOpen) {
      ctx.addIssue({
        code: 'custom',
        path: ['workdaysLike'],
        message: `no open period on ${WEEKDAY_NAMES[hours.workdaysLike]}, so the extra working days would stay closed`,
      })
    }
  })

const shiftSchema = z
  .object({
    name: z.string({ error: 'expected a shift name' }).trim().min(1, 'a shift needs a name'),
    from: timeOfDaySchema(false),
    /** Earlier than `from`: the shift crosses midnight and ends the next day. */
    to: timeOfDaySchema(true),
    /** Default: every service day (not a holiday; every day when the service is 7×24). */
    days: daysSchema.optional(),
  })
  .strict()
  .superRefine((shift, ctx) => {
    if (shift.from === shift.to) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: 'must differ from from: a shift ends within 24 hours (earlier than from: the next day)',
      })
    }
  })

export const shiftsSchema = z
  .array(shiftSchema, { error: 'expected a list of shifts' })
  .superRefine((shifts, ctx) => {
    // Staff type shift names, so "Day" and "day" would be the same shift.
    const seen = new Map<string, number>()
    shifts.forEach((shift, index) => {
      const key = shift.name.toLowerCase()
      const earlier = seen.get(key)
      if (earlier !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'name'],
          message: `duplicate shift name "${shift.name}" (also shifts.${earlier}.name)`,
        })
      } else {
        seen.set(key, index)
      }
    })
  })

/** The `hours` section as written in the config file. */
export type HoursInput = z.input<typeof hoursSchema>
/** Parsed: weekdays as 0 = Sunday … 6 = Saturday, times as minutes since local midnight. */
export type Hours = z.output<typeof hoursSchema>
export type OpenPeriodRule = Hours['periods'][number]
export type ShiftsInput = z.input<typeof shiftsSchema>
export type Shift = z.output<typeof shiftsSchema>[number]

// ---------------------------------------------------------------------------------------------------
// The calendar

/** A stretch of time, start inclusive, end exclusive, in epoch milliseconds. */
export interface TimeSpan {
  start: number
  end: number
}

export interface ShiftWindow extends TimeSpan {
  name: string
}

/** A moment of a service day (`day` is YYYY-MM-DD, `at` epoch milliseconds). */
export interface DayMoment {
  day: string
  at: number
}

export interface ShiftEnd extends DayMoment {
  /** The shift that ends; `day` is the day it started. On a tie, the first in the config. */
  name: string
}

/** Open hours in a structure to render from templates (`HH:MM` times, weekday names as keys). */
export interface HoursDescription {
  timeZone: string
  alwaysOpen: boolean
  /**
   * Weekdays sharing the same open periods, Monday first. `runs` are the consecutive stretches
   * (mon–fri → one run), to render “周一至周五” rather than a list.
   */
  groups: Array<{
    days: WeekdayName[]
    runs: Array<{ first: WeekdayName; last: WeekdayName }>
    periods: Array<{ from: string; to: string }>
  }>
  /** Weekdays without any open period, Monday first. */
  closedDays: WeekdayName[]
  holidays: string[]
  workdays: string[]
  workdaysLike: WeekdayName
  shifts: Array<{
    name: string
    from: string
    to: string
    /** Ends the next day. */
    overnight: boolean
    /** Absent: every service day. */
    days?: WeekdayName[]
  }>
}

interface MinuteRange {
  from: number
  to: number
}

export class ServiceCalendar {
  readonly alwaysOpen: boolean
  /** Per weekday (0 = Sunday), the open periods sorted and with touching ones joined. */
  private readonly week: MinuteRange[][]
  private readonly holidays: ReadonlySet<string>
  private readonly workdays: ReadonlySet<string>
  private readonly workdaysLike: number
  private readonly shifts: readonly Shift[]
  /** Each day's periods cost a few Intl calls; searches revisit the same days, so remember them. */
  private readonly periodCache = new Map<string, readonly TimeSpan[]>()

  constructor(
    hours: Hours | undefined,
    shifts: readonly Shift[],
    readonly timeZone: string,
  ) {
    this.alwaysOpen = hours === undefined
    this.week = WEEKDAY_NAMES.map((_, weekday) =>
      joinRanges((hours?.periods ?? []).filter((period) => period.days.includes(weekday))),
    )
    this.holidays = new Set(hours?.holidays ?? [])
    this.workdays = new Set(hours?.workdays ?? [])
    this.workdaysLike = hours?.workdaysLike ?? 1
    this.shifts = [...shifts]
  }

  /** The local date (YYYY-MM-DD) of an instant. */
  dayKey(at: number): string {
    return dayKey(at, this.timeZone)
  }

  /** The open periods of a day, in order; empty on a closed day; 7×24: the whole day. */
  openPeriods(day: string): readonly TimeSpan[] {
    const known = this.periodCache.get(day)
    if (known) return known
    const ranges = this.alwaysOpen ? [{ from: 0, to: MINUTES_PER_DAY }] : this.rangesOf(day)
    const spans = Object.freeze(
      ranges
        .map((range) => Object.freeze(this.span(day, range)))
        // A period inside a daylight-saving gap can collapse to nothing.
        .filter((span) => span.start < span.end),
    )
    if (this.periodCache.size >= 1000) this.periodCache.clear()
    this.periodCache.set(day, spans)
    return spans
  }

  /** Open at all on that day (7×24: always). */
  isServiceDay(day: string): boolean {
    return this.openPeriods(day).length > 0
  }

  isOpen(at: number): boolean {
    // Asked for every customer message: a 7×24 service needs no look at the clock.
    if (this.alwaysOpen) return true
    // Open periods never cross midnight, so only the day of `at` can contain it.
    return this.openPeriods(this.dayKey(at)).some((span) => span.start <= at && at < span.end)
  }

  /** `at` itself when open, else the start of the next open period; undefined if none within 400 days. */
  nextOpening(at: number): number | undefined {
    let day = this.dayKey(at)
    for (let step = 0; step < SEARCH_DAYS; step++, day = addDays(day, 1)) {
      const span = this.openPeriods(day).find((candidate) => candidate.end > at)
      if (span) return Math.max(span.start, at)
    }
    return undefined
  }

  /**
   * The instant when `ms` of open time has passed since `start`; closed time (nights, lunch breaks,
   * weekends, holidays) does not count. A due time that falls exactly on a period end stays there
   * rather than moving to the next opening: the customer has waited the full time by then.
   * Undefined when 400 days in a row pass without an opening.
   */
  addServiceTime(start: number, ms: number): number | undefined {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`not a duration: ${ms}`)
    if (this.alwaysOpen) return start + ms
    let remaining = ms
    let day = this.dayKey(start)
    for (let closedDays = 0; closedDays < SEARCH_DAYS; day = addDays(day, 1)) {
      const spans = this.openPeriods(day).filter((span) => span.end > start)
      closedDays = spans.length ? 0 : closedDays + 1
      for (const span of spans) {
        const from = Math.max(span.start, start)
        if (remaining <= span.end - from) return from + remaining
        remaining -= span.end - from
      }
    }
    return undefined
  }

  /** When that day's last open period ends (7×24: the next local midnight); undefined on a closed day. */
  serviceDayEnd(day: string): number | undefined {
    return this.openPeriods(day).at(-1)?.end
  }

  /** The first end of a service day strictly after `after`: the end-of-day sweep. */
  nextServiceDayEnd(after: number): DayMoment | undefined {
    return this.searchDays(this.dayKey(after), (day) => {
      const at = this.serviceDayEnd(day)
      return at !== undefined && at > after ? { day, at } : undefined
    })
  }

  /** The first opening of a service day strictly after `after` (the "next morning"); 7×24: midnight. */
  nextServiceDayStart(after: number): DayMoment | undefined {
    return this.searchDays(this.dayKey(after), (day) => {
      const at = this.openPeriods(day)[0]?.start
      return at !== undefined && at > after ? { day, at } : undefined
    })
  }

  /**
   * The shifts that start on that day, in config order; a shift crossing midnight ends the next day.
   * A shift without `days` runs on every service day; one with `days` runs on those weekdays (an extra
   * working day counts as `workdaysLike`) — but on no holiday: a closed day has no one on duty.
   */
  shiftWindows(day: string): ShiftWindow[] {
    if (!this.shifts.length || this.holidays.has(day)) return []
    const weekday = this.workdays.has(day) ? this.workdaysLike : weekdayOf(day)
    return this.shifts
      .filter((shift) => (shift.days ? shift.days.includes(weekday) : this.isServiceDay(day)))
      .map((shift) => ({ name: shift.name, ...this.span(day, shift) }))
      .filter((window) => window.start < window.end)
  }

  /** The first shift end strictly after `after`; undefined when there are no shifts. */
  nextShiftEnd(after: number): ShiftEnd | undefined {
    if (!this.shifts.length) return undefined
    let best: ShiftEnd | undefined
    let day = addDays(this.dayKey(after), -1)
    for (let step = 0; step < SEARCH_DAYS + 1; step++, day = addDays(day, 1)) {
      // Shifts starting on a later day start (and so end) after `best`: stop looking.
      if (best && zonedTime(day, 0, this.timeZone) >= best.at) break
      for (const window of this.shiftWindows(day)) {
        if (window.end > after && (!best || window.end < best.at)) {
          best = { name: window.name, day, at: window.end }
        }
      }
    }
    return best
  }

  /** The open hours and shifts as data, for templates to turn into a sentence. */
  describe(): HoursDescription {
    const groups: HoursDescription['groups'] = []
    const byPeriods = new Map<string, HoursDescription['groups'][number]>()
    const closedDays: WeekdayName[] = []
    for (const weekday of MONDAY_FIRST) {
      const ranges = this.alwaysOpen ? [{ from: 0, to: MINUTES_PER_DAY }] : (this.week[weekday] ?? [])
      const name = WEEKDAY_NAMES[weekday] as WeekdayName
      if (!ranges.length) {
        closedDays.push(name)
        continue
      }
      const periods = ranges.map((range) => ({ from: formatTime(range.from), to: formatTime(range.to) }))
      const key = JSON.stringify(periods)
      let group = byPeriods.get(key)
      if (!group) {
        group = { days: [], runs: [], periods }
        byPeriods.set(key, group)
        groups.push(group)
      }
      group.days.push(name)
    }
    for (const group of groups) group.runs = runsOf(group.days)
    return {
      timeZone: this.timeZone,
      alwaysOpen: this.alwaysOpen,
      groups,
      closedDays,
      holidays: [...this.holidays].sort(),
      workdays: [...this.workdays].sort(),
      workdaysLike: WEEKDAY_NAMES[this.workdaysLike] as WeekdayName,
      shifts: this.shifts.map((shift) => ({
        name: shift.name,
        from: formatTime(shift.from),
        to: formatTime(shift.to),
        overnight: shift.to < shift.from,
        ...(shift.days ? { days: sortMondayFirst(shift.days) } : {}),
      })),
    }
  }

  private rangesOf(day: string): MinuteRange[] {
    if (this.holidays.has(day)) return []
    const weekday = this.workdays.has(day) ? this.workdaysLike : weekdayOf(day)
    return this.week[weekday] ?? []
  }

  /** Local times of `day` as instants; a `to` not after `from` is on the next day. */
  private span(day: string, range: MinuteRange): TimeSpan {
    const endDay = range.to > range.from ? day : addDays(day, 1)
    return {
      start: zonedTime(day, range.from, this.timeZone),
      end: zonedTime(endDay, range.to, this.timeZone),
    }
  }

  private searchDays<T>(first: string, probe: (day: string) => T | undefined): T | undefined {
    let day = first
    for (let step = 0; step < SEARCH_DAYS; step++, day = addDays(day, 1)) {
      const found = probe(day)
      if (found !== undefined) return found
    }
    return undefined
  }
}

/** Sorted, with overlapping or touching ranges joined (09:00–12:00 + 12:00–18:00 = 09:00–18:00). */
function joinRanges(ranges: readonly MinuteRange[]): MinuteRange[] {
  const sorted = [...ranges].sort((a, b) => a.from - b.from)
  const joined: MinuteRange[] = []
  for (const range of sorted) {
    const last = joined.at(-1)
    if (last && range.from <= last.to) last.to = Math.max(last.to, range.to)
    else joined.push({ from: range.from, to: range.to })
  }
  return joined
}

function runsOf(days: readonly WeekdayName[]): Array<{ first: WeekdayName; last: WeekdayName }> {
  const runs: Array<{ first: WeekdayName; last: WeekdayName }> = []
  let previous = -2
  for (const name of days) {
    const position = MONDAY_FIRST.indexOf(WEEKDAY_NAMES.indexOf(name))
    const last = runs.at(-1)
    if (last && position === previous + 1) last.last = name
    else runs.push({ first: name, last: name })
    previous = position
  }
  return runs
}

function sortMondayFirst(days: readonly number[]): WeekdayName[] {
  return MONDAY_FIRST.filter((day) => days.includes(day)).map((day) => WEEKDAY_NAMES[day] as WeekdayName)
}

function formatTime(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`
}
