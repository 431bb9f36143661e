import type { KpiPeriod, KpiReport, KpiRow, RoomRow } from '../domain/report.js'
import type { Text, TextKey } from './text.js'

/**
 * The KPI report (src/domain/report.ts) as people and spreadsheets read it: localized cells, a
 * Markdown document, a CSV file. Only staff names and room names appear — no customer names or
 * texts. The group figures (watched rooms) appear only when a room had a group event in the range,
 * so a deployment without groups gets the report it always had: then the agents' table gains the
 * group columns after its others, and a table per room follows it (in CSV after an empty line,
 * with its own header row).
 */

/** What rendering needs of `Text`: the sentences and durations of one locale. */
export type ReportText = Pick<Text, 'locale' | 't' | 'duration'>

type ColumnKey = Extract<TextKey, `report.columns.${string}`> extends `report.columns.${infer K}` ? K : never
type RoomColumnKey =
  Extract<TextKey, `report.roomColumns.${string}`> extends `report.roomColumns.${infer K}` ? K : never
type Target = 'md' | 'csv'

interface Cells<Row> {
  text: ReportText
  period: KpiPeriod
  row: Row
  target: Target
  none: string
}

interface Column<Row, Key extends string = ColumnKey> {
  key: Key
  /** Shown in Markdown / CSV; Markdown also drops the date column when grouping by range. */
  in: readonly Target[]
  numeric: boolean
  /** A group figure: shown only when the report has any. */
  groups?: true
  cell(cells: Cells<Row>): string
}

const seconds = (ms: number | undefined) => (ms === undefined ? '' : String(Math.round(ms) / 1000))
const count =
  <Row>(pick: (row: Row) => number) =>
  (cells: Cells<Row>) =>
    String(pick(cells.row))
const durationCell =
  <Row>(pick: (row: Row) => number | undefined) =>
  ({ text, row, none }: Cells<Row>) => {
    const ms = pick(row)
    return ms === undefined ? none : text.duration(ms)
  }
const secondsCell =
  <Row>(pick: (row: Row) => number | undefined) =>
  ({ row }: Cells<Row>) =>
    seconds(pick(row))
const tallyCell = <Row extends { tally: number }>({ row, target }: Cells<Row>) =>
  target === 'md' && row.tally > 0 ? `+${row.tally}` : String(row.tally)
const dateCell = <Row>({ text, period }: Cells<Row>) =>
  period.from === period.to ? period.from : text.t('report.period', { from: period.from, to: period.to })

const COLUMNS: readonly Column<KpiRow>[] = [
  { key: 'date', in: ['md', 'csv'], numeric: false, cell: dateCell },
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
  { key: 'tally', in: ['md', 'csv'], numeric: true, cell: tallyCell },
  {
    key: 'groupAnswered',
    in: ['md', 'csv'],
    numeric: true,
    groups: true,
    cell: count((row) => row.groupAnswered),
  },
  {
    key: 'groupWithin3m',
    in: ['md', 'csv'],
    numeric: true,
    groups: true,
    cell: count((row) => row.groupWithin3m),
  },
  {
    key: 'groupWithinTimeout',
    in: ['md', 'csv'],
    numeric: true,
    groups: true,
    cell: count((row) => row.groupWithinTimeout),
  },
  {
    key: 'groupResponseMedian',
    in: ['md', 'csv'],
    numeric: true,
    groups: true,
    cell: durationCell((row) => row.groupResponseMedianMs),
  },
  {
    key: 'groupResponseMedianSeconds',
    in: ['csv'],
    numeric: true,
    groups: true,
    cell: secondsCell((row) => row.groupResponseMedianMs),
  },
  {
    key: 'groupResponseP90',
    in: ['md', 'csv'],
    numeric: true,
    groups: true,
    cell: durationCell((row) => row.groupResponseP90Ms),
  },
  {
    key: 'groupResponseP90Seconds',
    in: ['csv'],
    numeric: true,
    groups: true,
    cell: secondsCell((row) => row.groupResponseP90Ms),
  },
  {
    key: 'groupOverdue',
    in: ['md', 'csv'],
    numeric: true,
    groups: true,
    cell: count((row) => row.groupOverdue),
  },
]

