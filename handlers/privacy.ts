import { composeId } from '../src/domain/ids.js'
import {
  type AuditAction,
  type CustomerData,
  type CustomerRef,
  type ErasedCounts,
  exportDocument,
  storesNothing,
  summarise,
} from '../src/domain/privacy.js'
import type { CommandContext } from '../src/kernel/composer.js'

/**
 * A customer's rights over their personal data (PIPL): a manager exports it with `/export` and
 * erases it with `/erase … confirm`. Each is written to the store's audit table, which holds who,
 * which customer id, when and how many records: never a name, a phone number or a text
 * (docs/privacy.md).
 */

/** How long a manager has to confirm an erase. */
const CONFIRM_WITHIN_MS = 5 * 60_000

type PrivacyContext = CommandContext<'export' | 'erase'>

/** The customer a code or a contact id names: a code through its conversation, live or stored. */
async function customerIdOf(ctx: PrivacyContext, ref: CustomerRef): Promise<string | undefined> {
  if ('customerId' in ref) return ref.customerId
  const live = await ctx.io.state.conversationByCode(ref.code)
  return live?.customerId ?? (await ctx.io.store.conversationByCode(ref.code))?.customerId
}

/** How the manager named them, so the answer and the confirmation read as they typed it. */
const named = (ref: CustomerRef) => ('code' in ref ? ref.code : ref.customerId)

async function audit(ctx: PrivacyContext, action: AuditAction, customerId: string, counts: ErasedCounts) {
  const { staff, message } = ctx.update
  const { conversations, entries } = counts
  const id = composeId('audit', action, message.id)
  await ctx.io.store.writeAudit({
    id,
    at: ctx.now,
    action,
    by: staff.id,
    via: 'wechat',
    customerId,
    conversations,
    entries,
  })
  ctx.log.info({ by: staff.id, action, conversations, entries }, 'personal data audited')
}

function range(ctx: PrivacyContext, data: CustomerData) {
  const { from = ctx.now, to = ctx.now, ...counts } = summarise(data)
  return { ...counts, from: ctx.services.text.dateTime(from), to: ctx.services.text.dateTime(to) }
}

export async function exportCustomer(ctx: CommandContext<'export'>): Promise<void> {
  const { customer } = ctx.update.command
  const customerId = await customerIdOf(ctx, customer)
  const data = customerId ? await ctx.io.store.customerData(customerId) : undefined
  if (!customerId || !data || storesNothing(data))
    return ctx.reply('privacy', ctx.t('privacy.notFound', { customer: named(customer) }))
  await audit(ctx, 'export', customerId, summarise(data))
  ctx.reply('privacy', ctx.t('privacy.exportSummary', { customer: customerId, ...range(ctx, data) }))
  // Text is all the channel sends; the outbox splits a long text into numbered parts.
  ctx.reply('privacy-data', exportDocument(data, ctx.now))
}

export async function eraseCustomer(ctx: CommandContext<'erase'>): Promise<void> {
  const { staff, command } = ctx.update
  const customerId = await customerIdOf(ctx, command.customer)
  const data = customerId ? await ctx.io.store.customerData(customerId) : undefined
  const name = named(command.customer)
  if (!customerId || !data || storesNothing(data))
    return ctx.reply('privacy', ctx.t('privacy.notFound', { customer: name }))
  const result = await ctx.io.state.forgetCustomer({
    customerId,
    mode: command.confirm ? 'confirm' : 'ask',
    by: staff.id,
    askFor: CONFIRM_WITHIN_MS,
    conversationIds: data.conversations.map((conversation) => conversation.id),
  })
  switch (result.status) {
    case 'refused': {
      const key = result.reason === 'open' ? 'privacy.eraseOpen' : 'privacy.eraseWaitingInGroup'
      return ctx.reply('privacy', ctx.t(key, { customer: customerId, code: result.code }))
    }
    case 'unconfirmed':
      return ctx.reply('privacy', ctx.t('privacy.eraseNotAsked', { command: `/erase ${name}` }))
    case 'asked':
      return ctx.reply(
        'privacy',
        ctx.t('privacy.eraseAsk', {
          customer: customerId,
          ...range(ctx, data),
          minutes: CONFIRM_WITHIN_MS / 60_000,
          command: `/erase ${name} confirm`,
        }),
      )
    case 'erased': {
      const counts = await ctx.io.store.eraseCustomer(customerId)
      await audit(ctx, 'erase', customerId, counts)
      ctx.reply('privacy', ctx.t('privacy.erased', { customer: customerId, ...counts }))
    }
  }
}
