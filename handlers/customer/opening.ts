import { BOT } from '../../src/domain/actors.js'
import { sayToCustomer } from '../delivery.js'
import type { Step } from './step.js'

/** A new conversation: its code and the greeting, with the category menu when the words named none. */
export const greetNewConversation: Step = (ctx, taken, reading) => {
  if (!taken.created) return
  const { conversation } = taken
  const { text } = ctx.services
  ctx.event(conversation, 'opened', BOT, { code: conversation.code })
  const greeting = ctx.t('customer.greeting', { code: conversation.code })
  if (taken.menuOffered) {
    // One message, not two: the greeting and the menu to answer.
    const options = ctx.settings.routing.categories.map((option, index) =>
      ctx.t('customer.menuOption', { number: index + 1, name: text.categoryName(option) }),
    )
    const menu = ctx.t('customer.menu', { options: options.join('\n') })
    sayToCustomer(ctx, 'greet', conversation, `${greeting}\n${menu}`)
  } else {
    sayToCustomer(ctx, 'greet', conversation, greeting)
  }
  // A category named by the customer's words is worth a line; the default one is in the summary.
  if (reading.category) {
    ctx.event(conversation, 'category-set', BOT, {
      categoryId: reading.category.id,
      category: text.categoryName(reading.category),
      by: 'keywords',
    })
  }
}