const ROOM_COLUMNS: readonly Column<RoomRow, RoomColumnKey>[] = [
  { key: 'date', in: ['md', 'csv'], numeric: false, cell: dateCell },
  { key: 'room', in: ['md', 'csv'], numeric: false, cell: () => '' /* filled by roomTable */ },
  { key: 'topic', in: ['md', 'csv'], numeric: false, cell: ({ row }) => row.topic },
  { key: 'messages', in: ['md', 'csv'], numeric: true, cell: count((row) => row.messages) },
  { key: 'answered', in: ['md', 'csv'], numeric: true, cell: count((row) => row.answered) },
  { key: 'within3m', in: ['md', 'csv'], numeric: true, cell: count((row) => row.within3m) },
  { key: 'withinTimeout', in: ['md', 'csv'], numeric: true, cell: count((row) => row.withinTimeout) },
  {
    key: 'responseMedian',
    in: ['md', 'csv'],
    numeric: true,
    cell: durationCell((row) => row.responseMedianMs),
  },
  {
    key: 'responseMedianSeconds',
    in: ['csv'],
    numeric: true,
    cell: secondsCell((row) => row.responseMedianMs),
  },
  { key: 'responseP90', in: ['md', 'csv'], numeric: true, cell: durationCell((row) => row.responseP90Ms) },
  { key: 'responseP90Seconds', in: ['csv'], numeric: true, cell: secondsCell((row) => row.responseP90Ms) },
  { key: 'overdue', in: ['md', 'csv'], numeric: true, cell: count((row) => row.overdue) },
  { key: 'improperWording', in: ['md', 'csv'], numeric: true, cell: count((row) => row.improperWording) },
  { key: 'tally', in: ['md', 'csv'], numeric: true, cell: tallyCell },
]

/** The group timeout in words for headers and rules: `10分钟` when whole minutes, else a duration. */
export function timeoutWords(ms: number, text: ReportText): string {
  return ms % 60_000 === 0 ? text.t('report.minutes', { m: ms / 60_000 }) : text.duration(ms)
}

export interface ReportTable {
  header: string[]
  /** Right-aligned (numeric) columns. */
  numeric: boolean[]
  /** Where the agent's name is (in the room table: the room's code). */
  agentColumn: number
  /** `team`: the team's row (in the room table: all rooms'). */
  rows: { cells: string[]; team: boolean }[]
}

function columnsFor<Row, Key extends string>(
  all: readonly Column<Row, Key>[],
  report: KpiReport,
  target: Target,
): Column<Row, Key>[] {
  return all.filter(
    (column) =>
      column.in.includes(target) &&
      !(target === 'md' && report.by === 'range' && column.key === 'date') &&
      // An account's rooms make one row: it has no topic.
      !(report.rows === 'accounts' && column.key === 'topic') &&
      (report.groups || !column.groups),
  )
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
  const columns = columnsFor(COLUMNS, report, target)
  const none = text.t('report.none')
  const collator = new Intl.Collator(text.locale)
  const label = (row: KpiRow) =>
    row.agentId === undefined
      ? text.t(report.rows === 'accounts' ? 'report.allAccounts' : 'report.allAgents')
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
  const timeout = timeoutWords(report.groupReplyTimeout, text)
  return {
    header: columns.map((column) =>
      report.rows === 'accounts' && column.key === 'agent'
        ? text.t('report.columns.account')
        : text.t(`report.columns.${column.key}`, { timeout }),
    ),
    numeric: columns.map((column) => column.numeric),
    agentColumn: columns.findIndex((column) => column.key === 'agent'),
    rows,
  }
}

/**
 * The watched rooms as localized cells: per period its rooms by code, then all rooms together.
 * Empty (no rows) when the report has no group figures.
 */
export function roomTable(
  report: KpiReport,
  text: ReportText,
  target: Target,
  nameOf: (id: string) => string = (id) => id,
): ReportTable {
  const accounts = report.rows === 'accounts'
  const columns = columnsFor(ROOM_COLUMNS, report, target)
  const none = text.t('report.none')
  const rows: ReportTable['rows'] = []
  for (const period of report.groups ? report.periods : []) {
    for (const row of [...period.rooms, period.allRooms]) {
      rows.push({
        team: row.roomId === undefined,
        cells: columns.map((column) =>
          column.key === 'room'
            ? row.roomId === undefined
              ? text.t(accounts ? 'report.allAccounts' : 'report.allRooms')
              : accounts
                ? nameOf(row.roomId)
                : row.code || row.roomId
            : column.cell({ text, period, row, target, none }),
        ),
      })
    }
  }
  const timeout = timeoutWords(report.groupReplyTimeout, text)
  return {
    header: columns.map((column) =>
      accounts && column.key === 'room'
        ? text.t('report.columns.account')
        : text.t(`report.roomColumns.${column.key}`, { timeout }),
    ),
    numeric: columns.map((column) => column.numeric),
    agentColumn: columns.findIndex((column) => column.key === 'room'),
    rows,
  }
}

