import { BOT } from '../src/domain/actors.js'
import type { LiveConversation } from '../src/domain/conversation.js'
import type { Handover, HandoverException } from '../src/domain/handover.js'
import type { Staff } from '../src/domain/staff.js'
import { startOfDay } from '../src/domain/zoned-time.js'
import type { CommandContext, TimerHandler } from '../src/kernel/composer.js'
import type { Context } from '../src/kernel/context.js'
import { lastMessage } from './delivery.js'
import { findAgent, handOver } from './moves.js'

/**
 * Shift handover (交班): at the end of a shift, or with `/handover [colleague]`, the leaving agent's
 * open conversations, follow-ups and exceptions are written down, stored, and sent to whoever takes
 * over; they acknowledge with `/ack` (the second signature), and supervisors hear of a handover
 * nobody acknowledged in time.
 */
/** Arms the next shift end, if the config has shifts (start-up, and each shift end, chain them). */
export async function scheduleShiftEnd(ctx: Context, after = ctx.now): Promise<void> {
  const next = ctx.services.calendar.nextShiftEnd(after)
  if (next) await ctx.io.timers.arm({ kind: 'shift-end', shift: next.name, day: next.day }, next.at)
}

/**
 * `/handover [colleague]`: the handover goes to the colleague, and the open conversations with it,
 * after they are written down; without one, to whoever stays on duty.
 */
export async function onHandoverCommand(ctx: CommandContext<'handover'>): Promise<void> {
  const { staff, command } = ctx.update
  if (!command.staff) {
    const recipients = await takingOver(ctx, [staff.id])
    await writeHandover(ctx, staff, recipients, { reason: 'command' })
    return ctx.reply('handover', ctx.t('staff.handoverSent', { to: names(ctx, recipients) }))
  }
  const target = findAgent(ctx, command.staff)
  if (!target) return ctx.reply('refused', ctx.t('staff.unknownStaff', { name: command.staff }))
  if (target.id === staff.id) return ctx.reply('refused', ctx.t('staff.handoverSelf'))
  const load = (await ctx.io.state.loads([target.id]))[0]
  if (!load?.onDuty) return ctx.reply('refused', ctx.t('staff.targetOffDuty', { name: target.name }))
  if (load.away) return ctx.reply('refused', ctx.t('staff.targetAway', { name: target.name }))
  await writeHandover(ctx, staff, [target.id], { reason: 'command' })
  let moved = 0
  for (const conversation of await ctx.io.state.conversationsOfAgent(staff.id)) {
    const result = await ctx.io.state.move({
      mode: 'transfer',
      actorId: staff.id,
      code: conversation.code,
      targetId: target.id,
      oversees: false,
    })
    // The handover lists it all the same: the colleague can take it with /take or be /assign-ed it.
    if (result.status === 'refused') continue
    await handOver(ctx, result, staff, target, 'transferred')
    moved++
  }
  if (moved) ctx.reply('handover-moved', ctx.t('staff.handoverMoved', { count: moved, to: target.name }))
  ctx.reply('handover', ctx.t('staff.handoverSent', { to: target.name }))
}

/** A shift ended: each agent of it who is on duty hands over to the agents staying on. */
export const onShiftEnd: TimerHandler<'shift-end'> = async (ctx) => {
  const { shift, day } = ctx.update.timer
  const { calendar, staff } = ctx.services
  const { state } = ctx.io
  const window = calendar.shiftWindows(day).find((candidate) => candidate.name === shift)
  // Shifts ending at the same moment end together.
  const ending = new Set(
    calendar
      .shiftWindows(day)
      .filter((candidate) => candidate.end === window?.end)
      .map((candidate) => candidate.name),
  )
  const agents = staff.withRole('agent')
  const loads = await state.loads(agents.map((agent) => agent.id))
  const leaving = agents.filter(
    (agent, index) => agent.shift && ending.has(agent.shift) && loads[index]?.onDuty,
  )
  const recipients = await takingOver(
    ctx,
    leaving.map((agent) => agent.id),
  )
  for (const agent of leaving) {
    await writeHandover(ctx, agent, recipients, { reason: 'shift-end', shift })
    ctx.send('shift-end', agent.id, ctx.t('staff.handoverShiftEnd', { shift, to: names(ctx, recipients) }))
  }
  ctx.log.info({ shift, day, leaving: leaving.length }, 'shift ended')
  await scheduleShiftEnd(ctx, Math.max(ctx.now, window?.end ?? ctx.now))
}

