import { BOT } from '../src/domain/actors.js'
import { maskName, preview } from '../src/domain/mask.js'
import type { Context } from '../src/kernel/context.js'
import type { UpdateOf } from '../src/kernel/updates.js'
import { LOGIN_LINK_PURPOSE } from './console.js'
import { alertRecipients } from './escalation.js'
import { threadOf } from './groups/room.js'

/** The purpose of the notices below: a notice that itself fails is only logged, or alerts would loop. */
const PURPOSE = 'sendfail'

/**
 * A message the outbox gave up on: supervisors are told who did not get what, so that someone
 * reaches that person another way.
 */
export async function onSendFailed(ctx: Context<UpdateOf<'send-failed'>>): Promise<void> {
  const { outboxId, purpose, outgoing } = ctx.update
  if (purpose === PURPOSE) return
  const room = outgoing.kind === 'room-text' ? await ctx.io.state.room(outgoing.to) : null
  const member = room ? undefined : ctx.services.staff.get(outgoing.to)
  const conversation = room || member ? null : await ctx.io.state.conversationOfCustomer(outgoing.to)
  const to = room
    ? ctx.t('group.inRoom', { code: room.code, topic: room.topic })
    : member
      ? member.name
      : conversation
        ? ctx.t('supervisor.customerInConversation', {
            name: maskName(conversation.customerName),
            code: conversation.code,
          })
        : ctx.t('supervisor.unknownContact')
  // A login link is a credential: a colleague told of the failure must not be able to use it.
  const text =
    outgoing.kind === 'forward'
      ? ctx.t('kinds.file')
      : purpose === LOGIN_LINK_PURPOSE
        ? ctx.t('console.linkWithheld')
        : preview(outgoing.text)
  const notice = ctx.t('supervisor.sendFailed', { to, text })
  for (const recipient of alertRecipients(ctx, ['supervisors'])) {
    if (recipient !== outgoing.to) ctx.send(PURPOSE, recipient, notice)
  }
  if (conversation) ctx.event(conversation, 'send-failed', BOT, { outboxId, to: outgoing.to })
  if (room) ctx.event(threadOf(room), 'send-failed', BOT, { outboxId, to: outgoing.to })
}
