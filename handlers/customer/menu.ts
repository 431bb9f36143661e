import { BOT, customerActor } from '../../src/domain/actors.js'
import { sayToCustomer } from '../delivery.js'
import type { Step } from './step.js'

/**
 * The customer answered the menu: the category is set (the message goes to no agent), and a holder
 * without the skill hands the conversation to a colleague who has it.
 */
export const applyMenuChoice: Step = (ctx, taken) => {
  const chosen = ctx.settings.routing.categories.find((known) => known.id === taken.categoryChosen)
  if (!chosen) return
  const { conversation, movedFrom } = taken
  const name = ctx.services.text.categoryName(chosen)
  ctx.event(conversation, 'category-set', customerActor(conversation), {
    categoryId: chosen.id,
    category: name,
    by: 'menu',
  })
  sayToCustomer(ctx, 'category', conversation, ctx.t('customer.categoryChosen', { name }))
  ctx.touch(conversation)
  if (!movedFrom || !conversation.agentId) return
  const to = ctx.services.staff.nameOf(conversation.agentId)
  ctx.send(
    'moved-out',
    movedFrom,
    ctx.t('agent.movedForSkill', { code: conversation.code, category: name, to }),
  )
  ctx.event(conversation, 'transferred', BOT, {
    agentId: conversation.agentId,
    from: movedFrom,
    reason: 'skill',
  })
}