/** The tally rule in words: what each event is worth, in 元. */
export function tallyRule(report: KpiReport, text: ReportText): string {
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

function groupRule(report: KpiReport, text: ReportText): string {
  const signed = (value: number) => (value > 0 ? `+${value}` : String(value))
  return text.t('report.groupTallyRule', {
    timeout: timeoutWords(report.groupReplyTimeout, text),
    groupOverdue: signed(report.tally.groupOverdue),
    improperWording: signed(report.tally.improperWording),
  })
}

/** A table's Markdown lines: header, alignment, rows, the team's (all rooms') label in bold. */
function markdownTable(table: ReportTable): string[] {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`
  return [
    line(table.header.map(markdownCell)),
    line(table.numeric.map((numeric) => (numeric ? '---:' : '---'))),
    ...table.rows.map(({ cells, team }) =>
      line(
        cells.map((cell, index) =>
          team && index === table.agentColumn ? `**${markdownCell(cell)}**` : markdownCell(cell),
        ),
      ),
    ),
  ]
}

/**
 * The report as a Markdown document: title, grouping, the tally rule, the agents' table, the notes;
 * with group figures, a section for the rooms before the notes and the group notes after them.
 * `account`: the account's label, for one of several accounts' reports; a total of several accounts
 * (`rows: 'accounts'`) says how many it holds.
 */
export function renderMarkdown(
  report: KpiReport,
  text: ReportText,
  nameOf: (id: string) => string,
  account?: string,
): string {
  const groups = report.groups
    ? [
        `## ${text.t('report.groupsTitle')}`,
        '',
        groupRule(report, text),
        '',
        ...markdownTable(roomTable(report, text, 'md', nameOf)),
        '',
      ]
    : []
  const { from, to } = report
  const title =
    report.rows === 'accounts'
      ? text.t('report.accountsTitle', { from, to, count: accountsIn(report) })
      : account === undefined
        ? text.t('report.title', { from, to })
        : text.t('report.accountTitle', { account, from, to })
  return [
    `# ${title}`,
    '',
    `${text.t('report.subtitle', {
      by: text.t(report.by === 'day' ? 'report.byDay' : 'report.byRange'),
      timeZone: report.timeZone,
    })}  `,
    tallyRule(report, text),
    '',
    ...markdownTable(reportTable(report, text, nameOf, 'md')),
    '',
    ...groups,
    text.t('report.notes'),
    ...(report.groups
      ? ['', text.t('report.groupNotes', { timeout: timeoutWords(report.groupReplyTimeout, text) })]
      : []),
    '',
  ].join('\n')
}

/** How many accounts a total holds: every account has a row in some period, empty or not. */
function accountsIn(report: KpiReport): number {
  return new Set(report.periods.flatMap((period) => period.agents.map((row) => row.agentId))).size
}

/** One CSV field (RFC 4180): quoted when it holds a comma, quote, line break or edge spaces. */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}

/**
 * The report as CSV (RFC 4180: CRLF line ends, header row), raw seconds beside the durations; with
 * group figures, an empty line and the rooms' table (its own header row) follow the agents'.
 */
export function renderCsv(
  report: KpiReport,
  text: ReportText,
  nameOf: (id: string) => string,
  account?: string,
): string {
  // One of several accounts' tables: every row starts with the account, for a spreadsheet's filter.
  const lead = (cells: string[], header: boolean) =>
    account === undefined ? cells : [header ? text.t('report.columns.account') : account, ...cells]
  const lines = (table: ReportTable) =>
    [lead(table.header, true), ...table.rows.map((row) => lead(row.cells, false))]
      .map((cells) => `${cells.map(csvField).join(',')}\r\n`)
      .join('')
  const agents = lines(reportTable(report, text, nameOf, 'csv'))
  return report.groups ? `${agents}\r\n${lines(roomTable(report, text, 'csv', nameOf))}` : agents
}

/**
 * Several accounts' reports and their total, as one document: each account's report under its
 * label, then the total (a row per account). Markdown: one document after another; CSV: one table
 * after another, an empty line between, every row led by its account.
 */
export function renderAccounts(
  accounts: readonly { name: string; label: string; report: KpiReport; nameOf: (id: string) => string }[],
  total: KpiReport,
  text: ReportText,
  format: Target,
): string {
  const labels = new Map(accounts.map((account) => [account.name, account.label]))
  const accountName = (name: string) => labels.get(name) ?? name
  if (format === 'csv') {
    const parts = accounts.map((account) => renderCsv(account.report, text, account.nameOf, account.label))
    parts.push(renderCsv(total, text, accountName, text.t('report.allAccounts')))
    return parts.join('\r\n')
  }
  return [
    ...accounts.map((account) => renderMarkdown(account.report, text, account.nameOf, account.label)),
    renderMarkdown(total, text, accountName),
  ].join('\n')
}