/** `/ack`: the incoming agent signs every handover waiting for them. */
export async function onAck(ctx: CommandContext<'ack'>): Promise<void> {
  const { staff } = ctx.update
  const { store } = ctx.io
  const { text } = ctx.services
  const waiting = await store.handoversFor(staff.id, { unacknowledgedOnly: true })
  if (!waiting.length) return ctx.reply('ack', ctx.t('staff.nothingToAck'))
  for (const handover of waiting) {
    const signed = await store.acknowledgeHandover(handover.id, staff.id, ctx.now)
    if (!signed) continue
    const from = ctx.services.staff.nameOf(signed.from)
    ctx.send(`ack-${handover.id}`, staff.id, ctx.t('staff.acked', { from, at: text.dateTime(signed.at) }))
    ctx.send(`acked-${handover.id}`, signed.from, ctx.t('agent.handoverAcked', { by: staff.name }))
  }
}

/** Nobody signed the handover in time: the supervisors follow it up. */
export const onHandoverAckDue: TimerHandler<'handover-ack'> = async (ctx) => {
  const handover = await ctx.io.store.handover(ctx.update.timer.handoverId)
  if (!handover || handover.ackedAt !== undefined) return
  const { staff, text } = ctx.services
  const alert = ctx.t('supervisor.handoverUnacked', {
    from: staff.nameOf(handover.from),
    at: text.dateTime(handover.at),
    to: names(ctx, handover.to),
    within: text.duration(ctx.settings.handover.ackWithin),
  })
  for (const supervisor of staff.withRole('supervisor')) ctx.send('unacked', supervisor.id, alert)
}

/** Who takes over from leaving agents: agents on duty (not away) who stay, else the supervisors. */
async function takingOver(ctx: Context, leaving: string[]): Promise<string[]> {
  const { staff } = ctx.services
  const agents = staff.withRole('agent').filter((agent) => !leaving.includes(agent.id))
  const loads = await ctx.io.state.loads(agents.map((agent) => agent.id))
  const staying = agents.filter((_, index) => loads[index]?.onDuty && !loads[index]?.away)
  const recipients = staying.length ? staying : staff.withRole('supervisor')
  return recipients.map((member) => member.id)
}

/** Writes, stores and sends one agent's handover, and waits for its acknowledgement. */
async function writeHandover(
  ctx: Context,
  from: Staff,
  to: string[],
  about: { reason: Handover['reason']; shift?: string },
): Promise<void> {
  const { state, store } = ctx.io
  const { text } = ctx.services
  const { routing } = ctx.settings
  const open = await state.conversationsOfAgent(from.id)
  const categoryName = (conversation: LiveConversation) => {
    const category = routing.categories.find((known) => known.id === conversation.category)
    return category ? text.categoryName(category) : ''
  }
  const exceptions: HandoverException[] = []
  for (const conversation of open) {
    if (conversation.overdueCount > 0) {
      exceptions.push({
        conversationId: conversation.id,
        code: conversation.code,
        kind: 'overdue',
        note: ctx.t('handover.exceptionOverdue', { count: conversation.overdueCount }),
      })
    }
    if (routing.categories.find((known) => known.id === conversation.category)?.priority) {
      exceptions.push({
        conversationId: conversation.id,
        code: conversation.code,
        kind: 'complaint',
        note: ctx.t('handover.exceptionComplaint'),
      })
    }
  }
  exceptions.push(...(await lowRatingsToday(ctx, from)))
  const followUps = open
    .filter((conversation) => conversation.daysUnresolved > 0)
    .map((conversation) => ({
      conversationId: conversation.id,
      code: conversation.code,
      customerName: conversation.customerName,
      dueAt: ctx.now,
      note: ctx.t('handover.followUpDays', { days: conversation.daysUnresolved }),
    }))
  const id = ctx.causeAbout('handover', from.id)
  const record: Handover = {
    id,
    from: from.id,
    to,
    at: ctx.now,
    reason: about.reason,
    ...(about.shift ? { shift: about.shift } : {}),
    items: {
      open: open.map((conversation) => ({
        conversationId: conversation.id,
        code: conversation.code,
        customerName: conversation.customerName,
        status: conversation.status,
        waitingSince: conversation.waitingSince,
        lastText: conversation.lastText,
        ...(conversation.category ? { category: categoryName(conversation) } : {}),
        daysUnresolved: conversation.daysUnresolved,
      })),
      followUps,
      exceptions,
    },
    text: '',
  }
  record.text = render(ctx, record, from, open)
  await store.writeHandover(record)
  for (const recipient of to) ctx.send(`handover-${from.id}`, recipient, record.text)
  for (const conversation of open) {
    ctx.event(conversation, 'handed-over', BOT, { handoverId: id, from: from.id, agentId: to[0] ?? '', to })
  }
  await ctx.io.timers.arm({ kind: 'handover-ack', handoverId: id }, ctx.now + ctx.settings.handover.ackWithin)
  ctx.log.info({ handover: id, from: from.id, to, open: open.length }, 'handover written')
}

