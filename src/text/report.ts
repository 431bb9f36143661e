import type { KpiPeriod, KpiReport, KpiRow } from '../domain/report.js'
import type { Text, TextKey } from './text.js'

/**
 * The KPI report (src/domain/report.ts) as people and spreadsheets read it: localized cells, a
 * Markdown document, a CSV file. Only staff names appear — no customer names or texts.
 */

/** What rendering needs of `Text`: the sentences and durations of one locale. */
export type ReportText = Pick<Text, 'locale' | 't' | 'duration'>

type ColumnKey = Extract<TextKey, `report.columns.${string}`> extends `report.columns.${infer K}` ? K : never
type Target = 'md' | 'csv'

interface Cells {
  text: ReportText
  period: KpiPeriod
  row: KpiRow
  target: Target
  none: string
}

interface Column {
  key: ColumnKey
  /** Shown in Markdown / CSV; Markdown also drops the date column when grouping by range. */
  in: readonly Target[]
  numeric: boolean
  cell(cells: Cells): string
}

const seconds = (ms: number | undefined) => (ms === undefined ? '' : String(Math.round(ms) / 1000))
const count = (pick: (row: KpiRow) => number) => (cells: Cells) => String(pick(cells.row))

const COLUMNS: readonly Column[] = [
  {
    key: 'date',
    in: ['md', 'csv'],
    numeric: false,
    cell: ({ text, period }) =>
      period.from === period.to ? period.from : text.t('report.period', { from: period.from, to: period.to }),
  },
  { key: 'agent', in: ['md', 'csv'], numeric: false, cell: () => '' /* filled by reportTable */ },
  { key: 'conversations', in: ['md', 'csv'], numeric: true, cell: count((row) => row.conversations) },
  { key: 'answered', in: ['md', 'csv'], numeric: true, cell: count((row) => row.answered) },
  {
    key: 'firstResponseMedian',
    in: ['md', 'csv'],
    numeric: true,
    cell: ({ text, row, none }) =>
      row.firstResponseMedianMs === undefined ? none : text.duration(row.firstResponseMedianMs),
  },
  {
    key: 'firstResponseMedianSeconds',
    in: ['csv'],
    numeric: true,
    cell: ({ row }) => seconds(row.firstResponseMedianMs),
  },
  {
    key: 'firstResponseP90',
    in: ['md', 'csv'],
    numeric: true,
    cell: ({ text, row, none }) =>
      row.firstResponseP90Ms === undefined ? none : text.duration(row.firstResponseP90Ms),
  },
  {
    key: 'firstResponseP90Seconds',
    in: ['csv'],
    numeric: true,
    cell: ({ row }) => seconds(row.firstResponseP90Ms),
  },
  { key: 'overdue', in: ['md', 'csv'], numeric: true, cell: count((row) => row.overdue) },
  { key: 'resolvedSameDay', in: ['csv'], numeric: true, cell: count((row) => row.resolvedSameDay) },
  {
    key: 'sameDayRate',
    in: ['md', 'csv'],
    numeric: true,
    cell: ({ text, row, none }) =>
      row.sameDayRate === undefined
        ? none
        : text.t('report.percent', { value: Math.round(row.sameDayRate * 1000) / 10 }),
  },
  { key: 'ratings', in: ['md', 'csv'], numeric: true, cell: count((row) => row.ratings) },
  {
    key: 'averageRating',
    in: ['md', 'csv'],
    numeric: true,
    cell: ({ row, none }) => (row.averageRating === undefined ? none : row.averageRating.toFixed(2)),
  },
  { key: 'praise', in: ['md', 'csv'], numeric: true, cell: count((row) => row.praise) },
  { key: 'extraDays', in: ['md', 'csv'], numeric: true, cell: count((row) => row.extraDays) },
  { key: 'improperWording', in: ['md', 'csv'], numeric: true, cell: count((row) => row.improperWording) },
  {
    key: 'tally',
    in: ['md', 'csv'],
    numeric: true,
    cell: ({ row, target }) => (target === 'md' && row.tally > 0 ? `+${row.tally}` : String(row.tally)),
  },
]

