import type { CommandContext } from '../src/kernel/composer.js'

/**
 * `/whoami`: whoever sends it, customer or staff, hears their own WeChat contact id and nothing
 * else, to put into the staff list (docs/puppets.md). Nothing is opened, timed or forwarded.
 */
export async function whoami(ctx: CommandContext<'whoami'>): Promise<void> {
  ctx.reply('whoami', ctx.t('whoami.yourId', { id: ctx.update.message.from.id }))
}
