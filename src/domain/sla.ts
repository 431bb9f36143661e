import type { EscalationStep } from './config.js'

/**
 * The reply clock: it starts with the first unanswered customer message (later messages do not push
 * the deadline back) and each escalation step falls due a fixed time after that start.
 */
export interface SlaPolicy {
  replyTimeout: number
  ladder: EscalationStep[]
}

/** The step at which the conversation counts as overdue: the first one at or past the reply timeout. */
export function overdueStep(policy: SlaPolicy): number {
  const index = policy.ladder.findIndex((rung) => rung.after >= policy.replyTimeout)
  return index >= 0 ? index : policy.ladder.length - 1
}
