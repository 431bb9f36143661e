import { BOT, customerActor } from '../../src/domain/actors.js'
import { sayToCustomer } from '../delivery.js'
import type { Step } from './step.js'

/** Praise counts once per conversation, for the agent serving it. */
export const countPraise: Step = (ctx, taken) => {
  const { conversation } = taken
  if (taken.praised && conversation.agentId) {
    ctx.event(conversation, 'praised', customerActor(conversation), { agentId: conversation.agentId })
  }
}

/** Outside service hours: the hours and when someone will answer (once per conversation and day). */
export const tellClosedHours: Step = (ctx, taken) => {
  if (!taken.closedNotice) return
  const { calendar, text } = ctx.services
  const next = calendar.nextOpening(ctx.update.message.receivedAt)
  const notice =
    next === undefined
      ? ctx.t('customer.closedHoursNoOpening')
      : ctx.t('customer.closedHours', { hours: text.hours(calendar.describe()), next: text.dateTime(next) })
  sayToCustomer(ctx, 'closed-hours', taken.conversation, notice)
}

/** The agent is away: when they will be back (once per away period). */
export const tellAgentAway: Step = (ctx, taken) => {
  if (!taken.awayNotice) return
  const { reason, until } = taken.awayNotice
  const back = ctx.services.text.clock(until)
  const notice = reason
    ? ctx.t('customer.agentAwayWithReason', { reason, back })
    : ctx.t('customer.agentAway', { back })
  sayToCustomer(ctx, 'away', taken.conversation, notice)
}

/** A new conversation nobody could take: the customer hears their place in the queue. */
export const tellQueuePlace: Step = async (ctx, taken) => {
  const { conversation, queuePosition } = taken
  if (!taken.created || queuePosition === 0) return
  ctx.event(conversation, 'queued', BOT, { position: queuePosition })
  // Outside service hours the hours notice already says when someone will answer.
  if (taken.closedNotice) return
  const agents = ctx.services.staff.withRole('agent').map((agent) => agent.id)
  const onDuty = (await ctx.io.state.loads(agents)).some((load) => load.onDuty)
  const notice = onDuty ? 'customer.queuedAllBusy' : 'customer.queuedNobodyOnDuty'
  sayToCustomer(ctx, 'queued', conversation, ctx.t(notice, { position: queuePosition }))
}

/**
 * A customer sending faster than `ingest.customerRate` is told once per burst; what follows is
 * recorded, so nothing is lost, but not passed on.
 */
export const slowDownFlood: Step = (ctx, taken) => {
  if (taken.throttled !== 1) return
  const { conversation } = taken
  ctx.log.warn(
    { customer: conversation.customerId, conversation: conversation.id },
    'customer flooding; throttled',
  )
  ctx.event(conversation, 'refused', BOT, { reason: 'flood' })
  sayToCustomer(ctx, 'too-fast', conversation, ctx.t('customer.tooFast'))
  if (conversation.agentId) {
    ctx.send('flooding', conversation.agentId, ctx.t('agent.customerFlooding', { code: conversation.code }))
  }
}
