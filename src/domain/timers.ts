import { z } from 'zod'

/**
 * Everything the bot must do later, as one delayed job each: what the job carries, and so what a
 * handler needs to act on it. Payloads come back from Redis, so they are parsed like any input.
 */
export const timerSchema = z.discriminatedUnion('kind', [
  /** An escalation step of a waiting conversation, for the clock version it was set for (invariant 3). */
  z.object({
    kind: z.literal('reply'),
    conversationId: z.string().min(1),
    version: z.number().int(),
    step: z.number().int().nonnegative(),
  }),
  /**
   * An escalation step of a customer's waiting period in a watched group (one per room and
   * customer), for the version it was set for.
   */
  z.object({
    kind: z.literal('group-reply'),
    roomId: z.string().min(1),
    customerId: z.string().min(1),
    version: z.number().int(),
    step: z.number().int().nonnegative(),
  }),
  /** An agent's away time is up: their conversations go to colleagues (`seq` names the away period). */
  z.object({ kind: z.literal('away'), agentId: z.string().min(1), seq: z.number().int().positive() }),
  /** Alerts gathered for one recipient go out together (`flush` names the gathering). */
  z.object({ kind: z.literal('digest'), recipient: z.string().min(1), flush: z.number().int().positive() }),
  /** A service day ended: unresolved conversations are listed and counted. */
  z.object({ kind: z.literal('day-end'), day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }),
  /** A service day starts: agents get their follow-up reminders. */
  z.object({ kind: z.literal('day-start'), day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }),
  /** A shift ended: its agents' handovers are written. */
  z.object({
    kind: z.literal('shift-end'),
    shift: z.string().min(1),
    day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  }),
  /** A handover nobody acknowledged in time: supervisors hear of it. */
  z.object({ kind: z.literal('handover-ack'), handoverId: z.string().min(1) }),
  /** A complaint's follow-up visit (回访) is due. */
  z.object({ kind: z.literal('follow-up'), conversationId: z.string().min(1) }),
])
export type Timer = z.infer<typeof timerSchema>
export type TimerKind = Timer['kind']
export type TimerOf<K extends TimerKind> = Extract<Timer, { kind: K }>
