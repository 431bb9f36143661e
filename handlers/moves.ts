import { staffActor } from '../src/domain/actors.js'
import type { Staff } from '../src/domain/staff.js'
import type { Context } from '../src/kernel/context.js'
import type { MoveResult } from '../src/state/port.js'
import { announceAssignments, deliverPending, lastMessage, sayToCustomer } from './delivery.js'
import { notYours } from './reply.js'

export type Moved = Extract<MoveResult, { status: 'moved' }>
type MoveRefusal = Extract<MoveResult, { status: 'refused' }>

/** A colleague named in a command, who must be an agent to receive conversations. */
export function findAgent(ctx: Context, reference: string): Staff | undefined {
  const found = ctx.services.staff.find(reference)
  return found?.roles.includes('agent') ? found : undefined
}

/**
 * After a conversation moved to `target` (by /take, /transfer, /assign or /handover): tell the new
 * holder and hand them the messages they have not seen, tell the old holder, tell the customer,
 * record it. `how` says what the new holder reads.
 */
export async function handOver(
  ctx: Context,
  moved: Moved,
  actor: Staff,
  target: Staff,
  how: 'taken' | 'transferred' | 'assigned',
): Promise<void> {
  const { conversation, from } = moved
  const { staff } = ctx.services
  if (target.id !== actor.id) {
    const about = {
      code: conversation.code,
      name: conversation.customerName,
      last: lastMessage(ctx, conversation),
    }
    const notice =
      how === 'assigned'
        ? ctx.t('agent.assignedBy', { ...about, by: actor.name })
        : ctx.t('agent.transferredIn', { ...about, from: staff.nameOf(from ?? actor.id) })
    ctx.send('moved-in', target.id, notice)
  }
  await deliverPending(ctx, conversation, target.id)
  if (from && from !== actor.id) {
    ctx.send(
      'moved-out',
      from,
      ctx.t('agent.movedAway', { code: conversation.code, by: actor.name, to: target.name }),
    )
  }
  if (from) sayToCustomer(ctx, 'transferred', conversation, ctx.t('customer.transferred'))
  ctx.event(conversation, from ? 'transferred' : 'assigned', staffActor(actor), {
    agentId: target.id,
    by: actor.id,
    ...(from ? { from } : {}),
  })
  await announceAssignments(ctx, moved.assigned)
  ctx.touch(conversation, ...moved.assigned.map((assignment) => assignment.conversation))
}

/** Why a move was refused, in words; `target` is whom the conversation was to go to. */
export function moveRefusal(ctx: Context, refusal: MoveRefusal, target: Staff, taking = false): string {
  switch (refusal.reason) {
    case 'unknown-code':
      return ctx.t('staff.unknownCode', { code: refusal.code })
    case 'queue-empty':
      return ctx.t('staff.queueEmpty')
    case 'target-away':
      return ctx.t('staff.targetAway', { name: target.name })
    case 'target-off-duty':
      return taking ? ctx.t('staff.takeOffDuty') : ctx.t('staff.targetOffDuty', { name: target.name })
    case 'not-yours':
      return notYours(ctx, refusal.conversation)
    case 'not-queued':
      return ctx.t('staff.notQueued', {
        code: refusal.conversation.code,
        holder: ctx.services.staff.nameOf(refusal.conversation.agentId),
      })
    case 'same-agent':
      return ctx.t('staff.sameAgent', {
        code: refusal.conversation.code,
        name: ctx.services.staff.nameOf(refusal.conversation.agentId),
      })
  }
}