export interface ReportTable {
  header: string[]
  /** Right-aligned (numeric) columns. */
  numeric: boolean[]
  /** Where the agent's name is. */
  agentColumn: number
  rows: { cells: string[]; team: boolean }[]
}

/**
 * The report as localized cells: per period its agents by name (nobody after them), then the team
 * row. `target` picks the columns: Markdown for people (durations in words), CSV adds raw seconds and
 * counts for spreadsheets. Only staff names appear — no customer names or texts.
 */
export function reportTable(
  report: KpiReport,
  text: ReportText,
  nameOf: (id: string) => string,
  target: Target,
): ReportTable {
  const columns = COLUMNS.filter(
    (column) =>
      column.in.includes(target) && !(target === 'md' && report.by === 'range' && column.key === 'date'),
  )
  const none = text.t('report.none')
  const collator = new Intl.Collator(text.locale)
  const label = (row: KpiRow) =>
    row.agentId === undefined
      ? text.t('report.allAgents')
      : row.agentId === ''
        ? text.t('report.nobody')
        : nameOf(row.agentId) || row.agentId
  const rows: ReportTable['rows'] = []
  for (const period of report.periods) {
    const nobodyLast = (row: KpiRow) => (row.agentId === '' ? 1 : 0)
    const agents = [...period.agents].sort(
      (a, b) => nobodyLast(a) - nobodyLast(b) || collator.compare(label(a), label(b)),
    )
    for (const row of [...agents, period.team]) {
      rows.push({
        team: row.agentId === undefined,
        cells: columns.map((column) =>
          column.key === 'agent' ? label(row) : column.cell({ text, period, row, target, none }),
        ),
      })
    }
  }
  return {
    header: columns.map((column) => text.t(`report.columns.${column.key}`)),
    numeric: columns.map((column) => column.numeric),
    agentColumn: columns.findIndex((column) => column.key === 'agent'),
    rows,
  }
}

function tallyRule(report: KpiReport, text: ReportText): string {
  const signed = (value: number) => (value > 0 ? `+${value}` : String(value))
  return text.t('report.tallyRule', {
    overdueReply: signed(report.tally.overdueReply),
    extraDayUnresolved: signed(report.tally.extraDayUnresolved),
    praise: signed(report.tally.praise),
    improperWording: signed(report.tally.improperWording),
  })
}

/** A Markdown table cell: pipes and backslashes escaped, line breaks flattened. */
export function markdownCell(value: string): string {
  return value.replace(/[\\|*_`]/g, (char) => `\\${char}`).replace(/\s*[\r\n]+\s*/g, ' ')
}

/** The report as a Markdown document: title, grouping, the tally rule, one table, the notes. */
export function renderMarkdown(report: KpiReport, text: ReportText, nameOf: (id: string) => string): string {
  const table = reportTable(report, text, nameOf, 'md')
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`
  return [
    `# ${text.t('report.title', { from: report.from, to: report.to })}`,
    '',
    `${text.t('report.subtitle', {
      by: text.t(report.by === 'day' ? 'report.byDay' : 'report.byRange'),
      timeZone: report.timeZone,
    })}  `,
    tallyRule(report, text),
    '',
    line(table.header.map(markdownCell)),
    line(table.numeric.map((numeric) => (numeric ? '---:' : '---'))),
    ...table.rows.map(({ cells, team }) =>
      line(
        cells.map((cell, index) =>
          team && index === table.agentColumn ? `**${markdownCell(cell)}**` : markdownCell(cell),
        ),
      ),
    ),
    '',
    text.t('report.notes'),
    '',
  ].join('\n')
}

/** One CSV field (RFC 4180): quoted when it holds a comma, quote, line break or edge spaces. */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}

/** The report as CSV (RFC 4180: CRLF line ends, header row), raw seconds beside the durations. */
export function renderCsv(report: KpiReport, text: ReportText, nameOf: (id: string) => string): string {
  const table = reportTable(report, text, nameOf, 'csv')
  return [table.header, ...table.rows.map((row) => row.cells)]
    .map((cells) => `${cells.map(csvField).join(',')}\r\n`)
    .join('')
}
