import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import {
  type HoursInput,
  hoursSchema,
  ServiceCalendar,
  type ShiftsInput,
  shiftsSchema,
} from '../../src/domain/calendar.js'
import { addDays, dayKey, startOfDay, weekdayOf, zonedParts, zonedTime } from '../../src/domain/zoned-time.js'

const SHANGHAI = 'Asia/Shanghai'
const NEW_YORK = 'America/New_York'
const MINUTE = 60_000
const HOUR = 60 * MINUTE

/** The instant of a local 'YYYY-MM-DD HH:MM' in a zone (Shanghai unless told). */
function local(text: string, timeZone = SHANGHAI): number {
  const [day = '', time = '00:00'] = text.split(' ')
  const [hours = 0, minutes = 0] = time.split(':').map(Number)
  return zonedTime(day, hours * 60 + minutes, timeZone)
}

/** An instant as local 'YYYY-MM-DD HH:MM' (Shanghai unless told), to compare readable times. */
function show(at: number | undefined, timeZone = SHANGHAI): string | undefined {
  if (at === undefined) return undefined
  const parts = zonedParts(at, timeZone)
  const pad = (value: number) => String(value).padStart(2, '0')
  return `${parts.day} ${pad(Math.floor(parts.minuteOfDay / 60))}:${pad(parts.minuteOfDay % 60)}`
}

function problems(schema: z.ZodType, input: unknown): string[] {
  const result = schema.safeParse(input)
  if (result.success) throw new Error('expected the input to be rejected')
  return result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
}

/** Office hours with a lunch break, the National Day holidays of 2026 and two 调休 working days. */
const officeHours: HoursInput = {
  periods: [
    { days: 'weekdays', from: '09:00', to: '12:00' },
    { days: 'weekdays', from: '13:00', to: '18:00' },
  ],
  holidays: ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'],
  workdays: ['2026-09-27', '2026-10-10'],
}

function office(shifts: ShiftsInput = []): ServiceCalendar {
  return new ServiceCalendar(hoursSchema.parse(officeHours), shiftsSchema.parse(shifts), SHANGHAI)
}

const threeShifts: ShiftsInput = [
  { name: 'day', from: '09:00', to: '18:00' },
  { name: 'late', from: '14:00', to: '23:00' },
  { name: 'night', from: '20:00', to: '08:00' },
]

// 2026-09-25 is a Friday, 2026-09-26/27 the weekend (the 27th a 调休 working day), 2026-09-28 a Monday.

describe('zoned time', () => {
  it('reads the local day, weekday and minute of an instant', () => {
    // 16:30 UTC is already half past midnight of the next day in Shanghai.
    const at = Date.UTC(2026, 8, 24, 16, 30)
    expect(dayKey(at, SHANGHAI)).toBe('2026-09-25')
    expect(zonedParts(at, SHANGHAI)).toEqual({ day: '2026-09-25', weekday: 5, minuteOfDay: 30 })
    expect(zonedParts(at, 'UTC')).toEqual({ day: '2026-09-24', weekday: 4, minuteOfDay: 990 })
  })

  it('turns a local date and time back into the instant', () => {
    expect(zonedTime('2026-09-25', 9 * 60, SHANGHAI)).toBe(Date.UTC(2026, 8, 25, 1, 0))
    expect(zonedTime('2026-09-25', 24 * 60, SHANGHAI)).toBe(zonedTime('2026-09-26', 0, SHANGHAI))
    expect(startOfDay(Date.UTC(2026, 8, 25, 15, 59), SHANGHAI)).toBe(Date.UTC(2026, 8, 24, 16, 0))
  })

  it('counts calendar days across months, leap days and years', () => {
    expect(addDays('2026-09-30', 1)).toBe('2026-10-01')
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29')
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31')
    expect(weekdayOf('2026-09-25')).toBe(5)
    expect(weekdayOf('2026-09-27')).toBe(0)
  })

  it('moves a local time skipped by daylight saving forward by the jump (New York, March)', () => {
    // 2026-03-08 02:00 EST jumps to 03:00 EDT: 02:30 does not exist and becomes 03:30 EDT.
    expect(zonedTime('2026-03-08', 150, NEW_YORK)).toBe(Date.UTC(2026, 2, 8, 7, 30))
    expect(zonedTime('2026-03-08', 60, NEW_YORK)).toBe(Date.UTC(2026, 2, 8, 6, 0))
    expect(zonedTime('2026-03-08', 180, NEW_YORK)).toBe(Date.UTC(2026, 2, 8, 7, 0))
    const start = startOfDay(Date.UTC(2026, 2, 8, 12), NEW_YORK)
    expect(zonedTime('2026-03-09', 0, NEW_YORK) - start).toBe(23 * HOUR)
  })

  it('takes the first of two repeated local times (New York, November)', () => {
    // 2026-11-01 02:00 EDT falls back to 01:00 EST: 01:30 happens twice, first at 05:30 UTC.
    expect(zonedTime('2026-11-01', 90, NEW_YORK)).toBe(Date.UTC(2026, 10, 1, 5, 30))
    expect(zonedParts(Date.UTC(2026, 10, 1, 6, 30), NEW_YORK).minuteOfDay).toBe(90)
    expect(zonedTime('2026-11-02', 0, NEW_YORK) - zonedTime('2026-11-01', 0, NEW_YORK)).toBe(25 * HOUR)
  })

  it('takes the first of two repeated local times east of UTC too (Berlin, Sydney)', () => {
    // 2026-10-25 03:00 CEST falls back to 02:00 CET: 02:30 first happens at 00:30 UTC.
    expect(zonedTime('2026-10-25', 150, 'Europe/Berlin')).toBe(Date.UTC(2026, 9, 25, 0, 30))
    // 2026-04-05 03:00 AEDT falls back to 02:00 AEST: 02:30 first happens at 15:30 UTC the day before.
    expect(zonedTime('2026-04-05', 150, 'Australia/Sydney')).toBe(Date.UTC(2026, 3, 4, 15, 30))
    // Skipped: 2026-03-29 02:30 in Berlin becomes 03:30 CEST.
    expect(zonedTime('2026-03-29', 150, 'Europe/Berlin')).toBe(Date.UTC(2026, 2, 29, 1, 30))
  })
})

