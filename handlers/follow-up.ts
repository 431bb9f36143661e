import { BOT } from '../src/domain/actors.js'
import type { LiveConversation } from '../src/domain/conversation.js'
import { maskName } from '../src/domain/mask.js'
import type { TimerHandler } from '../src/kernel/composer.js'
import type { Context } from '../src/kernel/context.js'
import { lastMessage } from './delivery.js'

/**
 * Problems are solved the same day or followed up until they are (the regulations: a problem not
 * solved the same day is followed up next morning and reported to the supervisor; every further day
 * counts against the agent; complaints are called back — 回访). Day ends and day starts come from
 * the service calendar.
 */
const DAY_MS = 24 * 3600_000

/**
 * Arms the next end and the next start of a service day (each sweep chains the next). At start-up
 * (`catchUp`), a day end that passed in the last day while the bot was down is swept at once.
 */
export async function scheduleDays(ctx: Context, catchUp = false): Promise<void> {
  const { calendar } = ctx.services
  const { timers, state } = ctx.io
  if (catchUp) {
    const missed = calendar.nextServiceDayEnd(ctx.now - DAY_MS)
    const last = await state.lastDayEnded()
    if (missed && missed.at <= ctx.now && (!last || last < missed.day)) {
      await timers.arm({ kind: 'day-end', day: missed.day }, ctx.now)
    }
  }
  const end = calendar.nextServiceDayEnd(ctx.now)
  if (end) await timers.arm({ kind: 'day-end', day: end.day }, end.at)
  const start = calendar.nextServiceDayStart(ctx.now)
  if (start) await timers.arm({ kind: 'day-start', day: start.day }, start.at)
}

/**
 * The service day is over: every open conversation counts a day unresolved. Each agent gets the list
 * of theirs, the supervisors the whole list, and conversations delayed more than a day go to the
 * managers as well. Handover records past their retention are dropped here too, and, once the
 * lists are out, transcripts past `store.retention`: one purge per service day.
 */
export const onDayEnd: TimerHandler<'day-end'> = async (ctx) => {
  const { day } = ctx.update.timer
  const { state, store } = ctx.io
  const { staff, calendar } = ctx.services
  const { handover } = ctx.settings
  const endedAt = calendar.serviceDayEnd(day) ?? ctx.now
  const open = (await state.dayEnded(day, endedAt)).sort((a, b) => a.openedAt - b.openedAt)
  for (const conversation of open) {
    ctx.event(conversation, 'day-unresolved', BOT, {
      day,
      days: conversation.daysUnresolved,
      agentId: conversation.agentId ?? '',
    })
  }
  for (const [agentId, theirs] of byAgent(open)) {
    const lines = theirs.map((conversation) =>
      ctx.t('agent.dayEndLine', {
        code: conversation.code,
        name: conversation.customerName,
        days: conversation.daysUnresolved,
        last: lastMessage(ctx, conversation),
      }),
    )
    ctx.send('day-end', agentId, ctx.t('agent.dayEndList', { count: theirs.length, lines: lines.join('\n') }))
  }
  if (open.length) {
    const lines = open.map((conversation) => overviewLine(ctx, conversation))
    const summary = ctx.t('supervisor.dayEndSummary', {
      date: day,
      count: open.length,
      lines: lines.join('\n'),
    })
    for (const supervisor of staff.withRole('supervisor')) ctx.send('day-end', supervisor.id, summary)
    const delayed = open.filter((conversation) => conversation.daysUnresolved >= 2)
    if (delayed.length) {
      const alert = ctx.t('supervisor.delayedDays', {
        lines: delayed.map((conversation) => overviewLine(ctx, conversation)).join('\n'),
      })
      for (const manager of staff.withRole('manager')) ctx.send('delayed', manager.id, alert)
    }
  }
  ctx.touch(...open)
  const purged = await store.purgeHandoversBefore(ctx.now - handover.retention)
  ctx.log.info({ day, unresolved: open.length, handoversPurged: purged }, 'service day ended')
  // After the commit: the day-end lists go out first, however long a first purge of years takes.
  if (ctx.settings.transcriptRetention !== undefined) {
    const before = ctx.now - ctx.settings.transcriptRetention
    ctx.afterCommit(() => purgeTranscripts(ctx, day, before))
  }
  await scheduleDays(ctx)
}

