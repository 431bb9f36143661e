import type { Dispatcher } from '../src/dispatcher.js'
import { toSummary } from '../src/domain/conversation.js'
import { buildReport, type KpiRow, REPORT_EVENT_TYPES, reportWindow } from '../src/domain/report.js'
import { addDays, dayKey } from '../src/domain/zoned-time.js'
import type { AgentLoad } from '../src/state/port.js'
import { moveToColleague } from './agent.js'
import { type Context, staffActor, type UpdateOf } from './context.js'

type Command = Context<UpdateOf<'staff-command'>>

const TRANSCRIPT_LINES = 30

/** What supervisors and managers do: watch the team, move work, read transcripts, see the day. */
export function supervisorHandlers(dispatcher: Dispatcher): void {
  dispatcher
    .command('agents', agents)
    .command('assign', assign)
    .command('transcript', transcript)
    .command('export', exportTranscript)
    .command('stats', stats)
}

async function agents(ctx: Command): Promise<void> {
  const team = ctx.ports.staff.withRole('agent')
  const loads = await ctx.ports.state.loads(team.map((agent) => agent.id))
  const lines = team.map((agent, index) =>
    ctx.t('supervisor.agentsLine', {
      name: agent.name,
      status: status(ctx, loads[index]),
      open: loads[index]?.open ?? 0,
      cap: agent.maxOpen ?? ctx.ports.maxPerAgent,
    }),
  )
  ctx.reply('agents', [ctx.t('supervisor.agentsHeader'), ...lines].join('\n'))
}

function status(ctx: Command, load: AgentLoad | undefined): string {
  if (!load?.onDuty) return ctx.t('supervisor.statusOff')
  if (!load.away) return ctx.t('supervisor.statusOn')
  const back = ctx.ports.text.clock(load.away.until)
  return load.away.reason
    ? ctx.t('supervisor.statusAwayWithReason', { reason: load.away.reason, back })
    : ctx.t('supervisor.statusAway', { back })
}

function assign(ctx: Command): Promise<void> {
  return moveToColleague(ctx, 'assign')
}

/**
 * The archive is confidential: supervisors and managers read the last entries with /transcript,
 * managers alone the whole record with /export, and every read is recorded in the transcript itself.
 */
function transcript(ctx: Command): Promise<void> {
  return readTranscript(ctx, { limit: TRANSCRIPT_LINES })
}

function exportTranscript(ctx: Command): Promise<void> {
  return readTranscript(ctx, { export: true })
}

async function readTranscript(ctx: Command, how: { limit?: number; export?: boolean }): Promise<void> {
  const { staff, command } = ctx.update
  const code = command.code ?? ''
  const live = await ctx.ports.state.conversationByCode(code)
  const conversation = live ? toSummary(live) : await ctx.ports.store.conversationByCode(code)
  if (!conversation) return ctx.reply('transcript', ctx.t('supervisor.transcriptNotFound', { code }))
  const entries = await ctx.ports.store.entries(conversation.id, how.limit ? { limit: how.limit } : {})
  const header = ctx.t(how.export ? 'supervisor.exportHeader' : 'supervisor.transcriptHeader', {
    code: conversation.code,
    customer: conversation.customerName,
    opened: ctx.ports.text.dateTime(conversation.openedAt),
    count: entries.length,
  })
  ctx.reply(
    'transcript',
    [header, ...entries.map((entry) => ctx.ports.text.entry(entry, (id) => ctx.ports.staff.nameOf(id)))].join(
      '\n',
    ),
  )
  ctx.event(conversation, 'transcript-read', staffActor(staff), {
    by: staff.id,
    entries: entries.length,
    ...(how.export ? { export: true } : {}),
  })
  ctx.log.info(
    { reader: staff.id, conversation: conversation.id, export: how.export === true },
    'transcript read',
  )
}

/**
 * `/stats [day|week]`: today's figures, or the last 7 days', per agent and for the team — the same
 * measures as `npm run report` (first response, overdue, same-day resolution, ratings, praise, tally).
 */
async function stats(ctx: Command): Promise<void> {
  const { text, staff, store, timeZone, tally } = ctx.ports
  const to = dayKey(ctx.now, timeZone)
  const from = ctx.update.command.period === 'week' ? addDays(to, -6) : to
  const { start, end } = reportWindow(from, to, timeZone)
  const conversations = await store.conversationsOpenedBetween(start, end)
  const events = (
    await Promise.all(REPORT_EVENT_TYPES.map((type) => store.eventsBetween(type, start, end)))
  ).flat()
  const [period] = buildReport({ conversations, events }, { from, to, timeZone, by: 'range', tally }).periods
  if (!period) return
  const none = ctx.t('supervisor.statsNone')
  const duration = (ms: number | undefined) => (ms === undefined ? none : text.duration(ms))
  const line = (name: string, row: KpiRow) =>
    ctx.t('supervisor.statsLine', {
      name,
      conversations: row.conversations,
      median: duration(row.firstResponseMedianMs),
      p90: duration(row.firstResponseP90Ms),
      overdue: row.overdue,
      sameDay:
        row.sameDayRate === undefined
          ? none
          : ctx.t('report.percent', { value: Math.round(row.sameDayRate * 100) }),
      rating:
        row.averageRating === undefined
          ? none
          : ctx.t('supervisor.statsRating', { average: row.averageRating.toFixed(1), count: row.ratings }),
      praise: row.praise,
      tally: row.tally > 0 ? `+${row.tally}` : String(row.tally),
    })
  const agents = period.agents.map((row) =>
    line(row.agentId ? staff.nameOf(row.agentId) : ctx.t('supervisor.unassigned'), row),
  )
  ctx.reply(
    'stats',
    [
      from === to
        ? ctx.t('supervisor.statsHeaderDay', { date: to })
        : ctx.t('supervisor.statsHeaderWeek', { from, to }),
      line(ctx.t('report.allAgents'), period.team),
      ...(agents.length ? agents : [ctx.t('supervisor.statsNoAgents')]),
    ].join('\n'),
  )
}