describe('service calendar: reply timers in service time', () => {
  it('carries a 5-minute timer started at 17:58 over to 09:03 on the next open day', () => {
    const calendar = office()
    expect(show(calendar.addServiceTime(local('2026-09-28 17:58'), 5 * MINUTE))).toBe('2026-09-29 09:03')
  })

  it('carries a timer started on Friday evening over the weekend to Monday', () => {
    const calendar = office()
    expect(show(calendar.addServiceTime(local('2026-10-16 17:58'), 5 * MINUTE))).toBe('2026-10-19 09:03')
  })

  it('starts counting at the opening for a message sent before it', () => {
    const calendar = office()
    expect(show(calendar.addServiceTime(local('2026-09-28 07:00'), 5 * MINUTE))).toBe('2026-09-28 09:05')
    expect(show(calendar.addServiceTime(local('2026-09-28 07:00'), 0))).toBe('2026-09-28 09:00')
  })

  it('does not count the lunch break', () => {
    const calendar = office()
    expect(show(calendar.addServiceTime(local('2026-09-28 11:58'), 5 * MINUTE))).toBe('2026-09-28 13:03')
    expect(show(calendar.addServiceTime(local('2026-09-28 12:30'), 5 * MINUTE))).toBe('2026-09-28 13:05')
  })

  it('skips holidays in between', () => {
    const calendar = office()
    // Wed 09-30 evening; 10-01/02 holidays, 10-03/04 weekend, 10-05..07 holidays; Thu 10-08 is open.
    expect(show(calendar.addServiceTime(local('2026-09-30 17:58'), 5 * MINUTE))).toBe('2026-10-08 09:03')
  })

  it('counts an extra working day (调休) on a weekend', () => {
    const calendar = office()
    // Fri 10-09 evening → Sat 10-10 is worked.
    expect(show(calendar.addServiceTime(local('2026-10-09 17:58'), 5 * MINUTE))).toBe('2026-10-10 09:03')
    // A message on Saturday 09-26 (closed) waits for Sunday 09-27, a working day.
    expect(show(calendar.addServiceTime(local('2026-09-26 10:00'), 5 * MINUTE))).toBe('2026-09-27 09:05')
  })

  it('is due exactly at closing time when the time runs out then, and spans several days', () => {
    const calendar = office()
    expect(show(calendar.addServiceTime(local('2026-09-28 17:55'), 5 * MINUTE))).toBe('2026-09-28 18:00')
    // 8 open hours a day: 10 hours from Monday 09:00 end on Tuesday 11:00.
    expect(show(calendar.addServiceTime(local('2026-09-28 09:00'), 10 * HOUR))).toBe('2026-09-29 11:00')
  })

  it('crosses a week-long holiday: 3 open hours from Wednesday 16:20 end the Thursday after it', () => {
    const start = local('2026-09-30 16:20')
    expect(show(office().addServiceTime(start, 3 * HOUR))).toBe('2026-10-08 10:20')
  })

  it('just adds the time when the service is 7×24', () => {
    const calendar = new ServiceCalendar(undefined, [], SHANGHAI)
    const start = local('2026-10-01 23:58')
    expect(calendar.alwaysOpen).toBe(true)
    expect(calendar.addServiceTime(start, 5 * MINUTE)).toBe(start + 5 * MINUTE)
    expect(calendar.isOpen(local('2026-10-01 03:00'))).toBe(true)
    expect(calendar.nextOpening(start)).toBe(start)
  })

  it('rejects a negative or endless duration', () => {
    expect(() => office().addServiceTime(local('2026-09-28 10:00'), -1)).toThrow(RangeError)
    expect(() => office().addServiceTime(local('2026-09-28 10:00'), Number.POSITIVE_INFINITY)).toThrow(
      RangeError,
    )
  })

  it('keeps open hours in local time across a daylight-saving change', () => {
    const hours = hoursSchema.parse({ periods: [{ days: 'weekdays', from: '09:00', to: '17:00' }] })
    const calendar = new ServiceCalendar(hours, [], NEW_YORK)
    // Friday 16:00 + 2 open hours: 1 on Friday, 1 on Monday after the Sunday clock change.
    const due = calendar.addServiceTime(local('2026-03-06 16:00', NEW_YORK), 2 * HOUR)
    expect(show(due, NEW_YORK)).toBe('2026-03-09 10:00')
    const [monday] = calendar.openPeriods('2026-03-09')
    expect(monday && monday.end - monday.start).toBe(8 * HOUR)
  })
})

