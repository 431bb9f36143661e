import type { Dispatcher } from '../src/dispatcher.js'
import { toSummary } from '../src/domain/conversation.js'
import { dayStats } from '../src/domain/stats.js'
import { startOfDay } from '../src/domain/zoned-time.js'
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

/** The archive is confidential: only supervisors and managers read it, and every read is recorded. */
async function transcript(ctx: Command): Promise<void> {
  const { staff, command } = ctx.update
  const code = command.code ?? ''
  const live = await ctx.ports.state.conversationByCode(code)
  const conversation = live ? toSummary(live) : await ctx.ports.store.conversationByCode(code)
  if (!conversation) return ctx.reply('transcript', ctx.t('supervisor.transcriptNotFound', { code }))
  const entries = await ctx.ports.store.entries(conversation.id, { limit: TRANSCRIPT_LINES })
  const header = ctx.t('supervisor.transcriptHeader', {
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
  ctx.event(conversation, 'transcript-read', staffActor(staff), { by: staff.id, entries: entries.length })
  ctx.log.info({ reader: staff.id, conversation: conversation.id }, 'transcript read')
}

async function stats(ctx: Command): Promise<void> {
  const from = startOfDay(ctx.now, ctx.ports.timeZone)
  const until = ctx.now + 1
  const [conversations, overdue] = await Promise.all([
    ctx.ports.store.conversationsOpenedBetween(from, until),
    ctx.ports.store.eventsBetween('overdue', from, until),
  ])
  const day = dayStats(conversations, overdue)
  const { text, staff } = ctx.ports
  const lines = [
    ctx.t('supervisor.statsHeader', { date: text.date(ctx.now) }),
    ctx.t('supervisor.statsTotals', {
      conversations: day.conversations,
      answered: day.answered,
      median:
        day.medianFirstResponseMs === undefined
          ? ctx.t('supervisor.statsNone')
          : text.duration(day.medianFirstResponseMs),
      overdue: day.overdue,
    }),
    ...(day.perAgent.length
      ? day.perAgent.map((agent) =>
          ctx.t('supervisor.statsAgentLine', {
            name: agent.agentId ? staff.nameOf(agent.agentId) : ctx.t('supervisor.unassigned'),
            conversations: agent.conversations,
            overdue: agent.overdue,
          }),
        )
      : [ctx.t('supervisor.statsNoAgents')]),
  ]
  ctx.reply('stats', lines.join('\n'))
}
