import { staffActor } from '../src/domain/actors.js'
import { maskName } from '../src/domain/mask.js'
import { oversees } from '../src/domain/staff.js'
import type { CommandContext } from '../src/kernel/composer.js'
import { announceAssignments, cancelTimer, sayToCustomer } from './delivery.js'
import { findAgent, handOver, moveRefusal } from './moves.js'
import { notYours } from './reply.js'

/**
 * What agents do with their conversations: list them, look at the queue, take, close and transfer.
 * Supervisors and managers may do the same with any conversation.
 */

export async function help(ctx: CommandContext<'help'>): Promise<void> {
  const { staff } = ctx.update
  const parts = [
    ...(staff.roles.includes('agent') ? [ctx.t('help.agent')] : []),
    ...(oversees(staff) ? [ctx.t('help.oversight')] : []),
  ]
  ctx.reply('help', parts.join('\n\n'))
}

/** Agents see their own conversations; supervisors and managers see every open one, names masked. */
export async function list(ctx: CommandContext<'list'>): Promise<void> {
  const { staff } = ctx.update
  const all = oversees(staff)
  const { state } = ctx.io
  const conversations = all ? await state.openConversations() : await state.conversationsOfAgent(staff.id)
  if (conversations.length === 0) return ctx.reply('list', ctx.t('staff.listEmpty'))
  const lines = conversations.map((conversation) => {
    const waited = ctx.services.text.duration(ctx.now - conversation.waitingSince)
    const state = conversation.waitingSince
      ? ctx.t('staff.stateWaiting', { waited })
      : ctx.t('staff.stateAnswered')
    if (!all)
      return ctx.t('staff.listLine', { code: conversation.code, name: conversation.customerName, state })
    const agent = conversation.agentId
      ? ctx.services.staff.nameOf(conversation.agentId)
      : ctx.t('supervisor.unassigned')
    return ctx.t('staff.listLineWithAgent', {
      code: conversation.code,
      name: maskName(conversation.customerName),
      agent,
      state,
    })
  })
  const header = all ? 'staff.listHeaderAll' : 'staff.listHeader'
  ctx.reply('list', [ctx.t(header, { count: conversations.length }), ...lines].join('\n'))
}

export async function queue(ctx: CommandContext<'queue'>): Promise<void> {
  const queued = await ctx.io.state.queued()
  if (queued.length === 0) return ctx.reply('queue', ctx.t('staff.queueEmpty'))
  const lines = queued.map((conversation, index) =>
    ctx.t('staff.queueLine', {
      position: index + 1,
      code: conversation.code,
      name: maskName(conversation.customerName),
      waited: ctx.services.text.duration(ctx.now - (conversation.waitingSince || conversation.openedAt)),
    }),
  )
  ctx.reply('queue', [ctx.t('staff.queueHeader', { count: queued.length }), ...lines].join('\n'))
}

export async function take(ctx: CommandContext<'take'>): Promise<void> {
  const { staff, command } = ctx.update
  const result = await ctx.io.state.move({
    mode: 'take',
    actorId: staff.id,
    ...(command.code ? { code: command.code } : {}),
    targetId: staff.id,
    oversees: oversees(staff),
  })
  if (result.status === 'refused') return ctx.reply('refused', moveRefusal(ctx, result, staff, true))
  ctx.reply('took', ctx.t('staff.took', { code: result.conversation.code }))
  await handOver(ctx, result, staff, staff, 'taken')
}

/** /transfer (the holder or a supervisor) and /assign (supervisors): hand a conversation to an agent. */
export async function transfer(ctx: CommandContext<'transfer' | 'assign'>): Promise<void> {
  const { staff, command } = ctx.update
  const target = findAgent(ctx, command.staff)
  if (!target) return ctx.reply('refused', ctx.t('staff.unknownStaff', { name: command.staff }))
  const mode = command.name
  const result = await ctx.io.state.move({
    mode,
    actorId: staff.id,
    code: command.code,
    targetId: target.id,
    oversees: oversees(staff),
  })
  if (result.status === 'refused') return ctx.reply('refused', moveRefusal(ctx, result, target))
  const done = mode === 'assign' ? 'staff.assigned' : 'staff.transferred'
  ctx.reply('moved', ctx.t(done, { code: result.conversation.code, to: target.name }))
  await handOver(ctx, result, staff, target, mode === 'assign' ? 'assigned' : 'transferred')
}

export async function close(ctx: CommandContext<'close'>): Promise<void> {
  const { staff, command } = ctx.update
  const { survey, followUp, routing } = ctx.settings
  const result = await ctx.io.state.close({
    staffId: staff.id,
    code: command.code,
    oversees: oversees(staff),
    at: ctx.now,
    surveyFor: survey.window,
  })
  if (result.status === 'refused') {
    const why =
      result.reason === 'unknown-code'
        ? ctx.t('staff.unknownCode', { code: result.code })
        : notYours(ctx, result.conversation)
    return ctx.reply('refused', why)
  }
  const { conversation } = result
  await cancelTimer(ctx, conversation, result)
  sayToCustomer(ctx, 'closed', conversation, ctx.t('customer.closed'))
  if (survey.window > 0) sayToCustomer(ctx, 'survey', conversation, ctx.t('customer.survey'))
  const category = routing.categories.find((known) => known.id === conversation.category)
  if (category?.priority) {
    // Complaints are called back (回访) after a while, to check the solution held.
    await ctx.io.timers.arm({ kind: 'follow-up', conversationId: conversation.id }, ctx.now + followUp.after)
  }
  ctx.reply('closed', ctx.t('staff.closed', { code: conversation.code }))
  if (conversation.agentId && conversation.agentId !== staff.id) {
    ctx.send(
      'closed',
      conversation.agentId,
      ctx.t('agent.closedByOther', { code: conversation.code, by: staff.name }),
    )
  }
  ctx.event(conversation, 'closed', staffActor(staff), {
    by: staff.id,
    ...(result.wasWaiting ? { unanswered: true } : {}),
  })
  await announceAssignments(ctx, result.assigned)
  ctx.touch(conversation, ...result.assigned.map((assignment) => assignment.conversation))
}
