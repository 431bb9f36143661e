import type { Dispatcher } from '../src/dispatcher.js'
import { maskName } from '../src/domain/mask.js'
import { oversees, type Staff } from '../src/domain/staff.js'
import type { MoveResult } from '../src/state/port.js'
import { type Context, staffActor, type UpdateOf } from './context.js'
import { announceAssignments, cancelTimer, deliverPending, lastMessage, sayToCustomer } from './delivery.js'
import { notYours } from './reply.js'

type Command = Context<UpdateOf<'staff-command'>>

/**
 * What agents do: answer customers through the bot, and the commands that manage their own work.
 * Supervisors and managers may do the same on any conversation.
 */
export function agentHandlers(dispatcher: Dispatcher): void {
  dispatcher
    .command('help', help)
    .command('list', list)
    .command('queue', queue)
    .command('take', take)
    .command('close', close)
    .command('transfer', transfer)
}

async function help(ctx: Command): Promise<void> {
  const { staff } = ctx.update
  const parts = [
    ...(staff.roles.includes('agent') ? [ctx.t('help.agent')] : []),
    ...(oversees(staff) ? [ctx.t('help.oversight')] : []),
  ]
  ctx.reply('help', parts.join('\n\n'))
}

/** Agents see their own conversations; supervisors and managers see every open one. */
async function list(ctx: Command): Promise<void> {
  const { staff } = ctx.update
  const all = oversees(staff)
  const conversations = all
    ? await ctx.ports.state.openConversations()
    : await ctx.ports.state.conversationsOfAgent(staff.id)
  if (conversations.length === 0) return ctx.reply('list', ctx.t('staff.listEmpty'))
  const lines = conversations.map((conversation) => {
    const state = conversation.waitingSince
      ? ctx.t('staff.stateWaiting', { waited: ctx.ports.text.duration(ctx.now - conversation.waitingSince) })
      : ctx.t('staff.stateAnswered')
    return all
      ? ctx.t('staff.listLineWithAgent', {
          code: conversation.code,
          name: maskName(conversation.customerName),
          agent: conversation.agentId
            ? ctx.ports.staff.nameOf(conversation.agentId)
            : ctx.t('supervisor.unassigned'),
          state,
        })
      : ctx.t('staff.listLine', { code: conversation.code, name: conversation.customerName, state })
  })
  const header = all ? 'staff.listHeaderAll' : 'staff.listHeader'
  ctx.reply('list', [ctx.t(header, { count: conversations.length }), ...lines].join('\n'))
}

async function queue(ctx: Command): Promise<void> {
  const queued = await ctx.ports.state.queued()
  if (queued.length === 0) return ctx.reply('queue', ctx.t('staff.queueEmpty'))
  const lines = queued.map((conversation, index) =>
    ctx.t('staff.queueLine', {
      position: index + 1,
      code: conversation.code,
      name: maskName(conversation.customerName),
      waited: ctx.ports.text.duration(ctx.now - (conversation.waitingSince || conversation.openedAt)),
    }),
  )
  ctx.reply('queue', [ctx.t('staff.queueHeader', { count: queued.length }), ...lines].join('\n'))
}

async function take(ctx: Command): Promise<void> {
  const { staff, command } = ctx.update
  const result = await ctx.ports.state.move({
    mode: 'take',
    actorId: staff.id,
    ...(command.code ? { code: command.code } : {}),
    targetId: staff.id,
    oversees: oversees(staff),
  })
  if (!result.ok) return ctx.reply('refused', moveRefusal(ctx, result, staff))
  const { conversation } = result
  ctx.reply('took', ctx.t('staff.took', { code: conversation.code }))
  await handOver(ctx, result, staff, staff)
}

function transfer(ctx: Command): Promise<void> {
  return moveToColleague(ctx, 'transfer')
}

/** /transfer (the holder or a supervisor) and /assign (supervisors): hand a conversation to an agent. */
export async function moveToColleague(ctx: Command, mode: 'transfer' | 'assign'): Promise<void> {
  const { staff, command } = ctx.update
  const target = findAgent(ctx, command.staff ?? '')
  if (!target) return ctx.reply('refused', ctx.t('staff.unknownStaff', { name: command.staff ?? '' }))
  const result = await ctx.ports.state.move({
    mode,
    actorId: staff.id,
    ...(command.code ? { code: command.code } : {}),
    targetId: target.id,
    oversees: oversees(staff),
  })
  if (!result.ok) return ctx.reply('refused', moveRefusal(ctx, result, target))
  const done = mode === 'assign' ? 'staff.assigned' : 'staff.transferred'
  ctx.reply('moved', ctx.t(done, { code: result.conversation.code, to: target.name }))
  await handOver(ctx, result, staff, target)
}

