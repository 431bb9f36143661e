import type { EscalationStep } from './config.js'

/**
 * The reply clock: it starts with the first unanswered customer message (later messages do not push
 * the deadline back) and each escalation step falls due a fixed time after that start — wall-clock
 * time, or only time the service is open when `serviceTimeOnly` is set.
 */
export interface SlaPolicy {
  replyTimeout: number
  /** Only when each step falls due matters here; 1:1 and group ladders both have that. */
  ladder: readonly Pick<EscalationStep, 'after'>[]
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
  return policy.ladder.map((rung) => dueAfter(policy, clock, start, rung.after))
}

/** `ms` after `start`, counted as the policy counts (wall clock, or service time only). */
export function dueAfter(
  policy: Pick<SlaPolicy, 'serviceTimeOnly'>,
  clock: ServiceClock,
  start: number,
  ms: number,
): number {
  return (policy.serviceTimeOnly ? clock.addServiceTime(start, ms) : undefined) ?? start + ms
}
