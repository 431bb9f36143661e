import { z } from 'zod'

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/
const BARE_NUMBER = /^-?\d+(?:\.\d+)?$/
const UNITS = 'write it with a unit: 300ms, 30s, 5m, 1h or 1d'

/**
 * Parses `300ms`, `5s`, `5m`, `1.5h`, `1d`. A bare number is refused (`300` read as milliseconds
 * escalated every customer within a second), except 0, which is zero in every unit.
 */
export function parseDuration(input: string | number): number {
  const text = String(input).trim()
  if (text === '0') return 0
  if (BARE_NUMBER.test(text)) throw new Error(`${text} has no unit; ${UNITS} (e.g. ${text}s)`)
  const match = typeof input === 'string' ? DURATION.exec(text) : null
  if (!match) throw new Error(`not a duration: "${text}"; ${UNITS}`)
  const [, amount, unit] = match as unknown as [string, string, keyof typeof UNIT_MS]
  return Math.round(Number(amount) * UNIT_MS[unit])
}

/**
 * A zod field that takes `5m`-style strings (or 0) and yields milliseconds. Its input type is
 * `string | 0`, so code that builds a configuration cannot pass bare milliseconds either.
 */
export const durationSchema = z
  .custom<string | 0>((value) => typeof value === 'string' || typeof value === 'number', {
    error: (issue) => `not a duration: ${JSON.stringify(issue.input)}; ${UNITS}`,
  })
  .transform((value, ctx) => {
    try {
      return parseDuration(value)
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message })
      return z.NEVER
    }
  })