/** A colleague named in a command, who must be an agent to receive conversations. */
export function findAgent(ctx: Context, reference: string): Staff | undefined {
  const found = ctx.ports.staff.find(reference)
  return found?.roles.includes('agent') ? found : undefined
}

/**
 * After a conversation moved to `target` (by /take, /transfer or /assign): tell the new holder and
 * hand them the messages they have not seen, tell the old holder, tell the customer, record it.
 */
export async function handOver(
  ctx: Command,
  result: Extract<MoveResult, { ok: true }>,
  actor: Staff,
  target: Staff,
): Promise<void> {
  const { conversation, from } = result
  const { staff: directory } = ctx.ports
  if (target.id !== actor.id) {
    const notice =
      ctx.update.command.name === 'assign'
        ? ctx.t('agent.assignedBy', {
            code: conversation.code,
            by: actor.name,
            name: conversation.customerName,
            last: lastMessage(ctx, conversation),
          })
        : ctx.t('agent.transferredIn', {
            code: conversation.code,
            from: directory.nameOf(from ?? actor.id),
            name: conversation.customerName,
            last: lastMessage(ctx, conversation),
          })
    ctx.send('moved-in', target.id, notice)
  }
  await deliverPending(ctx, conversation, target.id)
  if (from && from !== actor.id) {
    ctx.send(
      'moved-out',
      from,
      ctx.t('agent.movedAway', { code: conversation.code, by: actor.name, to: target.name }),
    )
  }
  if (from) sayToCustomer(ctx, 'transferred', conversation, ctx.t('customer.transferred'))
  ctx.event(conversation, from ? 'transferred' : 'assigned', staffActor(actor), {
    agentId: target.id,
    by: actor.id,
    ...(from ? { from } : {}),
  })
  await announceAssignments(ctx, result.assigned)
  ctx.touch(conversation, ...result.assigned.map((assignment) => assignment.conversation))
}

function moveRefusal(ctx: Context, result: Extract<MoveResult, { ok: false }>, target: Staff): string {
  switch (result.reason) {
    case 'unknown-code':
      return ctx.t('staff.unknownCode', { code: result.code })
    case 'queue-empty':
      return ctx.t('staff.queueEmpty')
    case 'target-away':
      return ctx.t('staff.targetAway', { name: target.name })
    case 'target-off-duty':
      return ctx.update.kind === 'staff-command' && ctx.update.command.name === 'take'
        ? ctx.t('staff.takeOffDuty')
        : ctx.t('staff.targetOffDuty', { name: target.name })
    case 'not-yours':
      return notYours(ctx, result.conversation)
    case 'not-queued':
      return ctx.t('staff.notQueued', {
        code: result.conversation.code,
        holder: ctx.ports.staff.nameOf(result.conversation.agentId),
      })
    case 'same-agent':
      return ctx.t('staff.sameAgent', {
        code: result.conversation.code,
        name: ctx.ports.staff.nameOf(result.conversation.agentId),
      })
  }
}

async function close(ctx: Command): Promise<void> {
  const { staff, command } = ctx.update
  const result = await ctx.ports.state.close({
    staffId: staff.id,
    code: command.code ?? '',
    oversees: oversees(staff),
    at: ctx.now,
    surveyFor: ctx.ports.survey.window,
  })
  if (!result.ok) {
    return ctx.reply(
      'refused',
      result.reason === 'unknown-code'
        ? ctx.t('staff.unknownCode', { code: result.code })
        : notYours(ctx, result.conversation),
    )
  }
  const { conversation } = result
  await cancelTimer(ctx, conversation, result)
  sayToCustomer(ctx, 'closed', conversation, ctx.t('customer.closed'))
  if (ctx.ports.survey.window > 0) sayToCustomer(ctx, 'survey', conversation, ctx.t('customer.survey'))
  const category = ctx.ports.routing.categories.find((known) => known.id === conversation.category)
  if (category?.priority) {
    // Complaints are called back (回访) after a while, to check the solution held.
    await ctx.ports.timers.arm(
      { kind: 'follow-up', conversationId: conversation.id },
      ctx.now + ctx.ports.followUp.after,
    )
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
