import { staffActor } from '../../src/domain/actors.js'
import { watches } from '../../src/domain/group-config.js'
import { composeId } from '../../src/domain/ids.js'
import type { InboundMessage } from '../../src/domain/inbound.js'
import type { Staff } from '../../src/domain/staff.js'
import type { Context } from '../../src/kernel/context.js'
import { recordAnswer } from './answers.js'
import { agentsLabel, mayAnswer, roomFields, threadOf } from './room.js'

export interface Relay {
  staff: Staff
  message: InboundMessage
  /** A room code (G7). */
  code: string
  text: string
}

/**
 * Staff answering a room privately through the bot (`G7 您好…`): the bot posts the answer in the
 * room, @-mentioning the customers it answers (everyone waiting there, else the room's last
 * customer), after the same forbidden-phrase check as 1:1 (held; `/force` posts it, recorded).
 * Returns false when no room has the code, so the caller can try a conversation of that code.
 */
export async function relayToRoom(ctx: Context, relay: Relay, forced?: { phrase: string }): Promise<boolean> {
  const { staff, message, code, text } = relay
  const room = await ctx.io.state.roomByCode(code)
  if (!room) return false
  if (!watches(ctx.settings.groups, room)) {
    ctx.reply('refused', ctx.t('group.notWatched', { code }))
    return true
  }
  if (!mayAnswer(ctx, staff, room)) {
    ctx.reply(
      'refused',
      ctx.t('group.notResponsible', { code, topic: room.topic, agents: agentsLabel(ctx, room) }),
    )
    return true
  }
  const actor = staffActor(staff)
  const phrase = forced ? undefined : ctx.services.phrases.find(text)
  if (phrase) {
    const held = await ctx.io.state.holdGroupReply({
      messageId: composeId('hold', message.id),
      staffId: staff.id,
      held: { roomId: room.id, code, text, phrase },
    })
    ctx.reply('held', ctx.t('group.relayHeld', { code, phrase }))
    ctx.event(threadOf(held), 'phrase-held', actor, { ...roomFields(room), agentId: staff.id, phrase })
    return true
  }
  const at = message.receivedAt
  const result = await ctx.io.state.groupAnswer({
    messageId: composeId('relay', message.id),
    roomId: room.id,
    topic: '',
    at,
    target: { all: true },
  })
  const answered = result.ended.map((ended) => ended.customerId)
  const last = result.room.lastCustomerId
  const mentions = answered.length ? answered : last ? [last] : []
  const id = ctx.post('relay', room.id, text, mentions)
  const thread = threadOf(result.room)
  ctx.message(thread, { id, direction: 'out', actor, text, at })
  await recordAnswer(ctx, result, { by: staff.id, actor, at, relayed: true })
  if (forced) {
    ctx.event(thread, 'phrase-forced', actor, {
      ...roomFields(room),
      agentId: staff.id,
      phrase: forced.phrase,
    })
    ctx.reply('forced', ctx.t('group.relayForced', { code }))
  } else {
    ctx.reply('relayed', ctx.t('group.relayed', { code, topic: room.topic }))
  }
  return true
}

/** `/force` for a reply held for a room; false when the kept reply (if any) is for a conversation. */
export async function forceHeldGroupReply(
  ctx: Context,
  staff: Staff,
  message: InboundMessage,
): Promise<boolean> {
  // Its own cause: the same /force goes on to the 1:1 reply script when nothing was kept for a room,
  // and a script replays whatever outcome is kept under the id it is given.
  const taken = await ctx.io.state.takeHeldGroupReply({
    messageId: composeId('take-held', message.id),
    staffId: staff.id,
  })
  if (taken.status === 'none') return false
  const { held } = taken
  const relayed = await relayToRoom(
    ctx,
    { staff, message, code: held.code, text: held.text },
    { phrase: held.phrase },
  )
  if (!relayed) ctx.reply('refused', ctx.t('group.recordNotFound', { code: held.code }))
  return true
}
