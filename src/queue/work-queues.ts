import { DelayedError, type Job, Queue, Worker, type WorkerOptions } from 'bullmq'
import { type InboundMessage, inboundMessageSchema } from '../domain/inbound.js'
import { type Outgoing, outgoingSchema } from '../domain/outgoing.js'
import { type Timer, timerSchema } from '../domain/timers.js'
import { type TranscriptBatch, transcriptBatchSchema } from '../domain/transcript.js'
import type { Log } from '../log/log.js'
import type { RedisConnection } from './connection.js'
import { logErrors } from './error-log.js'
import { jobIds, type Keys, queueNames } from './keys.js'
import type { Outbox, Recorder, Timers } from './port.js'
import { withTimeout } from './with-timeout.js'
import { type Processor, WorkerWatchdog } from './worker-watchdog.js'

export interface WorkQueueOptions {
  partitions: number
  outbox: { rate: { max: number; per: number }; attempts: number; backoff: number; maxTextLength: number }
  /** The time timers are armed against (`dueAt` − now is their delay). */
  clock: () => number
  /** Told when a worker that stopped taking due work was replaced (`worker-watchdog.ts`). */
  onWorkerReplaced?: (queue: string) => void
}

/** What the composition root plugs into the workers. Queue code knows nothing of handlers. */
export interface Processors {
  /** Handles one inbound message; throwing retries it. */
  inbound(message: InboundMessage): Promise<void>
  /** Does what a timer was set for; `{ retryInMs }` looks again later without counting as a failure. */
  timer(timer: Timer): Promise<{ retryInMs: number } | undefined>
  /** Sends one message over WeChat; throwing retries it with backoff. `id` is its outbox id. */
  send(message: Outgoing, id: string): Promise<void>
  /** A message that could not be sent after every attempt. */
  sendFailed(id: string, message: Outgoing, error: Error): Promise<void>
  write(batch: TranscriptBatch): Promise<void>
}

/**
 * A job whose process died is taken up again once its lock lapses: 10 s rather than BullMQ's 30,
 * since a customer is waiting. Every job here is safe to run again, so one that was caught in a
 * crash several times is still run, not failed (BullMQ fails it after one stall by default).
 */
const CRASH_RECOVERY = { lockDuration: 10_000, stalledInterval: 10_000, maxStalledCount: 20 }
const SENT_MARKER_TTL_SECONDS = 3 * 24 * 3600
/** A delayed timer this close to its time counts as work in progress for `counts`. */
const DUE_SOON_MS = 1000
/** How long a worker's close may take once its job is done: well inside the service's 30 s drain. */
const WORKER_CLOSE_MS = 10_000
const KEEP_FINISHED = { age: 3600, count: 10_000 }
const KEEP_FAILED = { age: 7 * 24 * 3600 }

/**
 * The four BullMQ queues and their workers:
 * - ingest-N: inbound messages, partitioned by sender so each sender's messages are handled in order;
 * - sla: delayed timers (escalation steps, away limits, alert digests, day ends, shifts, follow-ups);
 * - outbox: every send, rate-limited per bot account;
 * - transcript: transcript writes the store refused, retried until it takes them.
 */
