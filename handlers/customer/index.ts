import { looksLikeStaffCommand } from '../../src/domain/commands.js'
import { startReplyClock } from './clock.js'
import { handToAgent } from './hand-to-agent.js'
import { ingest, recordInbound } from './ingest.js'
import { applyMenuChoice } from './menu.js'
import { countPraise, slowDownFlood, tellAgentAway, tellClosedHours, tellQueuePlace } from './notices.js'
import { greetNewConversation } from './opening.js'
import { thankForRating } from './rating.js'
import { readMessage } from './reading.js'
import type { CustomerContext, Step } from './step.js'

/**
 * After the live state took the message, in this order: what the customer is told comes before the
 * agent's copy, and the clock starts before the forward leaves.
 */
const AFTER_INGEST: readonly Step[] = [
  greetNewConversation,
  applyMenuChoice,
  countPraise,
  tellClosedHours,
  tellAgentAway,
  tellQueuePlace,
  startReplyClock,
  slowDownFlood,
  handToAgent,
]

/**
 * Where a customer's message goes: read it, put it into the live state (which opens a conversation,
 * starts the reply clock and picks an agent, atomically), record it, then the steps above.
 */
export async function onCustomerMessage(ctx: CustomerContext): Promise<void> {
  const { message } = ctx.update
  if (message.kind === 'text' && looksLikeStaffCommand(message.text)) {
    // Customers never reach staff commands (invariant 7); the attempt is answered and logged.
    ctx.log.warn(
      { customer: message.from.id, message: message.id },
      'customer typed a staff command; refused',
    )
    return ctx.reply('refused', ctx.t('customer.commandRefused'))
  }
  const reading = readMessage(ctx)
  const result = await ingest(ctx, reading)
  if (result.status === 'gone') {
    ctx.log.info({ message: message.id }, 'message seen before, for a conversation since closed; ignored')
    return
  }
  if (result.replayed) {
    ctx.log.info(
      { message: message.id, conversation: result.conversation.id },
      'message seen before; replaying',
    )
  }
  recordInbound(ctx, result.conversation, reading)
  if (result.status === 'rated') return thankForRating(ctx, result.conversation, result.score)
  for (const step of AFTER_INGEST) await step(ctx, result, reading)
}