/** Today's ratings at or below the alert level of the leaving agent's conversations. */
async function lowRatingsToday(ctx: Context, agent: Staff): Promise<HandoverException[]> {
  const { store } = ctx.io
  const { survey, timeZone } = ctx.settings
  const ratings = await store.eventsBetween('rated', startOfDay(ctx.now, timeZone), ctx.now + 1)
  const exceptions: HandoverException[] = []
  for (const rating of ratings) {
    if (rating.kind !== 'event' || rating.data.agentId !== agent.id) continue
    const score = Number(rating.data.score)
    if (!(score <= survey.alertAtOrBelow)) continue
    const conversation = await store.conversation(rating.conversationId)
    exceptions.push({
      conversationId: rating.conversationId,
      code: conversation?.code ?? '?',
      kind: 'low-rating',
      note: ctx.t('handover.exceptionLowRating', { score }),
    })
  }
  return exceptions
}

function render(ctx: Context, record: Handover, from: Staff, open: LiveConversation[]): string {
  const { text } = ctx.services
  const none = ctx.t('handover.none')
  const openLines = open.map((conversation, index) =>
    ctx.t('handover.openLine', {
      code: conversation.code,
      name: conversation.customerName,
      category: record.items.open[index]?.category ?? '',
      state: conversation.waitingSince
        ? ctx.t('handover.stateWaiting', { waited: text.duration(ctx.now - conversation.waitingSince) })
        : ctx.t('handover.stateAnswered'),
      last: lastMessage(ctx, conversation),
    }),
  )
  const followUpLines = record.items.followUps.map((item) =>
    ctx.t('handover.followUpLine', { code: item.code, name: item.customerName, note: item.note }),
  )
  const exceptionLines = record.items.exceptions.map((item) =>
    ctx.t('handover.exceptionLine', { code: item.code, note: item.note }),
  )
  return [
    ctx.t('handover.title', { from: from.name, to: names(ctx, record.to), at: text.dateTime(record.at) }),
    ...(record.shift ? [ctx.t('handover.shift', { shift: record.shift })] : []),
    ctx.t('handover.openHeader', { count: openLines.length }),
    ...(openLines.length ? openLines : [none]),
    ctx.t('handover.followUpsHeader', { count: followUpLines.length }),
    ...(followUpLines.length ? followUpLines : [none]),
    ctx.t('handover.exceptionsHeader', { count: exceptionLines.length }),
    ...(exceptionLines.length ? exceptionLines : [none]),
    ctx.t('handover.footer'),
  ].join('\n')
}

function names(ctx: Context, ids: string[]): string {
  return ids.map((id) => ctx.services.staff.nameOf(id)).join(ctx.t('handover.separator'))
}
