import type { FastifyReply } from 'fastify'
import { z } from 'zod'
import { ratingDistribution } from '../../domain/ratings.js'
import { isLocalDate, type KpiReport, type KpiRow, reportWindow } from '../../domain/report.js'
import { oversees } from '../../domain/staff.js'
import { addDays, dayKey } from '../../domain/zoned-time.js'
import { renderCsv, reportTable, tallyRule } from '../../text/report.js'
import { sendPage } from '../answers.js'
import { barChart, lineChart } from '../charts.js'
import { type Html, html } from '../html.js'
import { page } from '../layout.js'
import type { ConsoleParts, Viewer } from '../parts.js'
import { type ConsoleRoutes, viewerOf } from './route.js'

/** The longest range one request may ask for: a quarter, so a page reads a bounded part of the store. */
export const MAX_REPORT_DAYS = 92
/** Without a range: the last week, today included. */
const DEFAULT_DAYS = 7

/**
 * The reports page (docs/console.md), for supervisors and managers: charts of the KPI report for a
 * range of local dates, the tally, and the same figures as CSV, exactly as `npm run report` writes
 * them (src/text/report.ts renders both). Only staff names appear: reports hold no customer data.
 */
export const reportRoutes: ConsoleRoutes = (app, parts) => {
  app.get('/reports', async (request, reply) => {
    const viewer = viewerOf(request)
    if (!oversees(viewer.staff)) return forbidden(parts, viewer, reply)
    const input = request.query as Record<string, unknown>
    const range = rangeSchema(parts).safeParse(rangeInput(parts, input))
    if (!range.success) {
      const errors = range.error.issues.map((issue) => issue.message)
      const shown = { from: stringOf(input.from) ?? '', to: stringOf(input.to) ?? '' }
      return send(reply, 400, parts, viewer, html`${errorList(errors)}${rangeForm(parts, shown)}`)
    }
    return send(reply, 200, parts, viewer, await reportBody(parts, range.data))
  })

  app.get('/reports.csv', async (request, reply) => {
    const viewer = viewerOf(request)
    if (!oversees(viewer.staff)) return forbidden(parts, viewer, reply)
    const range = rangeSchema(parts).safeParse(rangeInput(parts, request.query as Record<string, unknown>))
    if (!range.success) {
      const lines = range.error.issues.map((issue) => `${issue.message}\n`).join('')
      return reply.code(400).type('text/plain; charset=utf-8').send(lines)
    }
    const { from, to } = range.data
    const report = await parts.report({ from, to, by: 'day' })
    // What `npm run report -- --format csv --out file` writes: a byte-order mark, so that spreadsheet
    // programs read the Chinese as UTF-8, then the CSV.
    const csv = `\uFEFF${renderCsv(report, parts.text, nameOf(parts))}`
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="report-${from}-${to}.csv"`)
      .send(csv)
  })
}

interface Range {
  from: string
  to: string
}

const stringOf = (value: unknown): string | undefined => {
  const single = Array.isArray(value) ? value[0] : value
  return typeof single === 'string' && single.trim() !== '' ? single.trim() : undefined
}

/** The asked range, or the last week in the service's time zone for what is left out. */
function rangeInput(parts: ConsoleParts, input: Record<string, unknown>): Range {
  const today = dayKey(parts.clock(), parts.config.timeZone)
  const to = stringOf(input.to) ?? today
  const from = stringOf(input.from) ?? (isLocalDate(to) ? addDays(to, 1 - DEFAULT_DAYS) : today)
  return { from, to }
}

function rangeSchema(parts: ConsoleParts) {
  const { text } = parts
  const date = (field: 'from' | 'to') =>
    z.string().refine(isLocalDate, {
      error: (issue) =>
        text.t('webReports.badDate', { field: text.t(`webReports.${field}`), value: String(issue.input) }),
    })
  return z
    .object({ from: date('from'), to: date('to') })
    .refine((range) => range.from <= range.to, {
      error: (issue) => {
        const { from, to } = issue.input as Range
        return text.t('webReports.fromAfterTo', { from, to })
      },
    })
    .refine((range) => range.from > addDays(range.to, -MAX_REPORT_DAYS), {
      error: () => text.t('webReports.tooLong', { days: MAX_REPORT_DAYS }),
    })
}

const nameOf = (parts: ConsoleParts) => (id: string) => parts.staff.nameOf(id)

async function reportBody(parts: ConsoleParts, range: Range): Promise<Html> {
  const { text, config } = parts
  const { start, end } = reportWindow(range.from, range.to, config.timeZone)
  const [days, whole, rated] = await Promise.all([
    parts.report({ ...range, by: 'day' }),
    parts.report({ ...range, by: 'range' }),
    parts.store.eventsBetween('rated', start, end),
  ])
  const query = new URLSearchParams({ from: range.from, to: range.to }).toString()
  return html`${rangeForm(parts, range)}
<p class="range">${text.t('webReports.range', { ...range, timeZone: config.timeZone })}</p>
<p><a data-download="csv" href="/reports.csv?${query}" download>${text.t('webReports.download')}</a></p>
<section class="charts">
${firstResponseChart(parts, days)}
${overdueChart(parts, whole)}
${sameDayChart(parts, days)}
${csatChart(parts, ratingDistribution(rated))}
</section>
<section>
<h2>${text.t('webReports.tally')}</h2>
<p>${tallyRule(whole, text)}</p>
${tallyTable(parts, whole)}
</section>`
}

const percent = (parts: ConsoleParts, rate: number) =>
  parts.text.t('webReports.percent', { value: Math.round(rate * 100) })
const countTick = (value: number) => String(Math.round(value * 10) / 10)

function firstResponseChart(parts: ConsoleParts, report: KpiReport): Html {
  const { text } = parts
  const team = report.periods.map((period) => ({ day: period.from, row: period.team }))
  const series = (name: string, pick: (row: KpiRow) => number | undefined) => ({
    name,
    values: team.map(({ row }) => pick(row)),
    titles: team.map(({ day, row }) => {
      const ms = pick(row)
      return text.t('webReports.point', {
        label: `${name} ${day}`,
        value: ms === undefined ? text.t('report.none') : text.duration(ms),
      })
    }),
  })
  return lineChart({
    chart: 'first-response',
    title: text.t('webReports.firstResponse'),
    empty: text.t('webReports.noData'),
    tick: (ms) => text.duration(ms),
    atLeast: 60_000,
    labels: team.map(({ day }) => day.slice(5)),
    series: [
      series(text.t('webReports.median'), (row) => row.firstResponseMedianMs),
      series(text.t('webReports.p90'), (row) => row.firstResponseP90Ms),
    ],
  })
}

function agentName(parts: ConsoleParts, agentId: string): string {
  return agentId === '' ? parts.text.t('report.nobody') : parts.staff.nameOf(agentId) || agentId
}

function overdueChart(parts: ConsoleParts, report: KpiReport): Html {
  const { text } = parts
  const agents = report.periods[0]?.agents ?? []
  return barChart({
    chart: 'overdue-per-agent',
    title: text.t('webReports.overduePerAgent'),
    empty: text.t('webReports.noData'),
    tick: countTick,
    whole: true,
    bars: agents.map((row) => {
      const label = agentName(parts, row.agentId ?? '')
      return {
        label,
        value: row.overdue,
        shown: String(row.overdue),
        title: text.t('webReports.point', { label, value: row.overdue }),
      }
    }),
  })
}

function sameDayChart(parts: ConsoleParts, report: KpiReport): Html {
  const { text } = parts
  return barChart({
    chart: 'same-day',
    title: text.t('webReports.sameDay'),
    empty: text.t('webReports.noData'),
    tick: (rate) => percent(parts, rate),
    max: 1,
    bars: report.periods.map((period) => {
      const rate = period.team.sameDayRate
      const shown = rate === undefined ? '' : percent(parts, rate)
      return {
        label: period.from.slice(5),
        value: rate,
        shown,
        title: text.t('webReports.point', { label: period.from, value: shown || text.t('report.none') }),
      }
    }),
  })
}

function csatChart(parts: ConsoleParts, counts: number[]): Html {
  const { text } = parts
  const total = counts.reduce((sum, count) => sum + count, 0)
  return barChart({
    chart: 'csat',
    title: text.t('webReports.csat'),
    empty: text.t('webReports.noData'),
    tick: countTick,
    whole: true,
    bars: counts.map((count, index) => {
      const label = text.t('webReports.score', { score: index + 1 })
      return {
        label,
        // No ratings at all: no bars, and the chart says there is nothing to show.
        value: total === 0 ? undefined : count,
        shown: String(count),
        title: text.t('webReports.point', { label, value: count }),
      }
    }),
  })
}

/** The range's figures per agent and for the team, as the Markdown report has them, tally last. */
function tallyTable(parts: ConsoleParts, report: KpiReport): Html {
  const table = reportTable(report, parts.text, nameOf(parts), 'md')
  const cell = (value: string, index: number) =>
    table.numeric[index] ? html`<td class="number">${value}</td>` : html`<td>${value}</td>`
  return html`<table data-report="tally" class="report">
<thead><tr>${table.header.map((heading) => html`<th scope="col">${heading}</th>`)}</tr></thead>
<tbody>
${table.rows.map((row) => html`<tr${row.team ? html` data-team` : ''}>${row.cells.map(cell)}</tr>`)}
</tbody>
</table>`
}

function rangeForm(parts: ConsoleParts, range: Range): Html {
  const { text } = parts
  return html`<form method="get" action="/reports" data-report-range class="range">
<label>${text.t('webReports.from')} <input type="date" name="from" value="${range.from}"></label>
<label>${text.t('webReports.to')} <input type="date" name="to" value="${range.to}"></label>
<button type="submit">${text.t('webReports.show')}</button>
</form>`
}

function errorList(errors: string[]): Html {
  return html`<ul class="errors" role="alert" data-errors>${errors.map((error) => html`<li>${error}</li>`)}</ul>`
}

function forbidden(parts: ConsoleParts, viewer: Viewer, reply: FastifyReply) {
  const { text } = parts
  return sendPage(
    reply,
    403,
    page(parts, viewer, {
      title: text.t('webReports.forbiddenTitle'),
      body: html`<p class="error" role="alert">${text.t('webReports.forbidden')}</p>`,
    }),
  )
}

function send(reply: FastifyReply, status: number, parts: ConsoleParts, viewer: Viewer, body: Html) {
  return sendPage(reply, status, page(parts, viewer, { title: parts.text.t('webReports.title'), body }))
}
