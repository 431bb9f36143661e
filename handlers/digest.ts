import type { TimerHandler } from '../src/kernel/composer.js'

/**
 * A recipient's digest window closed: the alerts gathered meanwhile go out, one as it is, several
 * as one message that still lists every conversation.
 */
export const onDigestDue: TimerHandler<'digest'> = async (ctx) => {
  const { recipient, flush } = ctx.update.timer
  const alerts = await ctx.io.state.takeAlerts(recipient, flush)
  const [only] = alerts
  if (!only) return
  const text =
    alerts.length === 1
      ? only.text
      : ctx.t('supervisor.digest', {
          count: alerts.length,
          lines: alerts.map((alert) => alert.line).join('\n'),
        })
  ctx.send('digest', recipient, text)
  ctx.afterCommit(() => ctx.io.state.alertsSent(recipient, flush))
}
