/**
 * Wall-clock time in an IANA time zone, without a date library: the service's days, hours and
 * shifts are local times (Asia/Shanghai by default), while the bot counts in epoch milliseconds.
 */

export interface ZonedParts {
  /** YYYY-MM-DD */
  day: string
  /** 0 = Sunday … 6 = Saturday */
  weekday: number
  /** Minutes since local midnight. */
  minuteOfDay: number
}

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(timeZone: string): Intl.DateTimeFormat {
  let known = formatters.get(timeZone)
  if (!known) {
    known = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    })
    formatters.set(timeZone, known)
  }
  return known
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']

function fields(at: number, timeZone: string) {
  const parts = formatter(timeZone).formatToParts(new Date(at))
  const field = (type: string) => parts.find((part) => part.type === type)?.value ?? ''
  return {
    year: Number(field('year')),
    month: Number(field('month')),
    day: Number(field('day')),
    hour: Number(field('hour')),
    minute: Number(field('minute')),
    second: Number(field('second')),
    weekday: WEEKDAYS.indexOf(field('weekday')),
  }
}

export function zonedParts(at: number, timeZone: string): ZonedParts {
  const f = fields(at, timeZone)
  return {
    day: `${f.year}-${pad(f.month)}-${pad(f.day)}`,
    weekday: f.weekday,
    minuteOfDay: f.hour * 60 + f.minute,
  }
}

/** The local date (YYYY-MM-DD) of an instant: the service day it belongs to. */
export function dayKey(at: number, timeZone: string): string {
  return zonedParts(at, timeZone).day
}

/** How far the zone is ahead of UTC at `at`, in milliseconds. */
function offsetAt(at: number, timeZone: string): number {
  const f = fields(at, timeZone)
  const asUtc = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second)
  // Intl drops the milliseconds; floor (not `at % 1000`) so that instants before 1970 also round down.
  return asUtc - Math.floor(at / 1000) * 1000
}

const DAY_MS = 86_400_000

/**
 * The instant a local date and time happen in the zone. As in Temporal's "compatible" mode, a time
 * that a daylight-saving jump repeats resolves to the first of the two, and a time it skips is moved
 * forward by the length of the jump.
 */
export function zonedTime(day: string, minuteOfDay: number, timeZone: string): number {
  const [year = 0, month = 1, date = 1] = day.split('-').map(Number)
  const wall = Date.UTC(year, month - 1, date) + minuteOfDay * 60_000
  // Try the offsets in force a day before and a day after (one transition at most lies between them):
  // probing only near `wall` itself finds just the later of two repeated times in zones east of UTC.
  const before = offsetAt(wall - DAY_MS, timeZone)
  const after = offsetAt(wall + DAY_MS, timeZone)
  const valid = [wall - before, wall - after, wall - offsetAt(wall, timeZone)].filter(
    (at) => at + offsetAt(at, timeZone) === wall,
  )
  // In a gap no instant matches: the earlier offset moves the time forward by the length of the jump.
  return valid.length ? Math.min(...valid) : wall - before
}

/** Local midnight at the start of the day containing `at`. */
export function startOfDay(at: number, timeZone: string): number {
  return zonedTime(dayKey(at, timeZone), 0, timeZone)
}

/** The date `days` after `day` (negative: before), as YYYY-MM-DD. */
export function addDays(day: string, days: number): string {
  const [year = 0, month = 1, date = 1] = day.split('-').map(Number)
  return new Date(Date.UTC(year, month - 1, date + days)).toISOString().slice(0, 10)
}

/** 0 = Sunday … 6 = Saturday, for a YYYY-MM-DD date. */
export function weekdayOf(day: string): number {
  const [year = 0, month = 1, date = 1] = day.split('-').map(Number)
  return new Date(Date.UTC(year, month - 1, date)).getUTCDay()
}

function pad(value: number): string {
  return String(value).padStart(2, '0')
}