export class WorkQueues implements Timers, Outbox, Recorder {
  private readonly ingestQueues: Queue[]
  private readonly timerQueue: Queue
  private readonly outboxQueue: Queue
  private readonly transcriptQueue: Queue
  private readonly watchdog: WorkerWatchdog
  private stoppingWorkers: Promise<void> | undefined
  private outboxWorker: Worker | undefined

  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: Keys,
    private readonly options: WorkQueueOptions,
    private readonly log: Log,
  ) {
    const queue = (name: string) => {
      const made = new Queue(name, { connection: redis, prefix: keys.bullPrefix })
      logErrors(made, log, 'queue error')
      return made
    }
    this.ingestQueues = Array.from({ length: options.partitions }, (_, index) =>
      queue(queueNames.ingest(index)),
    )
    this.timerQueue = queue(queueNames.timers)
    this.outboxQueue = queue(queueNames.outbox)
    this.transcriptQueue = queue(queueNames.transcript)
    this.watchdog = new WorkerWatchdog(log, options.onWorkerReplaced ?? (() => undefined))
  }

  /** Durable before anything else happens to it (invariant 1); a second delivery adds nothing. */
  async enqueueInbound(message: InboundMessage): Promise<void> {
    const partition = this.ingestQueues[partitionOf(message.from.id, this.ingestQueues.length)]
    await partition?.add('inbound', message, {
      jobId: jobIds.ingest(message.id),
      attempts: 10,
      backoff: { type: 'exponential', delay: 500 },
    })
  }

  /** Whether this message is in its ingest queue already (waiting, being handled, or done). */
  async hasInbound(message: InboundMessage): Promise<boolean> {
    const partition = this.ingestQueues[partitionOf(message.from.id, this.ingestQueues.length)]
    return (await partition?.getJob(jobIds.ingest(message.id))) !== undefined
  }

  async arm(timer: Timer, dueAt: number): Promise<void> {
    await this.timerQueue.add(timer.kind, timer, {
      jobId: jobIds.timer(timer),
      delay: Math.max(0, dueAt - this.options.clock()),
      attempts: 10,
      backoff: { type: 'exponential', delay: 500 },
    })
  }

  async cancel(timer: Timer): Promise<void> {
    // A timer that already fired is locked and cannot be removed; handlers check that it still applies.
    await this.timerQueue.remove(jobIds.timer(timer)).catch(() => 0)
  }

  async send(messages: { id: string; message: Outgoing }[]): Promise<void> {
    const jobs = messages.flatMap(({ id, message }) => {
      const parts =
        message.kind === 'forward' ? [undefined] : splitText(message.text, this.options.outbox.maxTextLength)
      return parts.map((text, index) => ({
        name: message.kind,
        data: text === undefined ? message : { ...message, text },
        opts: {
          jobId: parts.length > 1 ? jobIds.sendPart(id, index + 1) : id,
          attempts: this.options.outbox.attempts,
          backoff: { type: 'capped' },
        },
      }))
    })
    // One after another, so they are sent in this order. Not addBulk: its ioredis pipeline copies
    // every script command of the connection (some eighty) each time, dearer than the round trips.
    for (const job of jobs) await this.outboxQueue.add(job.name, job.data, job.opts)
  }

  /**
   * The durable path for transcript writes the store could not take at once; the worker retries
   * them. Job ids are BullMQ's own: two writes must never collapse into one.
   */
  async record(batch: TranscriptBatch): Promise<void> {
    await this.transcriptQueue.add('write', batch, {
      // Retried every 10 s at most (see the worker's backoff), for hours: a store outage outlasts attempts.
      attempts: 2000,
      backoff: { type: 'capped' },
    })
  }

  /**
   * Messages a killed process was handling when it died, handled again before anything else of
   * their partition: BullMQ takes such a job up again only once its lock has lapsed (seconds), by
   * which time the new workers would have handled the sender's later messages first. One bot runs
   * per prefix (the instance lock), so every active ingest job now is such an orphan; handling is
   * idempotent, so when BullMQ runs the job again it replays, sending and recording nothing twice.
   */
  private async takeUpOrphans(processors: Processors): Promise<void> {
    for (const queue of this.ingestQueues) {
      for (const job of await queue.getActive()) {
        const message = inboundMessageSchema.safeParse(job.data)
        if (!message.success) continue
        try {
          await processors.inbound(message.data)
          this.log.info(
            { queue: queue.name, job: job.id },
            'message cut short by the last stop handled first',
          )
        } catch (error) {
          // BullMQ runs it again once its lock lapses, as it would have anyway.
          this.log.warn(
            { queue: queue.name, job: job.id, err: (error as Error).message },
            'message cut short by the last stop not handled yet',
          )
        }
      }
    }
  }

  async start(processors: Processors): Promise<void> {
    await this.takeUpOrphans(processors)
    // How long finished jobs are kept is the workers' to say, not each job's: every job stored
    // smaller, and a queued message is most of what Redis holds while WeChat sends slowly.
    const common = {
      connection: this.redis,
      prefix: this.keys.bullPrefix,
      ...CRASH_RECOVERY,
      removeOnComplete: KEEP_FINISHED,
      removeOnFail: KEEP_FAILED,
    }
    const run = (
      queue: Queue,
      concurrency: number,
      processor: Processor,
      options: Partial<WorkerOptions> = {},
      listen: (worker: Worker) => void = () => undefined,
    ) =>
      this.watchdog.add(
        queue,
        concurrency,
        processor,
        (process) => {
          const worker = new Worker(queue.name, process, { ...common, ...options, concurrency })
          this.watch(worker)
          listen(worker)
          return worker
        },
        options.limiter?.duration,
      )
    for (const queue of this.ingestQueues) {
      run(queue, 1, (job) => processors.inbound(inboundMessageSchema.parse(job.data)))
    }
    run(
      this.timerQueue,
      8,
      async (job, token) => {
        const outcome = await processors.timer(timerSchema.parse(job.data))
        if (outcome) {
          // BullMQ schedules on its own (real) time, whatever clock the bot is given.
          await job.moveToDelayed(Date.now() + outcome.retryInMs, token)
          throw new DelayedError()
        }
      },
      // Removed once done, so that re-arming after a restart can add it again.
      { removeOnComplete: { count: 0 } },
    )
    run(
      this.outboxQueue,
      1,
      (job) => this.deliver(job, processors),
      {
        // Doubling from `outbox.backoff`, but never more than 30 of them apart: after an outage the
        // waiting sends try again soon instead of minutes later.
        settings: {
          backoffStrategy: (attemptsMade: number) =>
            cappedBackoff(this.options.outbox.backoff, 30, attemptsMade),
        },
        limiter: { max: this.options.outbox.rate.max, duration: this.options.outbox.rate.per },
      },
      (worker) => {
        worker.on('failed', (job, error) => {
          if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return
          const message = outgoingSchema.safeParse(job.data)
          if (message.success) {
            processors.sendFailed(job.id ?? '', message.data, error).catch((failure: unknown) => {
              this.log.error({ err: failure, job: job.id }, 'could not report a failed send')
            })
          }
        })
        this.outboxWorker = worker
      },
    )
    run(this.transcriptQueue, 1, (job) => processors.write(transcriptBatchSchema.parse(job.data)), {
      settings: { backoffStrategy: (attemptsMade: number) => cappedBackoff(500, 20, attemptsMade) },
    })
  }

  /** While WeChat is logged out nothing is sent, so no send spends its attempts on a closed door. */
  async pauseOutbox(): Promise<void> {
    await this.outboxWorker?.pause()
  }

  async resumeOutbox(): Promise<void> {
    await this.outboxWorker?.resume()
  }

  /**
   * Lets every worker finish its job and close. BullMQ's `close()` can wait forever on a blocking
   * connection left reconnecting by a Redis outage (taskforcesh/bullmq#4656); past WORKER_CLOSE_MS the
   * stop goes on without that worker. A job it still held is taken up again at the next start, as
   * after a crash: outbox ids keep the sends single.
   */
  stopWorkers(): Promise<void> {
    this.watchdog.stop()
    this.stoppingWorkers ??= Promise.all(
      this.watchdog
        .workers()
        .map((worker) =>
          withTimeout(worker.close(), WORKER_CLOSE_MS, `the ${worker.name} worker's close`).catch(
            (error: unknown) =>
              this.log.warn(
                { queue: worker.name, err: (error as Error).message },
                'worker did not close; stopping without it',
              ),
          ),
        ),
    ).then(() => undefined)
    return this.stoppingWorkers
  }

  /** Stops the workers, then closes the queues. */
  async close(): Promise<void> {
    await this.stopWorkers()
    await Promise.all(
      [...this.ingestQueues, this.timerQueue, this.outboxQueue, this.transcriptQueue].map((queue) =>
        queue.close(),
      ),
    )
  }

  /**
   * Jobs still to do, per queue: what the demo and tests wait on to see the system settle. Timers
   * waiting for their time do not count, but a timer that is due and looking again shortly (behind a
   * staff message still in flight, say after a crash) does; so does a retry waiting for its backoff.
   */
  async counts(): Promise<Record<string, number>> {
    const totals: Record<string, number> = {}
    for (const queue of [...this.ingestQueues, this.timerQueue, this.outboxQueue, this.transcriptQueue]) {
      const states =
        queue === this.timerQueue
          ? (['waiting', 'active'] as const)
          : (['waiting', 'active', 'delayed'] as const)
      const counts = await queue.getJobCounts(...states)
      totals[queue.name] = Object.values(counts).reduce((sum, count) => sum + count, 0)
    }
    const dueSoon = await this.timerQueue.getDelayedCount(Date.now() + DUE_SOON_MS)
    totals[this.timerQueue.name] = (totals[this.timerQueue.name] ?? 0) + dueSoon
    return totals
  }

  /** The sent-marker makes a retried or re-added job with the same id a no-op (invariant 5). */
  private async deliver(job: Job, processors: Processors): Promise<void> {
    const id = job.id ?? ''
    const marker = this.keys.sent(id)
    if (await this.redis.exists(marker)) return
    await processors.send(outgoingSchema.parse(job.data), id)
    await this.redis.set(marker, '1', 'EX', SENT_MARKER_TTL_SECONDS)
  }

  private watch(worker: Worker): void {
    worker.on('failed', (job, error) => {
      if (error instanceof DelayedError) return
      this.log.warn(
        { queue: worker.name, job: job?.id, attempt: job?.attemptsMade, err: error.message },
        'job failed; it will be retried while attempts remain',
      )
    })
    logErrors(worker, this.log, 'worker error')
  }
}

/** Doubling from `base` with every attempt, at most `cap` times `base`. */
function cappedBackoff(base: number, cap: number, attemptsMade: number): number {
  return Math.min(base * 2 ** Math.max(0, attemptsMade - 1), base * cap)
}

/** The same sender always lands in the same partition. */
export function partitionOf(senderId: string, partitions: number): number {
  let hash = 0
  for (const character of senderId) hash = (hash * 31 + (character.codePointAt(0) ?? 0)) >>> 0
  return hash % partitions
}

/** Splits a long text into numbered parts at line breaks where possible. */
export function splitText(text: string, max: number): string[] {
  const characters = [...text]
  if (characters.length <= max) return [text]
  const room = max - 8 // leaves space for the " (12/34)" counter
  const parts: string[] = []
  let start = 0
  while (start < characters.length) {
    let end = Math.min(start + room, characters.length)
    if (end < characters.length) {
      const breakAt = characters.lastIndexOf('\n', end)
      if (breakAt > start + room / 2) end = breakAt + 1
    }
    parts.push(characters.slice(start, end).join('').trimEnd())
    start = end
  }
  return parts.map((part, index) => `${part} (${index + 1}/${parts.length})`)
}
