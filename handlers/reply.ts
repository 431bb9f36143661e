import type { Dispatcher } from '../src/dispatcher.js'
import type { LiveConversation } from '../src/domain/conversation.js'
import type { InboundMessage } from '../src/domain/inbound.js'
import { overdueStep } from '../src/domain/sla.js'
import { oversees, type Staff } from '../src/domain/staff.js'
import type { HeldReply } from '../src/state/port.js'
import { type Context, staffActor, type UpdateOf } from './context.js'
import { cancelTimer } from './delivery.js'
import { recordLateSteps } from './escalation.js'

/**
 * Staff answering customers through the bot: typed answers, canned answers (`/t`), and the
 * service-language check: a reply with a forbidden phrase (禁忌语) is held, the staff member is
 * told which phrase, and only a corrected reply or a recorded `/force` reaches the customer.
 */
export function replyHandlers(dispatcher: Dispatcher): void {
  dispatcher.on('staff-reply', onStaffReply).command('t', canned).command('force', force)
}

interface Answer {
  staff: Staff
  message: InboundMessage
  code?: string
  /** The text for the customer; for images and files, the placeholder the transcript shows. */
  text: string
}

async function onStaffReply(ctx: Context<UpdateOf<'staff-reply'>>): Promise<void> {
  const { message, staff, code, text } = ctx.update
  if (message.kind === 'text' && !text.trim()) return ctx.reply('refused', ctx.t('staff.emptyMessage'))
  const said = message.kind === 'text' ? text : ctx.t(`kinds.${message.kind}`)
  await answer(ctx, { staff, message, ...(code ? { code } : {}), text: said })
}

/** `/t` lists the canned answers; `/t name [code]` sends one as the staff member's answer. */
async function canned(ctx: Context<UpdateOf<'staff-command'>>): Promise<void> {
  const { staff, message, command } = ctx.update
  const answers = ctx.ports.canned
  if (!command.word) {
    const lines = [...answers].map(([name, text]) => ctx.t('staff.cannedLine', { name, text }))
    return ctx.reply('canned', [ctx.t('staff.cannedHeader'), ...lines].join('\n'))
  }
  const text = answers.get(command.word)
  if (!text) return ctx.reply('refused', ctx.t('staff.cannedUnknown', { name: command.word }))
  await answer(ctx, { staff, message, ...(command.code ? { code: command.code } : {}), text })
}

/** Sends the reply held for a forbidden phrase after all; the breach is recorded against the sender. */
async function force(ctx: Context<UpdateOf<'staff-command'>>): Promise<void> {
  const { staff, message } = ctx.update
  await answer(ctx, { staff, message, text: '' }, { force: true })
}

/**
 * The one path from staff to a customer. The live state decides, atomically, which conversation it
 * is for and whether this staff member may answer it; anything unclear is refused and nothing is sent.
 */
async function answer(ctx: Context, input: Answer, mode: { force?: boolean } = {}): Promise<void> {
  const { staff, message, code } = input
  const phrase = mode.force || message.kind !== 'text' ? undefined : ctx.ports.phrases.find(input.text)
  const hold: HeldReply | undefined = phrase ? { text: input.text, phrase } : undefined
  const result = await ctx.ports.state.staffReply({
    messageId: message.id,
    staffId: staff.id,
    ...(code ? { code } : {}),
    oversees: oversees(staff),
    at: message.receivedAt,
    overdueStep: overdueStep(ctx.ports.sla),
    ...(hold ? { hold } : {}),
    ...(mode.force ? { force: true } : {}),
  })
  if (!result) {
    ctx.log.info({ message: message.id }, 'answer seen before, for a conversation since closed; ignored')
    return
  }
  if (!result.ok) {
    switch (result.reason) {
      case 'unknown-code':
        return ctx.reply('refused', ctx.t('staff.unknownCode', { code: result.code }))
      case 'no-conversation':
        return ctx.reply('refused', ctx.t('staff.noConversation'))
      case 'ambiguous':
        return ctx.reply(
          'refused',
          ctx.t('staff.ambiguous', { codes: result.codes.join('、'), example: result.codes[0] ?? 'A1' }),
        )
      case 'not-yours':
        return ctx.reply('refused', notYours(ctx, result.conversation))
      case 'nothing-held':
        return ctx.reply('refused', ctx.t('staff.nothingHeld'))
    }
  }
  const { conversation } = result
  const actor = staffActor(staff)
  if (result.held && hold) {
    ctx.reply('held', ctx.t('staff.phraseHeld', { phrase: hold.phrase, code: conversation.code }))
    ctx.event(conversation, 'phrase-held', actor, { agentId: staff.id, phrase: hold.phrase })
    ctx.log.info({ staff: staff.id, conversation: conversation.id }, 'reply held: forbidden phrase')
    return
  }
  await cancelTimer(ctx, conversation, result)
  if (result.lateSteps.length) {
    recordLateSteps(ctx, conversation, {
      agentId: conversation.agentId,
      version: result.previousVersion,
      waitedMs: message.receivedAt - result.waitingSince,
      steps: result.lateSteps,
    })
  }
  if (result.wasWaiting) {
    ctx.event(conversation, 'clock-stopped', actor, {
      by: staff.id,
      version: result.previousVersion,
      waitedMs: message.receivedAt - result.waitingSince,
    })
  }
  const text = result.forced?.text ?? input.text
  const id =
    message.kind === 'text'
      ? ctx.send('reply', conversation.customerId, text)
      : ctx.sendOutgoing('reply', { kind: 'forward', to: conversation.customerId, messageId: message.id })
  ctx.message(conversation, { id, direction: 'out', actor, text, at: message.receivedAt })
  if (result.forced) {
    ctx.event(conversation, 'phrase-forced', actor, { agentId: staff.id, phrase: result.forced.phrase })
    ctx.reply('forced', ctx.t('staff.forced', { code: conversation.code }))
  }
  // Only the first answer changes the stored summary (its first-response time).
  if (conversation.firstResponseAt === message.receivedAt) ctx.touch(conversation)
}

export function notYours(ctx: Context, conversation: LiveConversation): string {
  if (conversation.status === 'queued') return ctx.t('staff.notYoursQueued', { code: conversation.code })
  return ctx.t('staff.notYours', {
    code: conversation.code,
    holder: ctx.ports.staff.nameOf(conversation.agentId),
  })
}
