import { accountLabel } from '../domain/account-config.js'
import type { Log } from '../log/log.js'
import type { Text, TextVars } from '../text/text.js'
import { ALERT_KINDS, type Alert, type AlertKind, CONDITIONS, type Condition } from './alert-kinds.js'
import type { WebhookSender } from './webhook.js'
import { type WebhookFormat, webhookBody } from './webhook-body.js'

/** How full the spool is, as the alerts see it: below half, at least half, at its cap. */
const SPOOL_LEVELS = ['low', 'filling', 'full'] as const
type SpoolLevel = (typeof SPOOL_LEVELS)[number]

/**
 * Decides which alerts go out, and says them: one when a condition goes down and one when it comes
 * back, however often the bot hears of it meanwhile; one per failed send; the spool at half its cap,
 * at its cap, and empty again after either. Without a webhook it still keeps the conditions, which
 * `/readyz` reads.
 */
export class Alerts {
  private readonly down = new Set<Condition>()
  private spoolLevel: SpoolLevel = 'low'

  constructor(
    private readonly parts: {
      account: { name: string; title?: string | undefined }
      prefix: string
      text: Text
      log: Log
      clock: () => number
      webhook?: { sender: WebhookSender; format: WebhookFormat }
    },
  ) {}

  isDown(condition: Condition): boolean {
    return this.down.has(condition)
  }

  wentDown(condition: Condition): void {
    if (this.down.has(condition)) return
    this.down.add(condition)
    this.say(CONDITIONS[condition].down, {})
  }

  cameBack(condition: Condition): void {
    if (this.down.delete(condition)) this.say(CONDITIONS[condition].back, {})
  }

  sendFailed(details: { outboxId: string; purpose: string; to: string; staff: boolean }): void {
    const { text } = this.parts
    const recipient = details.staff ? text.t('ops.recipientStaff') : text.t('ops.recipientCustomer')
    this.say(
      'send-failed',
      { outboxId: details.outboxId, purpose: details.purpose, to: details.to },
      { recipient, outboxId: details.outboxId },
    )
  }

  /**
   * The spool holds `size` of at most `limit` messages. Only an empty spool re-arms its alerts: one
   * "filling" and one "full" per outage, not one each time the size wobbles around a threshold.
   */
  spool(size: number, limit: number): void {
    if (size === 0) {
      if (this.spoolLevel !== 'low') this.say('spool-drained', { size, limit })
      this.spoolLevel = 'low'
      return
    }
    const level: SpoolLevel = size >= limit ? 'full' : size * 2 >= limit ? 'filling' : 'low'
    if (SPOOL_LEVELS.indexOf(level) <= SPOOL_LEVELS.indexOf(this.spoolLevel)) return
    this.spoolLevel = level
    this.say(level === 'full' ? 'spool-full' : 'spool-filling', { size, limit })
  }

  private say(kind: AlertKind, details: Alert['details'], vars: TextVars = details): void {
    const { account, prefix, text, log, clock, webhook } = this.parts
    const { severity, text: key } = ALERT_KINDS[kind]
    const alert: Alert = {
      kind,
      at: new Date(clock()).toISOString(),
      account: account.name,
      prefix,
      severity,
      text: text.t(key, { account: accountLabel(account), ...vars }),
      details,
    }
    log.info({ kind, severity, details }, 'alert')
    webhook?.sender.post(alert, webhookBody(alert, webhook.format, text))
  }
}
