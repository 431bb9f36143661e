import { classify, isPraise, parseMenuChoice, parseRating } from '../../src/domain/customer-text.js'
import { stepDeadlines } from '../../src/domain/sla.js'
import type { CustomerContext, Reading } from './step.js'

export function readMessage(ctx: CustomerContext): Reading {
  const { message } = ctx.update
  const { categories } = ctx.settings.routing
  const written = message.kind === 'text' ? message.text : ''
  const menuIndex = written ? parseMenuChoice(written, categories.length) : undefined
  const menuChoice = menuIndex === undefined ? undefined : categories[menuIndex]
  const category = written ? classify(written, categories) : undefined
  const rating = written ? parseRating(written) : undefined
  return {
    body: message.kind === 'text' ? message.text : ctx.t(`kinds.${message.kind}`),
    ...(category ? { category } : {}),
    ...(menuChoice ? { menuChoice } : {}),
    ...(rating ? { rating } : {}),
    praise: written !== '' && isPraise(written),
    // Fixed now, should this message start the clock: a replay computes the same ones.
    deadlines: stepDeadlines(ctx.settings.sla, ctx.services.calendar, message.receivedAt),
  }
}
