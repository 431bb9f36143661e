import { watches } from '../../src/domain/group-config.js'
import { readGroupMessage } from '../../src/domain/group-messages.js'
import { incomingId } from '../../src/domain/ids.js'
import { stepDeadlines } from '../../src/domain/sla.js'
import type { Context } from '../../src/kernel/context.js'
import type { UpdateOf } from '../../src/kernel/updates.js'
import { armGroupStep } from './ladder.js'
import { groupPolicy, overdueAt, roomFields, threadOf } from './room.js'

/**
 * A customer wrote in a room. In a watched one it goes into the room's record, and unless the
 * rules exempt it (thanks, a sticker, talk between customers: src/domain/group-messages.ts) it
 * starts or joins the customer's waiting period, whose first message fixes the deadlines. The bot
 * says nothing in the group: staff answer there, or through the bot.
 */
export async function onGroupMessage(ctx: Context<UpdateOf<'group-message'>>): Promise<void> {
  const { message } = ctx.update
  const { room } = message
  if (!watches(ctx.settings.groups, room)) {
    ctx.log.debug({ room: room.id, message: message.id }, 'message in a room not watched; ignored')
    return
  }
  const reading = readGroupMessage(message, ctx.services.groupRules)
  const waits = reading === 'waits'
  const at = message.receivedAt
  const body = message.kind === 'text' ? message.text : ctx.t(`kinds.${message.kind}`)
  const dueAt = overdueAt(ctx, at)
  const result = await ctx.io.state.groupMessage({
    messageId: message.id,
    roomId: room.id,
    topic: room.topic,
    customerId: message.from.id,
    customerName: message.from.name,
    text: body,
    at,
    waits,
    deadlines: stepDeadlines(groupPolicy(ctx), ctx.services.calendar, at),
    overdueAt: dueAt,
  })
  const thread = threadOf(result.room)
  const actor = { id: message.from.id, role: 'customer' as const, name: message.from.name }
  ctx.message(thread, { id: incomingId(message.id), direction: 'in', actor, text: body, at })
  if (!waits) {
    ctx.log.debug({ room: room.id, message: message.id, reading }, 'group message waits for nothing')
    return
  }
  ctx.event(thread, 'group-waiting', actor, {
    ...roomFields(result.room),
    customerId: message.from.id,
    customerName: message.from.name,
    messageId: message.id,
    clockStarted: result.clockStarted,
    // Ties the message to its waiting period, and says when the message itself is overdue.
    ...(result.wait ? { version: result.wait.version } : {}),
    dueAt,
  })
  if (result.clockStarted && result.wait) await armGroupStep(ctx, result.room, result.wait, 0)
}
