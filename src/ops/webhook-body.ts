import type { Text } from '../text/text.js'
import type { Alert, Severity } from './alert-kinds.js'

export type WebhookFormat = 'json' | 'wecom-markdown'

/** WeCom markdown knows three font colours: `warning` is its red-orange. */
const WECOM_COLOUR: Record<Severity, string> = { critical: 'warning', warning: 'comment', info: 'info' }

/**
 * The request body for one alert: the alert itself as JSON, or what a WeCom group robot takes
 * (`{"msgtype":"markdown","markdown":{"content":…}}`): the sentence in the severity's colour, then
 * the time and the details as quoted lines.
 */
export function webhookBody(alert: Alert, format: WebhookFormat, text: Text): string {
  if (format === 'json') return JSON.stringify(alert)
  const lines = [
    `<font color="${WECOM_COLOUR[alert.severity]}">${alert.text}</font>`,
    `> ${text.t('ops.at', { at: text.dateTime(Date.parse(alert.at)) })}`,
    ...Object.entries(alert.details).map(([key, value]) => `> ${key}: ${value}`),
  ]
  return JSON.stringify({ msgtype: 'markdown', markdown: { content: lines.join('\n') } })
}
