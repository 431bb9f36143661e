import { BOT } from '../../src/domain/actors.js'
import { overdueStep } from '../../src/domain/sla.js'
import { armStep } from '../delivery.js'
import type { Step } from './step.js'

/** Nobody was waiting: the reply clock starts with this message, and the ladder's first timer. */
export const startReplyClock: Step = async (ctx, taken, reading) => {
  if (!taken.clockStarted) return
  const { conversation } = taken
  // From the message and the outcome, not the snapshot: on a replay the conversation may have moved on.
  ctx.event(conversation, 'clock-started', BOT, {
    version: taken.clockVersion ?? conversation.version,
    waitingSince: ctx.update.message.receivedAt,
    dueAt: reading.deadlines[overdueStep(ctx.settings.sla)],
    deadlines: reading.deadlines,
  })
  await armStep(ctx, conversation, 0)
}
