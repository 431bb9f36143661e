import type { Dispatcher } from '../src/dispatcher.js'
import { looksLikeStaffCommand } from '../src/domain/commands.js'
import { newConversationId } from '../src/domain/conversation.js'
import { overdueStep, stepDeadlines } from '../src/domain/sla.js'
import { BOT, type Context, customerActor, type UpdateOf } from './context.js'
import { announceAssignments, armStep, deliverPending, forward, sayToCustomer } from './delivery.js'

/**
 * Where a customer's message goes: into the live state (opening a conversation and starting the
 * reply clock when needed), then to the assigned agent, or into the queue with a notice.
 */
export function customerHandlers(dispatcher: Dispatcher): void {
  dispatcher.on('customer-message', onCustomerMessage)
}

async function onCustomerMessage(ctx: Context<UpdateOf<'customer-message'>>): Promise<void> {
  const { message } = ctx.update
  const { state, text, calendar } = ctx.ports

  if (message.kind === 'text' && looksLikeStaffCommand(message.text)) {
    // Customers never reach staff commands (invariant 7); the attempt is answered and logged.
    ctx.log.warn(
      { customer: message.from.id, message: message.id },
      'customer typed a staff command; refused',
    )
    ctx.reply('refused', ctx.t('customer.commandRefused'))
    return
  }

  const body = message.kind === 'text' ? message.text : text.t(`kinds.${message.kind}`)
  const result = await state.ingestCustomerMessage({
    messageId: message.id,
    kind: message.kind,
    customerId: message.from.id,
    customerName: message.from.name,
    text: body,
    at: message.receivedAt,
    newConversationId: newConversationId(message.receivedAt),
    flood: ctx.ports.customerRate,
    deadlines: stepDeadlines(ctx.ports.sla, ctx.ports.calendar, message.receivedAt),
    ...(calendar.isOpen(message.receivedAt) ? {} : { closedDay: calendar.dayKey(message.receivedAt) }),
  })
  if (!result) {
    ctx.log.info({ message: message.id }, 'message seen before, for a conversation since closed; ignored')
    return
  }
  const { conversation } = result
  if (result.duplicate)
    ctx.log.info({ message: message.id, conversation: conversation.id }, 'message seen before; replaying')

  ctx.message(conversation, {
    id: `in-${message.id}`,
    direction: 'in',
    actor: customerActor(conversation),
    text: body,
    at: message.receivedAt,
  })
  if (result.created) {
    ctx.event(conversation, 'opened', BOT, { code: conversation.code })
    sayToCustomer(ctx, 'greet', conversation, ctx.t('customer.greeting', { code: conversation.code }))
  }
  if (result.closedNotice) {
    const next = calendar.nextOpening(message.receivedAt)
    const notice =
      next === undefined
        ? ctx.t('customer.closedHoursNoOpening')
        : ctx.t('customer.closedHours', {
            hours: text.hours(calendar.describe()),
            next: text.dateTime(next),
          })
    sayToCustomer(ctx, 'closed-hours', conversation, notice)
  }
  if (result.awayNotice) {
    const { reason, until } = result.awayNotice
    const back = text.clock(until)
    sayToCustomer(
      ctx,
      'away',
      conversation,
      reason
        ? ctx.t('customer.agentAwayWithReason', { reason, back })
        : ctx.t('customer.agentAway', { back }),
    )
  }
  if (result.created && result.queuePosition > 0) {
    ctx.event(conversation, 'queued', BOT, { position: result.queuePosition })
    // Outside service hours the hours notice already says when someone will answer.
    if (!result.closedNotice) {
      const onDuty = (await state.loads(ctx.ports.staff.withRole('agent').map((agent) => agent.id))).some(
        (l) => l.onDuty,
      )
      const notice = onDuty ? 'customer.queuedAllBusy' : 'customer.queuedNobodyOnDuty'
      sayToCustomer(ctx, 'queued', conversation, ctx.t(notice, { position: result.queuePosition }))
    }
  }
  if (result.clockStarted) {
    // From the message and the outcome, not the snapshot: on a replay the conversation may have moved on.
    const deadlines = stepDeadlines(ctx.ports.sla, ctx.ports.calendar, message.receivedAt)
    ctx.event(conversation, 'clock-started', BOT, {
      version: result.clockVersion ?? conversation.version,
      waitingSince: message.receivedAt,
      dueAt: deadlines[overdueStep(ctx.ports.sla)],
      deadlines,
    })
    await armStep(ctx, conversation, 0)
  }

  if (result.throttled === 1) {
    // Told once per burst; what follows is recorded, so nothing is lost, but not passed on.
    ctx.log.warn({ customer: message.from.id, conversation: conversation.id }, 'customer flooding; throttled')
    ctx.event(conversation, 'refused', BOT, { reason: 'flood' })
    sayToCustomer(ctx, 'too-fast', conversation, ctx.t('customer.tooFast'))
    if (conversation.agentId) {
      ctx.send('flooding', conversation.agentId, ctx.t('agent.customerFlooding', { code: conversation.code }))
    }
  }
  await announceAssignments(ctx, result.assigned)
  if (result.forwardTo) {
    forward(ctx, conversation, result.forwardTo, { id: message.id, kind: message.kind, text: body })
  } else if (
    conversation.agentId &&
    !result.holderAway &&
    !result.assigned.some((a) => a.conversation.id === conversation.id)
  ) {
    await deliverPending(ctx, conversation, conversation.agentId)
  }

  // A message into a conversation already under way changes nothing its stored summary holds.
  if (result.created) ctx.touch(conversation)
  ctx.touch(...result.assigned.map((assignment) => assignment.conversation))
}
