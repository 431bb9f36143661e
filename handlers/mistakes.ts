import type { Context } from '../src/kernel/context.js'
import type { UpdateOf } from '../src/kernel/updates.js'
import type { TextKey } from '../src/text/text.js'

/** Usage problems that deserve a word of their own before the usage line. */
const USAGE_HINTS: Partial<Record<string, TextKey>> = {
  'bad-code': 'staff.badCode',
  'bad-minutes': 'staff.badMinutes',
  'bad-period': 'staff.badPeriod',
}

/**
 * A mistyped command gets an answer, never silence: what was not understood, the command meant
 * (`没有 /lsit 这个指令。您是不是想输入 /list？`), or the usage of a command typed without what it needs.
 */
export async function onStaffMistake(ctx: Context<UpdateOf<'staff-mistake'>>): Promise<void> {
  const { mistake } = ctx.update
  if (mistake.kind === 'unknown-command') {
    const lines = [
      ctx.t('staff.unknownCommand', { typed: mistake.typed }),
      ...(mistake.suggestion ? [ctx.t('staff.didYouMean', { suggestion: `/${mistake.suggestion}` })] : []),
      ctx.t('staff.seeHelp'),
    ]
    return ctx.reply('help', lines.join('\n'))
  }
  const hint = USAGE_HINTS[mistake.problem]
  const usage = ctx.t('staff.usage', { usage: ctx.t(`usage.${mistake.name}`) })
  ctx.reply('help', [...(hint ? [ctx.t(hint)] : []), usage].join('\n'))
}
