/**
 * How late a waiting customer is, read off the deadlines of their waiting period (each ladder step's
 * due time, fixed when the wait began): one rule for the 1:1 ladder and the group ladder, for the
 * metrics and the console's board alike.
 */
export type WaitLevel = 'ok' | 'warning' | 'overdue'

/** When the wait is overdue: the deadline of the overdue step (see `overdueStep`), if it has one. */
export function overdueAt(deadlines: readonly number[], overdueStep: number): number | undefined {
  return deadlines[overdueStep]
}

/** Whether the overdue step's deadline has passed. */
export function isOverdue(deadlines: readonly number[], overdueStep: number, now: number): boolean {
  const due = overdueAt(deadlines, overdueStep)
  return due !== undefined && due <= now
}

/**
 * Overdue once the overdue step's deadline has passed; a warning once the first step's has, when that
 * step comes before the overdue one (the default ladder warns the agent at four fifths of the timeout).
 */
export function waitLevel(deadlines: readonly number[], overdueStep: number, now: number): WaitLevel {
  if (isOverdue(deadlines, overdueStep, now)) return 'overdue'
  const warning = overdueStep > 0 ? deadlines[0] : undefined
  return warning !== undefined && warning <= now ? 'warning' : 'ok'
}
