import { type Locale, locales, type Templates } from '../../templates/index.js'
import type { HoursDescription, WeekdayName } from '../domain/calendar.js'
import type { EventEntry, TranscriptEntry } from '../domain/transcript.js'

type Paths<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Paths<T[K], `${Prefix}${K}.`>
}[keyof T & string]

/** A sentence's key, e.g. `customer.greeting`. */
export type TextKey = Paths<Templates>
export type TextVars = Record<string, string | number>

/** Renders the sentences in templates/ for one locale. */
export class Text {
  private readonly templates: Templates

  constructor(
    readonly locale: Locale,
    private readonly timeZone: string,
  ) {
    this.templates = locales[locale]
  }

  t(key: TextKey, vars: TextVars = {}): string {
    const template = key
      .split('.')
      .reduce<unknown>((node, part) => (node as Record<string, unknown>)?.[part], this.templates)
    if (typeof template !== 'string') throw new Error(`no template "${key}" in ${this.locale}`)
    return template.replace(/\{([A-Za-z][A-Za-z0-9]*)\}/g, (_, name: string) => {
      const value = vars[name]
      if (value === undefined) throw new Error(`template "${key}" needs {${name}}`)
      return String(value)
    })
  }

  /** A category as customers and staff read it: its configured name, else this locale's word for it. */
  categoryName(category: { id: string; name?: string | undefined }): string {
    const names: Record<string, string> = this.templates.categories
    return category.name ?? names[category.id] ?? category.id
  }

  /** The canned answers of this locale, as `[name, text]` in the order staff see them listed. */
  cannedAnswers(): [string, string][] {
    return Object.values(this.templates.canned).map((answer) => [answer.name, answer.text])
  }

  /** `5分12秒` / `5m 12s`: how long someone has waited. */
  duration(ms: number): string {
    const total = Math.max(0, Math.floor(ms / 1000))
    const h = Math.floor(total / 3600)
    const m = Math.floor((total % 3600) / 60)
    const s = total % 60
    if (h > 0) return this.t('units.hours', { h, m })
    if (m > 0) return this.t('units.minutes', { m, s })
    return this.t('units.seconds', { s })
  }

  /** Clock time in the service's time zone, for transcripts. */
  time(at: number): string {
    return new Intl.DateTimeFormat('en-GB', {
      timeZone: this.timeZone,
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    }).format(at)
  }

  /** `09:05`: when someone will be back, when a deadline falls. */
  clock(at: number): string {
    return new Intl.DateTimeFormat('en-GB', {
      timeZone: this.timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(at)
  }

  /** Open hours in words: `周一至周五 09:00–12:00、13:00–18:00；周六 10:00–16:00`. */
  hours(description: HoursDescription): string {
    if (description.alwaysOpen) return this.t('hours.alwaysOpen')
    const day = (name: WeekdayName) => this.t(`hours.${name}`)
    return description.groups
      .map((group) => {
        const days = group.runs
          .map((run) =>
            run.first === run.last
              ? day(run.first)
              : this.t('hours.run', { first: day(run.first), last: day(run.last) }),
          )
          .join(this.t('hours.sameGroup'))
        const periods = group.periods
          .map((period) => this.t('hours.period', period))
          .join(this.t('hours.sameGroup'))
        return `${days} ${periods}`
      })
      .join(this.t('hours.nextGroup'))
  }

  dateTime(at: number): string {
    return new Intl.DateTimeFormat('sv-SE', {
      timeZone: this.timeZone,
      dateStyle: 'short',
      timeStyle: 'short',
    }).format(at)
  }

  date(at: number): string {
    return new Intl.DateTimeFormat('sv-SE', { timeZone: this.timeZone, dateStyle: 'short' }).format(at)
  }

  /** A transcript event in words, e.g. `分配给 小王`; `nameOf` turns staff ids into names. */
  event(entry: EventEntry, nameOf: (id: string) => string): string {
    const data = entry.data
    const name = (key: string) =>
      typeof data[key] === 'string' && data[key] ? nameOf(data[key] as string) : ''
    return this.t(`events.${entry.type}`, {
      agent: name('agentId') || this.t('supervisor.unassigned'),
      from: name('from'),
      by: name('by') || this.t('supervisor.bot'),
      level: Number(data.level ?? 1),
      waited: this.duration(Number(data.waitedMs ?? 0)),
      due: typeof data.dueAt === 'number' ? this.time(data.dueAt) : '',
      reason: String(data.reason ?? ''),
      category: String(data.category ?? ''),
      phrase: String(data.phrase ?? ''),
      score: Number(data.score ?? 0),
      day: String(data.day ?? ''),
      days: Number(data.days ?? 0),
      customer: String(data.customerName ?? ''),
      messages: Number(data.messages ?? 0),
    })
  }

  /** One line of a transcript as staff read it: time, who, what. */
  entry(entry: TranscriptEntry, nameOf: (id: string) => string): string {
    const time = this.time(entry.at)
    if (entry.kind === 'message') {
      const who = entry.actor.role === 'bot' ? this.t('supervisor.bot') : (entry.actor.name ?? entry.actor.id)
      return this.t('supervisor.transcriptMessage', { time, who, text: entry.text })
    }
    return this.t('supervisor.transcriptEvent', { time, event: this.event(entry, nameOf) })
  }
}
