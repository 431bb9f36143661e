import type { Dispatcher } from '../src/dispatcher.js'
import { looksLikeStaffCommand } from '../src/domain/commands.js'
import { type LiveConversation, newConversationId } from '../src/domain/conversation.js'
import {
  type Category,
  classify,
  isPraise,
  parseMenuChoice,
  parseRating,
} from '../src/domain/customer-text.js'
import { maskName } from '../src/domain/mask.js'
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
  const { categories, menu } = ctx.ports.routing
  const written = message.kind === 'text' ? message.text : ''
  const category = written ? classify(written, categories) : undefined
  const menuIndex = written ? parseMenuChoice(written, categories.length) : undefined
  const menuChoice = menuIndex === undefined ? undefined : categories[menuIndex]
  const rating = written ? parseRating(written) : undefined
  // Fixed now, should this message start the reply clock: a replay computes the same ones.
  const deadlines = stepDeadlines(ctx.ports.sla, calendar, message.receivedAt)
  const result = await state.ingestCustomerMessage({
    messageId: message.id,
    kind: message.kind,
    customerId: message.from.id,
    customerName: message.from.name,
    text: body,
    at: message.receivedAt,
    newConversationId: newConversationId(message.receivedAt),
    flood: ctx.ports.customerRate,
    deadlines,
    ...(calendar.isOpen(message.receivedAt) ? {} : { closedDay: calendar.dayKey(message.receivedAt) }),
    ...(category ? { category } : {}),
    fallbackCategory: fallbackCategory(categories).id,
    offerMenu: menu,
    ...(menuChoice ? { menuChoice } : {}),
    ...(rating ? { rating } : {}),
    praise: written !== '' && isPraise(written),
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
  if (result.rated) return rated(ctx, conversation, result.rated)
  if (result.created) {
    ctx.event(conversation, 'opened', BOT, { code: conversation.code })
    const greeting = ctx.t('customer.greeting', { code: conversation.code })
    if (result.menuOffered) {
      // One message, not two: the greeting and the menu to answer.
      const options = categories.map((option, index) =>
        ctx.t('customer.menuOption', { number: index + 1, name: text.categoryName(option) }),
      )
      sayToCustomer(
        ctx,
        'greet',
        conversation,
        `${greeting}\n${ctx.t('customer.menu', { options: options.join('\n') })}`,
      )
    } else {
      sayToCustomer(ctx, 'greet', conversation, greeting)
    }
    // A category named by the customer's words is worth a line; the default one is in the summary.
    if (category) {
      ctx.event(conversation, 'category-set', BOT, {
        categoryId: category.id,
        category: text.categoryName(category),
        by: 'keywords',
      })
    }
  }
  const chosen = categories.find((known) => known.id === result.categoryChosen)
  if (chosen) {
    const name = text.categoryName(chosen)
    ctx.event(conversation, 'category-set', customerActor(conversation), {
      categoryId: chosen.id,
      category: name,
      by: 'menu',
    })
    sayToCustomer(ctx, 'category', conversation, ctx.t('customer.categoryChosen', { name }))
    ctx.touch(conversation)
    if (result.movedFrom && conversation.agentId) {
      const to = ctx.ports.staff.nameOf(conversation.agentId)
      ctx.send(
        'moved-out',
        result.movedFrom,
        ctx.t('agent.movedForSkill', { code: conversation.code, category: name, to }),
      )
      ctx.event(conversation, 'transferred', BOT, {
        agentId: conversation.agentId,
        from: result.movedFrom,
        reason: 'skill',
      })
    }
  }
  if (result.praised && conversation.agentId) {
    ctx.event(conversation, 'praised', customerActor(conversation), { agentId: conversation.agentId })
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
  await announceAssignments(ctx, result.assigned, result.created ? conversation.id : undefined)
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

/** The conversation a first message names no category for goes to the one that needs no keywords. */
function fallbackCategory(categories: readonly Category[]): Category {
  const fallback = categories.find((category) => category.keywords.length === 0) ?? categories[0]
  if (!fallback) throw new Error('routing.categories is empty')
  return fallback
}

/**
 * The customer rated their last conversation (the close asked them to): thanks, and for a low
 * rating an apology and an alert to the supervisors, who follow up (回访).
 */
function rated(
  ctx: Context<UpdateOf<'customer-message'>>,
  conversation: LiveConversation,
  score: number,
): void {
  const agentId = conversation.agentId ?? conversation.firstResponderId ?? ''
  ctx.event(conversation, 'rated', customerActor(conversation), { score, agentId })
  const low = score <= ctx.ports.survey.alertAtOrBelow
  sayToCustomer(ctx, 'rated', conversation, ctx.t(low ? 'customer.ratingSorry' : 'customer.ratingThanks'))
  if (low) {
    const alert = ctx.t('supervisor.lowRating', {
      code: conversation.code,
      customer: maskName(conversation.customerName),
      agent: agentId ? ctx.ports.staff.nameOf(agentId) : ctx.t('staff.nobody'),
      score,
    })
    for (const supervisor of ctx.ports.staff.withRole('supervisor'))
      ctx.send('low-rating', supervisor.id, alert)
  }
  ctx.touch(conversation)
}
