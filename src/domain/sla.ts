import type { EscalationStep } from './config.js'

/**
 * The reply clock: it starts with the first unanswered customer message (later messages do not push
 * the deadline back) and each escalation step falls due a fixed time after that start — wall-clock
 * time, or only time the service is open when `serviceTimeOnly` is set.
 */
export interface SlaPolicy {
  replyTimeout: number
  ladder: EscalationStep[]
  serviceTimeOnly: boolean
}

/** What the clock needs of the service calendar: undefined when the service never opens again. */
export interface ServiceClock {
  addServiceTime(start: number, ms: number): number | undefined
}

/** The step at which the conversation counts as overdue: the first one at or past the reply timeout. */
export function overdueStep(policy: SlaPolicy): number {
  const index = policy.ladder.findIndex((rung) => rung.after >= policy.replyTimeout)
  return index >= 0 ? index : policy.ladder.length - 1
}

/**
 * When each step of a waiting period that starts at `start` falls due. A calendar with no opening
 * ahead (every day a holiday) falls back to wall-clock time: a customer is never left without a timer.
 */
export function stepDeadlines(policy: SlaPolicy, clock: ServiceClock, start: number): number[] {
  return policy.ladder.map(
    (rung) =>
      (policy.serviceTimeOnly ? clock.addServiceTime(start, rung.after) : undefined) ?? start + rung.after,
  )
}
