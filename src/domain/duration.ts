import { z } from 'zod'

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/

/** Parses `300ms`, `5s`, `5m`, `1.5h`, `1d`, or a bare number of milliseconds. */
export function parseDuration(input: string | number): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) throw new Error(`not a duration: ${input}`)
    return Math.round(input)
  }
  const match = DURATION.exec(input.trim())
  if (!match) throw new Error(`not a duration: "${input}" (use e.g. 300ms, 5s, 5m, 1h)`)
  const [, amount, unit] = match as unknown as [string, string, keyof typeof UNIT_MS]
  return Math.round(Number(amount) * UNIT_MS[unit])
}

/** A zod field that accepts `5m`-style strings or milliseconds and yields milliseconds. */
export const durationSchema = z.union([z.string(), z.number()]).transform((value, ctx) => {
  try {
    return parseDuration(value)
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message })
    return z.NEVER
  }
})