describe('service calendar: open or closed', () => {
  it('opens at `from` (inclusive) and closes at `to` (exclusive)', () => {
    const calendar = office()
    expect(calendar.isOpen(local('2026-09-28 08:59'))).toBe(false)
    expect(calendar.isOpen(local('2026-09-28 09:00'))).toBe(true)
    expect(calendar.isOpen(local('2026-09-28 12:00') - 1)).toBe(true)
    expect(calendar.isOpen(local('2026-09-28 12:00'))).toBe(false)
    expect(calendar.isOpen(local('2026-09-28 13:00'))).toBe(true)
    expect(calendar.isOpen(local('2026-09-28 18:00') - 1)).toBe(true)
    expect(calendar.isOpen(local('2026-09-28 18:00'))).toBe(false)
  })

  it('is closed on weekends and holidays and open on an extra working day', () => {
    const calendar = office()
    expect(calendar.isOpen(local('2026-09-26 10:00'))).toBe(false)
    expect(calendar.isOpen(local('2026-10-01 10:00'))).toBe(false)
    expect(calendar.isOpen(local('2026-09-27 10:00'))).toBe(true)
    expect(calendar.isServiceDay('2026-09-27')).toBe(true)
    expect(calendar.isServiceDay('2026-10-02')).toBe(false)
  })

  it('finds the next opening: now when open, after lunch, on Monday after a weekend', () => {
    const calendar = office()
    const open = local('2026-09-28 10:17')
    expect(calendar.nextOpening(open)).toBe(open)
    expect(show(calendar.nextOpening(local('2026-09-28 12:30')))).toBe('2026-09-28 13:00')
    expect(show(calendar.nextOpening(local('2026-10-16 18:00')))).toBe('2026-10-19 09:00')
  })

  it('gives up when no day opens within the search horizon', () => {
    // Open only on Mondays, and every Monday for two years is a holiday.
    const mondays = Array.from({ length: 110 }, (_, week) => addDays('2026-09-28', week * 7))
    const hours = hoursSchema.parse({
      periods: [{ days: 'mon', from: '09:00', to: '18:00' }],
      holidays: mondays,
    })
    const calendar = new ServiceCalendar(hours, [], SHANGHAI)
    expect(calendar.nextOpening(local('2026-09-28 10:00'))).toBeUndefined()
    expect(calendar.addServiceTime(local('2026-09-28 10:00'), 5 * MINUTE)).toBeUndefined()
    expect(calendar.nextServiceDayEnd(local('2026-09-28 10:00'))).toBeUndefined()
  })

  it('lists the open periods of a day, none when closed, the whole day for 7×24', () => {
    const calendar = office()
    expect(calendar.openPeriods('2026-09-28').map((span) => [show(span.start), show(span.end)])).toEqual([
      ['2026-09-28 09:00', '2026-09-28 12:00'],
      ['2026-09-28 13:00', '2026-09-28 18:00'],
    ])
    expect(calendar.openPeriods('2026-09-26')).toEqual([])
    expect(calendar.openPeriods('2026-10-01')).toEqual([])
    expect(calendar.openPeriods('2026-10-10')).toHaveLength(2)
    const always = new ServiceCalendar(undefined, [], SHANGHAI)
    expect(always.openPeriods('2026-10-01')).toEqual([
      { start: local('2026-10-01 00:00'), end: local('2026-10-02 00:00') },
    ])
  })

  it('joins touching periods and allows 24:00 as the end of the day', () => {
    const hours = hoursSchema.parse({
      periods: [
        { days: 'daily', from: '12:00', to: '24:00' },
        { days: 'daily', from: '08:00', to: '12:00' },
      ],
    })
    const calendar = new ServiceCalendar(hours, [], SHANGHAI)
    expect(calendar.openPeriods('2026-09-28').map((span) => [show(span.start), show(span.end)])).toEqual([
      ['2026-09-28 08:00', '2026-09-29 00:00'],
    ])
    expect(calendar.isOpen(local('2026-09-28 12:00'))).toBe(true)
    expect(calendar.isOpen(local('2026-09-29 00:00'))).toBe(false)
  })
})