/**
 * Deletes the transcripts of conversations closed before `before`, never one open in live state
 * (its stored summary may lag behind). The transcript cannot record its own deletion, so the log
 * line is the record: the day, the cut-off, and how many conversations and entries went.
 */
async function purgeTranscripts(ctx: Context, day: string, before: number): Promise<void> {
  const open = (await ctx.io.state.openConversations()).map((conversation) => conversation.id)
  const purged = await ctx.io.store.purgeConversationsClosedBefore(before, open)
  ctx.log.info(
    {
      day,
      closedBefore: new Date(before).toISOString(),
      conversations: purged.conversations,
      entries: purged.entries,
    },
    'transcripts past their retention purged',
  )
}

/** A new service day: each conversation left unresolved gets a follow-up reminder to its agent. */
export const onDayStart: TimerHandler<'day-start'> = async (ctx) => {
  const { staff } = ctx.services
  const carried = (await ctx.io.state.openConversations()).filter(
    (conversation) => conversation.daysUnresolved > 0,
  )
  for (const conversation of carried) {
    const days = conversation.daysUnresolved
    if (conversation.agentId) {
      ctx.send(
        'morning',
        conversation.agentId,
        ctx.t('agent.morningReminder', { code: conversation.code, name: conversation.customerName, days }),
        ctx.causeAbout(conversation.id),
      )
    } else {
      const notice = ctx.t('supervisor.morningUnassigned', {
        code: conversation.code,
        customer: maskName(conversation.customerName),
        days,
      })
      for (const supervisor of staff.withRole('supervisor')) {
        ctx.send('morning', supervisor.id, notice, ctx.causeAbout(conversation.id))
      }
    }
  }
  ctx.log.info({ day: ctx.update.timer.day, reminders: carried.length }, 'service day started')
  await scheduleDays(ctx)
}

/** A closed complaint's follow-up visit is due: its agent (or, without one, the supervisors) is reminded. */
export const onFollowUpDue: TimerHandler<'follow-up'> = async (ctx) => {
  const { conversationId } = ctx.update.timer
  const { staff, text } = ctx.services
  const conversation = await ctx.io.store.conversation(conversationId)
  if (!conversation) {
    ctx.log.warn({ conversation: conversationId }, 'follow-up due for a conversation the store does not have')
    return
  }
  const category = ctx.settings.routing.categories.find((known) => known.id === conversation.category)
  const agentId = conversation.agentId ?? conversation.firstResponderId
  const reminder = ctx.t('agent.followUpDue', {
    code: conversation.code,
    name: conversation.customerName,
    category: category ? text.categoryName(category) : '',
    closed: text.dateTime(conversation.closedAt ?? ctx.now),
  })
  const recipients =
    agentId && staff.get(agentId)
      ? [agentId]
      : staff.withRole('supervisor').map((supervisor) => supervisor.id)
  for (const recipient of recipients) ctx.send('follow-up', recipient, reminder)
  ctx.event(conversation, 'follow-up-due', BOT, { agentId: recipients[0] ?? '' })
}

function byAgent(conversations: LiveConversation[]): Map<string, LiveConversation[]> {
  const grouped = new Map<string, LiveConversation[]>()
  for (const conversation of conversations) {
    if (!conversation.agentId) continue
    grouped.set(conversation.agentId, [...(grouped.get(conversation.agentId) ?? []), conversation])
  }
  return grouped
}

function overviewLine(ctx: Context, conversation: LiveConversation): string {
  return ctx.t('supervisor.dayEndLine', {
    code: conversation.code,
    customer: maskName(conversation.customerName),
    agent: conversation.agentId
      ? ctx.services.staff.nameOf(conversation.agentId)
      : ctx.t('supervisor.unassigned'),
    days: conversation.daysUnresolved,
  })
}
