import type { Job, Queue, Worker } from 'bullmq'
import type { Log } from '../log/log.js'
import { withTimeout } from './with-timeout.js'

/** When the watchdog looks, and how long it lets a worker be. */
export interface WatchdogTiming {
  /** How often each worker is looked at. */
  checkMs: number
  /** How long a worker with due work may take nothing before it is suspected. */
  idleMs: number
  /** How long the stuck worker's close may take before it is left to itself. */
  closeMs: number
}

export const WATCHDOG_TIMING: WatchdogTiming = { checkMs: 5_000, idleMs: 20_000, closeMs: 5_000 }

export type Processor = (job: Job, token?: string) => Promise<unknown>

/** One queue's worker as the watchdog keeps it: the one now running, and how to make another. */
class Slot {
  worker: Worker
  inHand = 0
  /** When a job was last taken (or the worker made): a stuck worker's clock stops. */
  lastTaken = Date.now()
  /** `lastTaken` as the previous check saw it, when that check found the worker suspect. */
  suspectedAt: number | undefined
  readonly process: Processor

  constructor(
    readonly queue: Queue,
    concurrency: number,
    processor: Processor,
    readonly make: (process: Processor) => Worker,
    /** How long it may take nothing before it is suspected. */
    readonly idleMs: number,
  ) {
    const inTurn = concurrency === 1 ? oneAtATime(processor) : processor
    this.process = async (job, token) => {
      this.inHand++
      this.lastTaken = Date.now()
      try {
        return await inTurn(job, token)
      } finally {
        this.inHand--
      }
    }
    this.worker = make(this.process)
  }
}

/**
 * Why this exists: a BullMQ worker can stop taking jobs for good, with jobs due, none active and no
 * error. Seen here twice: after a Redis Cluster master was killed under load (the timer worker, in
 * about half the `cluster` fault scenario's runs), and when Redis went away while a worker's blocking
 * connection was making its first connect (BullMQ keeps that failed first connect as the connection's
 * state, and every later fetch fails on it). The maintainers' answer to such reports
 * (taskforcesh/bullmq#3185, #3088) is to close the worker and make a new one. That is what this
 * does: a worker with nothing in hand that has taken nothing for `idleMs`, while its queue holds
 * work that is waiting or overdue, seen so at two checks in a row, is closed and a new one made in
 * its place.
 *
 * A healthy worker takes a waiting job within milliseconds, or within BullMQ's 15 s retry delay after
 * a connection error, so it is never mistaken for a stuck one; a paused worker is left alone.
 */
export class WorkerWatchdog {
  private readonly slots: Slot[] = []
  private timer: NodeJS.Timeout | undefined
  private checking = false
  private stopped = false

  constructor(
    private readonly log: Log,
    private readonly onReplaced: (queue: string) => void,
    private readonly timing: WatchdogTiming = WATCHDOG_TIMING,
  ) {}

  /**
   * Runs `make`'s worker for `queue` and keeps it taking work. `make` attaches the worker's own
   * listeners and hands BullMQ the processor it is given. With `concurrency` 1 the jobs stay one
   * at a time even across a replacement, when the old worker may still finish one it had taken.
   * `restMs` is how long the worker may rest between jobs of its own accord (a rate limiter's
   * window): it is given twice that, if longer than `idleMs`, before it is suspected.
   */
  add(
    queue: Queue,
    concurrency: number,
    processor: Processor,
    make: (process: Processor) => Worker,
    restMs = 0,
  ): void {
    const idleMs = Math.max(this.timing.idleMs, 2 * restMs)
    this.slots.push(new Slot(queue, concurrency, processor, make, idleMs))
    this.timer ??= setInterval(() => void this.check(), this.timing.checkMs).unref()
  }

  /** The workers now running, one per queue. */
  workers(): Worker[] {
    return this.slots.map((slot) => slot.worker)
  }

  /** No more checks or replacements: the workers are about to close. */
  stop(): void {
    this.stopped = true
    clearInterval(this.timer)
  }

  private async check(): Promise<void> {
    if (this.checking) return
    this.checking = true
    try {
      for (const slot of this.slots) {
        if (this.stopped) return
        await this.look(slot)
      }
    } finally {
      this.checking = false
    }
  }

  private async look(slot: Slot): Promise<void> {
    const seen = slot.lastTaken
    const idle = slot.inHand === 0 && !slot.worker.isPaused() && Date.now() - seen >= slot.idleMs
    if (!idle) {
      slot.suspectedAt = undefined
      return
    }
    const due = await this.dueWork(slot)
    // Read again after the await: a job taken meanwhile clears the worker.
    if (due === undefined || slot.lastTaken !== seen || slot.inHand > 0) return
    if (due.waiting + due.overdue === 0) {
      slot.suspectedAt = undefined
      return
    }
    if (slot.suspectedAt !== seen) {
      slot.suspectedAt = seen
      return
    }
    this.replace(slot, due, Date.now() - seen)
  }

  /** Jobs the worker should have taken by now; undefined when Redis does not say (an outage). */
  private async dueWork(slot: Slot): Promise<{ waiting: number; overdue: number } | undefined> {
    const { queue } = slot
    const overdueBefore = Date.now() - slot.idleMs
    try {
      const [waiting, overdue] = await withTimeout(
        Promise.all([queue.getWaitingCount(), queue.getDelayedCount(overdueBefore)]),
        this.timing.checkMs,
      )
      return { waiting, overdue }
    } catch {
      return undefined
    }
  }

  private replace(slot: Slot, due: { waiting: number; overdue: number }, idleMs: number): void {
    const stuck = slot.worker
    this.log.warn(
      { queue: slot.queue.name, idleMs, waiting: due.waiting, overdue: due.overdue },
      'worker stopped taking due work; replacing it',
    )
    this.onReplaced(slot.queue.name)
    slot.worker = slot.make(slot.process)
    slot.lastTaken = Date.now()
    slot.suspectedAt = undefined
    // Forced: the stuck worker waits for nothing of its own. Its close may hang as well (it did in the
    // Cluster runs); past `closeMs` its connections are cut and it is left to the garbage collector.
    withTimeout(stuck.close(true), this.timing.closeMs, `the stuck ${slot.queue.name} worker's close`).catch(
      (error: unknown) => {
        this.log.warn({ queue: slot.queue.name, err: (error as Error).message }, 'stuck worker cut off')
        stuck.disconnect().catch(() => undefined)
      },
    )
  }
}

/** `processor` with each call started only when the one before it has finished. */
function oneAtATime(processor: Processor): Processor {
  let last: Promise<unknown> = Promise.resolve()
  return (job, token) => {
    const turn = last.then(() => processor(job, token))
    last = turn.catch(() => undefined)
    return turn
  }
}