describe('service calendar: end of day and next morning', () => {
  it('ends a service day with its last period; a closed day has no end', () => {
    const calendar = office()
    expect(show(calendar.serviceDayEnd('2026-09-28'))).toBe('2026-09-28 18:00')
    expect(calendar.serviceDayEnd('2026-09-26')).toBeUndefined()
    const always = new ServiceCalendar(undefined, [], SHANGHAI)
    expect(show(always.serviceDayEnd('2026-09-26'))).toBe('2026-09-27 00:00')
  })

  it('finds the next end of a service day across a weekend', () => {
    const calendar = office()
    expect(calendar.nextServiceDayEnd(local('2026-10-16 17:00'))).toEqual({
      day: '2026-10-16',
      at: local('2026-10-16 18:00'),
    })
    // Strictly after: at Friday's closing time, the next end is Monday's.
    expect(calendar.nextServiceDayEnd(local('2026-10-16 18:00'))).toEqual({
      day: '2026-10-19',
      at: local('2026-10-19 18:00'),
    })
  })

  it('finds the next morning across a weekend', () => {
    const calendar = office()
    expect(calendar.nextServiceDayStart(local('2026-10-16 10:00'))).toEqual({
      day: '2026-10-19',
      at: local('2026-10-19 09:00'),
    })
    expect(calendar.nextServiceDayStart(local('2026-10-19 08:00'))?.day).toBe('2026-10-19')
    // Reopening after lunch is not a new morning, and the opening instant itself is not "after".
    expect(calendar.nextServiceDayStart(local('2026-10-19 09:00'))?.day).toBe('2026-10-20')
    const always = new ServiceCalendar(undefined, [], SHANGHAI)
    expect(show(always.nextServiceDayStart(local('2026-10-16 10:00'))?.at)).toBe('2026-10-17 00:00')
  })
})

