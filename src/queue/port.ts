import type { Outgoing } from '../domain/outgoing.js'
import type { Timer } from '../domain/timers.js'
import type { TranscriptBatch } from '../domain/transcript.js'

/** Things to do later: one delayed job each (see domain/timers.ts). */
export interface Timers {
  /** Idempotent: arming the same timer twice leaves one job. */
  arm(timer: Timer, dueAt: number): Promise<void>
  cancel(timer: Timer): Promise<void>
}

/** Every message the bot says goes through here: retried, rate-limited, never sent twice per id. */
export interface Outbox {
  /**
   * Queues messages, in order. `id` names each by its cause (`outgoingId`); the same id is sent at
   * most once, so an update replayed after a crash half-way through queues only what is missing.
   */
  send(messages: { id: string; message: Outgoing }[]): Promise<void>
}

/** Transcript writes go through a durable queue, so a store outage delays them instead of losing them. */
export interface Recorder {
  record(batch: TranscriptBatch): Promise<void>
}
