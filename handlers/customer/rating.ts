import { customerActor } from '../../src/domain/actors.js'
import type { LiveConversation } from '../../src/domain/conversation.js'
import { maskName } from '../../src/domain/mask.js'
import { sayToCustomer } from '../delivery.js'
import type { CustomerContext } from './step.js'

/**
 * The customer rated their last conversation (the close asked them to): thanks, and for a low
 * rating an apology and an alert to the supervisors, who follow up (回访).
 */
export function thankForRating(ctx: CustomerContext, conversation: LiveConversation, score: number): void {
  const agentId = conversation.agentId ?? conversation.firstResponderId ?? ''
  ctx.event(conversation, 'rated', customerActor(conversation), { score, agentId })
  const low = score <= ctx.settings.survey.alertAtOrBelow
  sayToCustomer(ctx, 'rated', conversation, ctx.t(low ? 'customer.ratingSorry' : 'customer.ratingThanks'))
  if (low) {
    const alert = ctx.t('supervisor.lowRating', {
      code: conversation.code,
      customer: maskName(conversation.customerName),
      agent: agentId ? ctx.services.staff.nameOf(agentId) : ctx.t('staff.nobody'),
      score,
    })
    for (const supervisor of ctx.services.staff.withRole('supervisor'))
      ctx.send('low-rating', supervisor.id, alert)
  }
  ctx.touch(conversation)
}