describe('service calendar: shifts', () => {
  const always = () => new ServiceCalendar(undefined, shiftsSchema.parse(threeShifts), SHANGHAI)

  it('lets a night shift that starts on a day end on the next', () => {
    const windows = always().shiftWindows('2026-09-28')
    expect(windows.map((window) => [window.name, show(window.start), show(window.end)])).toEqual([
      ['day', '2026-09-28 09:00', '2026-09-28 18:00'],
      ['late', '2026-09-28 14:00', '2026-09-28 23:00'],
      ['night', '2026-09-28 20:00', '2026-09-29 08:00'],
    ])
  })

  it('finds the next shift end, the night shift’s on the next morning', () => {
    const calendar = always()
    expect(calendar.nextShiftEnd(local('2026-09-28 17:00'))).toEqual({
      name: 'day',
      day: '2026-09-28',
      at: local('2026-09-28 18:00'),
    })
    expect(calendar.nextShiftEnd(local('2026-09-28 23:00'))).toEqual({
      name: 'night',
      day: '2026-09-28',
      at: local('2026-09-29 08:00'),
    })
    expect(calendar.nextShiftEnd(local('2026-09-29 01:00'))?.at).toBe(local('2026-09-29 08:00'))
    expect(
      new ServiceCalendar(undefined, [], SHANGHAI).nextShiftEnd(local('2026-09-29 01:00')),
    ).toBeUndefined()
  })

  it('runs shifts on service days only, unless their days say otherwise, and never on holidays', () => {
    const calendar = office([
      { name: 'day', from: '09:00', to: '18:00' },
      { name: 'weekend', from: '10:00', to: '16:00', days: ['sat', 'sun'] },
      { name: 'early', from: '08:00', to: '12:00', days: 'mon' },
    ])
    const names = (day: string) => calendar.shiftWindows(day).map((window) => window.name)
    expect(names('2026-09-28')).toEqual(['day', 'early'])
    expect(names('2026-09-26')).toEqual(['weekend'])
    expect(names('2026-10-01')).toEqual([])
    // Sunday 09-27 is worked like a Monday.
    expect(names('2026-09-27')).toEqual(['day', 'early'])
    // Friday evening: the next end is the weekend shift on Saturday.
    expect(calendar.nextShiftEnd(local('2026-10-16 18:00'))).toEqual({
      name: 'weekend',
      day: '2026-10-17',
      at: local('2026-10-17 16:00'),
    })
  })
})

describe('service calendar: description for templates', () => {
  it('groups weekdays with the same periods, Monday first, with consecutive runs', () => {
    const description = office(threeShifts).describe()
    expect(description).toMatchObject({
      timeZone: SHANGHAI,
      alwaysOpen: false,
      groups: [
        {
          days: ['mon', 'tue', 'wed', 'thu', 'fri'],
          runs: [{ first: 'mon', last: 'fri' }],
          periods: [
            { from: '09:00', to: '12:00' },
            { from: '13:00', to: '18:00' },
          ],
        },
      ],
      closedDays: ['sat', 'sun'],
      holidays: ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'],
      workdays: ['2026-09-27', '2026-10-10'],
      workdaysLike: 'mon',
    })
    expect(description.shifts[2]).toEqual({ name: 'night', from: '20:00', to: '08:00', overnight: true })
  })

  it('splits runs that are not consecutive and keeps the weekend together', () => {
    const hours = hoursSchema.parse({
      periods: [
        { days: ['mon', 'wed', 'thu'], from: '09:00', to: '18:00' },
        { days: 'weekends', from: '10:00', to: '16:00' },
      ],
    })
    const { groups, closedDays } = new ServiceCalendar(hours, [], SHANGHAI).describe()
    expect(groups.map((group) => group.runs)).toEqual([
      [
        { first: 'mon', last: 'mon' },
        { first: 'wed', last: 'thu' },
      ],
      [{ first: 'sat', last: 'sun' }],
    ])
    expect(closedDays).toEqual(['tue', 'fri'])
  })

  it('describes 7×24 as every day, all day', () => {
    const description = new ServiceCalendar(undefined, [], SHANGHAI).describe()
    expect(description.alwaysOpen).toBe(true)
    expect(description.groups).toEqual([
      {
        days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
        runs: [{ first: 'mon', last: 'sun' }],
        periods: [{ from: '00:00', to: '24:00' }],
      },
    ])
  })
})

