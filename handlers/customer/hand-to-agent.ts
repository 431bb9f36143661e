import { announceAssignments, deliverPending, forward } from '../delivery.js'
import type { Step } from './step.js'

/**
 * The agent gets the message: at once when the live state named them, with the backlog when the
 * conversation (or an older queued one) was just assigned, or after the messages still pending.
 */
export const handToAgent: Step = async (ctx, taken, reading) => {
  const { conversation, assigned } = taken
  const { message } = ctx.update
  await announceAssignments(ctx, assigned, taken.created ? conversation.id : undefined)
  if (taken.forwardTo) {
    forward(ctx, conversation, taken.forwardTo, { id: message.id, kind: message.kind, text: reading.body })
  } else if (
    conversation.agentId &&
    !taken.holderAway &&
    !assigned.some((assignment) => assignment.conversation.id === conversation.id)
  ) {
    await deliverPending(ctx, conversation, conversation.agentId)
  }
  // A message into a conversation already under way changes nothing its stored summary holds.
  if (taken.created) ctx.touch(conversation)
  ctx.touch(...assigned.map((assignment) => assignment.conversation))
}
