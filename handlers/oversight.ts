import { staffActor } from '../src/domain/actors.js'
import { toSummary } from '../src/domain/conversation.js'
import type { GroupFigures } from '../src/domain/group-report.js'
import {
  buildReport,
  type KpiPeriod,
  type KpiRow,
  REPORT_EVENT_TYPES,
  reportWindow,
} from '../src/domain/report.js'
import { shownEntry, shownName, sightOf } from '../src/domain/visibility.js'
import { addDays, dayKey } from '../src/domain/zoned-time.js'
import type { CommandContext } from '../src/kernel/composer.js'
import type { AgentLoad } from '../src/state/port.js'
import { timeoutWords } from '../src/text/report.js'

/** What supervisors and managers do: watch the team, read transcripts, see the day's figures. */

const TRANSCRIPT_LINES = 30

export async function agents(ctx: CommandContext<'agents'>): Promise<void> {
  const team = ctx.services.staff.withRole('agent')
  const loads = await ctx.io.state.loads(team.map((agent) => agent.id))
  const lines = team.map((agent, index) =>
    ctx.t('supervisor.agentsLine', {
      name: agent.name,
      status: status(ctx, loads[index]),
      open: loads[index]?.open ?? 0,
      cap: agent.maxOpen ?? ctx.settings.routing.maxPerAgent,
    }),
  )
  ctx.reply('agents', [ctx.t('supervisor.agentsHeader'), ...lines].join('\n'))
}

function status(ctx: CommandContext<'agents'>, load: AgentLoad | undefined): string {
  if (!load?.onDuty) return ctx.t('supervisor.statusOff')
  if (!load.away) return ctx.t('supervisor.statusOn')
  const back = ctx.services.text.clock(load.away.until)
  return load.away.reason
    ? ctx.t('supervisor.statusAwayWithReason', { reason: load.away.reason, back })
    : ctx.t('supervisor.statusAway', { back })
}

/**
 * The archive is confidential: supervisors and managers read the last entries with /transcript, and
 * every read is recorded in the transcript itself, with the sight it was given. Managers read it
 * whole; supervisors review the service, not the customer, so they read customers' names and
 * personal data masked (src/domain/visibility.ts). A customer's whole record is a manager's
 * `/export` (handlers/privacy.ts), audited apart.
 */
export async function transcript(ctx: CommandContext<'transcript'>): Promise<void> {
  const { staff, command } = ctx.update
  const { text } = ctx.services
  const live = await ctx.io.state.conversationByCode(command.code)
  const conversation = live ? toSummary(live) : await ctx.io.store.conversationByCode(command.code)
  if (!conversation)
    return ctx.reply('transcript', ctx.t('supervisor.transcriptNotFound', { code: command.code }))
  const sight = sightOf(staff)
  const entries = await ctx.io.store.entries(conversation.id, { limit: TRANSCRIPT_LINES })
  const header = ctx.t(
    sight === 'whole' ? 'supervisor.transcriptHeader' : 'supervisor.transcriptHeaderMasked',
    {
      code: conversation.code,
      customer: shownName(sight, conversation.customerName),
      opened: text.dateTime(conversation.openedAt),
      count: entries.length,
    },
  )
  const nameOf = (id: string) => ctx.services.staff.nameOf(id)
  const lines = entries.map((entry) => text.entry(shownEntry(sight, entry), nameOf))
  ctx.reply('transcript', [header, ...lines].join('\n'))
  ctx.event(conversation, 'transcript-read', staffActor(staff), {
    by: staff.id,
    entries: entries.length,
    sight,
  })
  ctx.log.info({ reader: staff.id, conversation: conversation.id, sight }, 'transcript read')
}

/**
 * `/stats [day|week]`: today's figures, or the last 7 days', per agent and for the team — the same
 * measures as `npm run report` (first response, overdue, same-day resolution, ratings, praise, tally).
 * When a watched room had anything in the period, the group figures follow: all rooms, each room,
 * and each agent who answered in a room or had a message go past the timeout.
 */
export async function stats(ctx: CommandContext<'stats'>): Promise<void> {
  const { timeZone, tally, groups } = ctx.settings
  const { text, staff } = ctx.services
  const { store } = ctx.io
  const to = dayKey(ctx.now, timeZone)
  const from = ctx.update.command.period === 'week' ? addDays(to, -6) : to
  const { start, end } = reportWindow(from, to, timeZone)
  const conversations = await store.conversationsOpenedBetween(start, end)
  const events = (
    await Promise.all(REPORT_EVENT_TYPES.map((type) => store.eventsBetween(type, start, end)))
  ).flat()
  const [period] = buildReport(
    { conversations, events },
    { from, to, timeZone, by: 'range', tally, groupReplyTimeout: groups.replyTimeout },
  ).periods
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
  const agentLines = period.agents.map((row) =>
    line(row.agentId ? staff.nameOf(row.agentId) : ctx.t('supervisor.unassigned'), row),
  )
  const header =
    from === to
      ? ctx.t('supervisor.statsHeaderDay', { date: to })
      : ctx.t('supervisor.statsHeaderWeek', { from, to })
  const team = line(ctx.t('report.allAgents'), period.team)
  ctx.reply(
    'stats',
    [
      header,
      team,
      ...(agentLines.length ? agentLines : [ctx.t('supervisor.statsNoAgents')]),
      ...groupLines(ctx, period),
    ].join('\n'),
  )
}

/** The group part of /stats; none when no watched room had anything in the period. */
function groupLines(ctx: CommandContext<'stats'>, period: KpiPeriod): string[] {
  if (!period.rooms.length) return []
  const { text, staff } = ctx.services
  const timeout = timeoutWords(ctx.settings.groups.replyTimeout, text)
  const none = ctx.t('supervisor.statsNone')
  const duration = (ms: number | undefined) => (ms === undefined ? none : text.duration(ms))
  const room = (name: string, row: GroupFigures) =>
    ctx.t('supervisor.statsGroupRoom', {
      room: name,
      messages: row.messages,
      answered: row.answered,
      within3m: row.within3m,
      withinTimeout: row.withinTimeout,
      timeout,
      overdue: row.overdue,
      median: duration(row.responseMedianMs),
      p90: duration(row.responseP90Ms),
    })
  const agents = period.agents
    .filter((row) => row.groupAnswered > 0 || row.groupOverdue > 0)
    .map((row) =>
      ctx.t('supervisor.statsGroupAgent', {
        name: row.agentId ? staff.nameOf(row.agentId) : ctx.t('supervisor.unassigned'),
        answered: row.groupAnswered,
        within3m: row.groupWithin3m,
        withinTimeout: row.groupWithinTimeout,
        timeout,
        median: duration(row.groupResponseMedianMs),
        p90: duration(row.groupResponseP90Ms),
        overdue: row.groupOverdue,
      }),
    )
  return [
    ctx.t('supervisor.statsGroupHeader', { timeout }),
    room(ctx.t('supervisor.statsGroupAllRooms'), period.allRooms),
    ...period.rooms.map((row) =>
      room(ctx.t('supervisor.statsGroupRoomName', { code: row.code, topic: row.topic }).trim(), row),
    ),
    ...agents,
  ]
}