describe('hours and shifts schemas', () => {
  it('reads the documented example, with day shorthands and defaults', () => {
    const hours = hoursSchema.parse({
      periods: [
        { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '12:00' },
        { days: ['weekdays', 'Sat'], from: '13:00', to: '18:00' },
        { days: 'sun', from: '9:30', to: '24:00' },
      ],
      holidays: ['2026-10-01'],
    })
    expect(hours.periods.map((period) => [period.days, period.from, period.to])).toEqual([
      [[1, 2, 3, 4, 5], 540, 720],
      [[1, 2, 3, 4, 5, 6], 780, 1080],
      [[0], 570, 1440],
    ])
    expect(hours.workdays).toEqual([])
    expect(hours.workdaysLike).toBe(1)
    const daily = hoursSchema.parse({ periods: [{ from: '08:00', to: '20:00' }] })
    expect(daily.periods[0]?.days).toEqual([0, 1, 2, 3, 4, 5, 6])
  })

  it('names the field and the problem for a bad time', () => {
    const bad = (period: object) => problems(hoursSchema, { periods: [period] })
    expect(bad({ days: 'mon', from: '9.00', to: '12:00' })).toEqual([
      'periods.0.from: "9.00" is not a time of day (use HH:MM, e.g. "09:00")',
    ])
    expect(bad({ days: 'mon', from: '24:00', to: '24:00' })[0]).toMatch(/^periods\.0\.from: "24:00" is not/)
    expect(bad({ days: 'mon', from: 540, to: '12:00' })).toEqual([
      'periods.0.from: expected a time of day in quotes, such as "09:00"',
    ])
    expect(bad({ days: 'mon', to: '12:00' })[0]).toMatch(/^periods\.0\.from: missing/)
    expect(bad({ days: 'mon', from: '18:00', to: '09:00' })[0]).toMatch(
      /^periods\.0\.to: must be later than from \(18:00\)/,
    )
  })

  it('rejects an unknown weekday, an unknown key, an empty list and overlaps', () => {
    expect(problems(hoursSchema, { periods: [{ days: ['mon', 'mo'], from: '09:00', to: '12:00' }] })).toEqual(
      [
        'periods.0.days.1: unknown day "mo" (use mon, tue, wed, thu, fri, sat, sun, daily, weekdays or weekends)',
      ],
    )
    expect(
      problems(hoursSchema, { periods: [{ days: 'mon', form: '09:00', from: '09:00', to: '12:00' }] }),
    ).toEqual(['periods.0: Unrecognized key: "form"'])
    expect(problems(hoursSchema, { periods: [], holiday: [] })).toEqual([
      'periods: list at least one open period (for 7×24 service leave out "hours")',
      ': Unrecognized key: "holiday"',
    ])
    expect(
      problems(hoursSchema, {
        periods: [
          { days: 'weekdays', from: '09:00', to: '18:00' },
          { days: ['fri', 'sat'], from: '17:00', to: '20:00' },
        ],
      }),
    ).toEqual(['periods.1: overlaps period #1 on fri'])
  })

  it('rejects dates that do not exist and contradictory day lists', () => {
    const periods = [{ days: 'weekdays', from: '09:00', to: '18:00' }]
    expect(problems(hoursSchema, { periods, holidays: ['2026-02-30', '2026-1-5'] })).toEqual([
      'holidays.0: "2026-02-30" is not a real date as YYYY-MM-DD (e.g. 2026-10-01)',
      'holidays.1: "2026-1-5" is not a real date as YYYY-MM-DD (e.g. 2026-10-01)',
    ])
    expect(problems(hoursSchema, { periods, holidays: ['2026-10-10'], workdays: ['2026-10-10'] })).toEqual([
      'workdays.0: 2026-10-10 is also listed as a holiday',
    ])
    expect(problems(hoursSchema, { periods, workdays: ['2026-10-10'], workdaysLike: 'sun' })).toEqual([
      'workdaysLike: no open period on sun, so the extra working days would stay closed',
    ])
    expect(problems(hoursSchema, { periods, workdaysLike: 'monday' })).toEqual([
      'workdaysLike: unknown weekday "monday" (use one of mon, tue, wed, thu, fri, sat, sun)',
    ])
  })

  it('reads shifts, crossing midnight when `to` is earlier, and rejects bad ones by path', () => {
    const shifts = shiftsSchema.parse(threeShifts)
    expect(shifts.map((shift) => [shift.name, shift.from, shift.to, shift.days])).toEqual([
      ['day', 540, 1080, undefined],
      ['late', 840, 1380, undefined],
      ['night', 1200, 480, undefined],
    ])
    expect(
      problems(shiftsSchema, [
        { name: 'day', from: '09:00', to: '18:00' },
        { name: 'Day', from: '10:00', to: '19:00' },
      ]),
    ).toEqual(['1.name: duplicate shift name "Day" (also shifts.0.name)'])
    expect(problems(shiftsSchema, [{ name: 'x', from: '08:00', to: '08:00' }])[0]).toMatch(
      /^0\.to: must differ/,
    )
    expect(problems(shiftsSchema, [{ name: 'x', from: '08:00', to: '20:00', days: 'holidays' }])[0]).toMatch(
      /^0\.days: unknown day "holidays"/,
    )
    expect(problems(shiftsSchema, [{ name: 'x', start: '08:00', from: '08:00', to: '20:00' }])).toEqual([
      '0: Unrecognized key: "start"',
    ])
  })
})
