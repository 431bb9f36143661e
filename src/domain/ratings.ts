import type { TranscriptEntry } from './transcript.js'

/**
 * How many ratings of each score the `rated` events hold, scores 1 to 5 in that order: the
 * distribution behind the report's count and average, counted by the report's rule (a score outside
 * 1–5 is no rating).
 */
export function ratingDistribution(events: readonly TranscriptEntry[]): number[] {
  const counts = [0, 0, 0, 0, 0]
  for (const event of events) {
    if (event.kind !== 'event' || event.type !== 'rated') continue
    const score = Number(event.data.score)
    if (!(Number.isFinite(score) && score >= 1 && score <= 5)) continue
    const index = Math.round(score) - 1
    counts[index] = (counts[index] ?? 0) + 1
  }
  return counts
}
