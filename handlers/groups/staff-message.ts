import { BOT, staffActor } from '../../src/domain/actors.js'
import { watches } from '../../src/domain/group-config.js'
import { answerTarget } from '../../src/domain/group-messages.js'
import { incomingId } from '../../src/domain/ids.js'
import { preview } from '../../src/domain/mask.js'
import type { Context } from '../../src/kernel/context.js'
import type { UpdateOf } from '../../src/kernel/updates.js'
import { alertRecipients } from '../escalation.js'
import { recordAnswer } from './answers.js'
import { roomFields, threadOf } from './room.js'

/**
 * Staff wrote in a watched room, or someone wrote from the bot's own account. It answers the
 * customers waiting there (all, or those it @-mentions or quotes: `groups.answeredBy`). What staff
 * type in a group cannot be held back: a forbidden phrase there is recorded as improper wording,
 * counted in the tally, and the supervisors are told.
 */
export async function onGroupStaffMessage(ctx: Context<UpdateOf<'group-staff-message'>>): Promise<void> {
  const { message, staff } = ctx.update
  const { room } = message
  if (!watches(ctx.settings.groups, room)) return
  const at = message.receivedAt
  const result = await ctx.io.state.groupAnswer({
    messageId: message.id,
    roomId: room.id,
    topic: room.topic,
    at,
    target: answerTarget(message, ctx.settings.groups.answeredBy),
  })
  const thread = threadOf(result.room)
  const actor = staff ? staffActor(staff) : BOT
  const body = message.kind === 'text' ? message.text : ctx.t(`kinds.${message.kind}`)
  // The bot's own posts come back as messages too: a relay is recorded when it is sent, so one
  // from the bot's account is recorded only when it answered someone (staff on the bot's phone).
  if (staff || result.ended.length) {
    ctx.message(thread, { id: incomingId(message.id), direction: 'out', actor, text: body, at })
  }
  await recordAnswer(ctx, result, { by: staff?.id ?? '', actor, at, relayed: false })
  const phrase = staff && message.kind === 'text' ? ctx.services.phrases.find(message.text) : undefined
  if (staff && phrase) {
    ctx.event(thread, 'group-wording', actor, { ...roomFields(result.room), agentId: staff.id, phrase })
    const text = ctx.t('group.wordingAlert', {
      code: result.room.code,
      topic: result.room.topic,
      agent: staff.name,
      phrase,
      text: preview(body, 60),
    })
    for (const recipient of alertRecipients(ctx, ['supervisors']))
      ctx.alert('group-wording', recipient, { text, line: text })
    ctx.log.info({ staff: staff.id, room: room.id }, 'forbidden phrase typed in a group: recorded')
  }
}
