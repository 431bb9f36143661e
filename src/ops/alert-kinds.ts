import type { TextKey } from '../text/text.js'

export type Severity = 'critical' | 'warning' | 'info'

/**
 * Every alert the webhook may get: its severity and its sentence (templates' `ops.*`). A kind that
 * ends an outage (`logged-in`, `redis-back`…) is only sent after the kind that began it.
 */
export const ALERT_KINDS = {
  'logged-out': { severity: 'critical', text: 'ops.loggedOut' },
  'logged-in': { severity: 'info', text: 'ops.loggedIn' },
  'redis-down': { severity: 'critical', text: 'ops.redisDown' },
  'redis-back': { severity: 'info', text: 'ops.redisBack' },
  'store-down': { severity: 'warning', text: 'ops.storeDown' },
  'store-back': { severity: 'info', text: 'ops.storeBack' },
  'send-failed': { severity: 'warning', text: 'ops.sendFailed' },
  'spool-filling': { severity: 'warning', text: 'ops.spoolFilling' },
  'spool-full': { severity: 'critical', text: 'ops.spoolFull' },
  'spool-drained': { severity: 'info', text: 'ops.spoolDrained' },
} as const satisfies Record<string, { severity: Severity; text: TextKey }>

export type AlertKind = keyof typeof ALERT_KINDS

/** Conditions that go down and come back: one alert each way per outage. */
export const CONDITIONS = {
  wechat: { down: 'logged-out', back: 'logged-in' },
  redis: { down: 'redis-down', back: 'redis-back' },
  store: { down: 'store-down', back: 'store-back' },
} as const satisfies Record<string, { down: AlertKind; back: AlertKind }>

export type Condition = keyof typeof CONDITIONS

/** What the webhook is told: the JSON body, and what the WeCom markdown is made of. */
export interface Alert {
  kind: AlertKind
  /** ISO 8601. */
  at: string
  /** The account's name (`account.name`): which of a deployment's accounts speaks. */
  account: string
  /** The account's Redis prefix. */
  prefix: string
  severity: Severity
  text: string
  /** Ids and counts only: never customer text or names. */
  details: Record<string, string | number>
}
