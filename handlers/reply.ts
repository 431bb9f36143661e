import { staffActor } from '../src/domain/actors.js'
import type { LiveConversation } from '../src/domain/conversation.js'
import { ROOM_CODE } from '../src/domain/groups.js'
import type { InboundMessage } from '../src/domain/inbound.js'
import { overdueStep } from '../src/domain/sla.js'
import { oversees, type Staff } from '../src/domain/staff.js'
import type { CommandContext } from '../src/kernel/composer.js'
import type { Context } from '../src/kernel/context.js'
import type { UpdateOf } from '../src/kernel/updates.js'
import type { HeldReply, ReplyResult } from '../src/state/port.js'
import { cancelTimer } from './delivery.js'
import { recordLateSteps } from './escalation.js'
import { forceHeldGroupReply, relayToRoom } from './groups/relay.js'

/**
 * Staff answering customers through the bot: typed answers, canned answers (`/t`), and the
 * service-language check: a reply with a forbidden phrase (禁忌语) is held, the staff member is
 * told which phrase, and only a corrected reply or a recorded `/force` reaches the customer.
 */
export async function onStaffReply(ctx: Context<UpdateOf<'staff-reply'>>): Promise<void> {
  const { message, staff, code, text } = ctx.update
  if (message.kind === 'text' && !text.trim()) return ctx.reply('refused', ctx.t('staff.emptyMessage'))
  const said = message.kind === 'text' ? text : ctx.t(`kinds.${message.kind}`)
  await answer(ctx, { staff, message, ...(code ? { code } : {}), text: said })
}

/** `/t` lists the canned answers; `/t name [code]` sends one as the staff member's answer. */
export async function cannedAnswer(ctx: CommandContext<'t'>): Promise<void> {
  const { staff, message, command } = ctx.update
  const answers = ctx.services.canned
  if (!command.word) {
    const lines = [...answers].map(([name, text]) => ctx.t('staff.cannedLine', { name, text }))
    return ctx.reply('canned', [ctx.t('staff.cannedHeader'), ...lines].join('\n'))
  }
  const text = answers.get(command.word)
  if (!text) return ctx.reply('refused', ctx.t('staff.cannedUnknown', { name: command.word }))
  await answer(ctx, { staff, message, ...(command.code ? { code: command.code } : {}), text })
}

/** Sends the reply held for a forbidden phrase after all; the breach is recorded against the sender. */
export async function forceHeldReply(ctx: CommandContext<'force'>): Promise<void> {
  const { staff, message } = ctx.update
  if (await forceHeldGroupReply(ctx, staff, message)) return
  await answer(ctx, { staff, message, text: '' }, { force: true })
}

interface Answer {
  staff: Staff
  message: InboundMessage
  code?: string
  /** The text for the customer; for images and files, the placeholder the transcript shows. */
  text: string
}

/**
 * The one path from staff to a customer. The live state decides, atomically, which conversation it
 * is for and whether this staff member may answer it; anything unclear is refused and nothing is sent.
 */
async function answer(ctx: Context, input: Answer, mode: { force?: boolean } = {}): Promise<void> {
  const { staff, message, code } = input
  // A room's code (G7) posts in the group; a conversation of that code from before rooms had codes still works.
  if (code && ROOM_CODE.test(code) && (await relayToRoom(ctx, { staff, message, code, text: input.text })))
    return
  const phrase = mode.force || message.kind !== 'text' ? undefined : ctx.services.phrases.find(input.text)
  const hold: HeldReply | undefined = phrase ? { text: input.text, phrase } : undefined
  const result = await ctx.io.state.staffReply({
    messageId: message.id,
    staffId: staff.id,
    ...(code ? { code } : {}),
    oversees: oversees(staff),
    at: message.receivedAt,
    overdueStep: overdueStep(ctx.settings.sla),
    ...(hold ? { hold } : {}),
    ...(mode.force ? { force: true } : {}),
  })
  switch (result.status) {
    case 'gone':
      ctx.log.info({ message: message.id }, 'answer seen before, for a conversation since closed; ignored')
      return
    case 'refused':
      return ctx.reply('refused', refusal(ctx, result))
    case 'held': {
      const { conversation } = result
      const held = hold?.phrase ?? ''
      ctx.reply('held', ctx.t('staff.phraseHeld', { phrase: held, code: conversation.code }))
      ctx.event(conversation, 'phrase-held', staffActor(staff), { agentId: staff.id, phrase: held })
      ctx.log.info({ staff: staff.id, conversation: conversation.id }, 'reply held: forbidden phrase')
      return
    }
    case 'answered':
      return sendAnswer(ctx, input, result)
  }
}

async function sendAnswer(
  ctx: Context,
  { staff, message, text }: Answer,
  result: Extract<ReplyResult, { status: 'answered' }>,
): Promise<void> {
  const { conversation } = result
  const actor = staffActor(staff)
  await cancelTimer(ctx, conversation, result)
  const waitedMs = message.receivedAt - result.waitingSince
  if (result.lateSteps.length) {
    const late = { agentId: conversation.agentId, version: result.previousVersion, waitedMs }
    recordLateSteps(ctx, conversation, { ...late, steps: result.lateSteps })
  }
  if (result.wasWaiting) {
    ctx.event(conversation, 'clock-stopped', actor, {
      by: staff.id,
      version: result.previousVersion,
      waitedMs,
    })
  }
  const said = result.forced?.text ?? text
  const id =
    message.kind === 'text'
      ? ctx.send('reply', conversation.customerId, said)
      : ctx.sendCopy('reply', conversation.customerId, message.id)
  ctx.message(conversation, { id, direction: 'out', actor, text: said, at: message.receivedAt })
  if (result.forced) {
    ctx.event(conversation, 'phrase-forced', actor, { agentId: staff.id, phrase: result.forced.phrase })
    ctx.reply('forced', ctx.t('staff.forced', { code: conversation.code }))
  }
  // Only the first answer changes the stored summary (its first-response time).
  if (conversation.firstResponseAt === message.receivedAt) ctx.touch(conversation)
}

function refusal(ctx: Context, result: Extract<ReplyResult, { status: 'refused' }>): string {
  switch (result.reason) {
    case 'unknown-code':
      // A G code is a room's: no room has it (and no conversation from before rooms had codes).
      return ROOM_CODE.test(result.code)
        ? ctx.t('group.recordNotFound', { code: result.code })
        : ctx.t('staff.unknownCode', { code: result.code })
    case 'no-conversation':
      return ctx.t('staff.noConversation')
    case 'ambiguous':
      return ctx.t('staff.ambiguous', { codes: result.codes.join('、'), example: result.codes[0] ?? 'A1' })
    case 'not-yours':
      return notYours(ctx, result.conversation)
    case 'nothing-held':
      return ctx.t('staff.nothingHeld')
  }
}

export function notYours(ctx: Context, conversation: LiveConversation): string {
  if (conversation.status === 'queued') return ctx.t('staff.notYoursQueued', { code: conversation.code })
  return ctx.t('staff.notYours', {
    code: conversation.code,
    holder: ctx.services.staff.nameOf(conversation.agentId),
  })
}
