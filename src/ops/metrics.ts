import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'
import type { LiveConversation } from '../domain/conversation.js'
import { overdueStep, type ServiceClock, type SlaPolicy, stepDeadlines } from '../domain/sla.js'
import type { TranscriptBatch } from '../domain/transcript.js'
import { isOverdue } from '../domain/wait-level.js'
import type { Log } from '../log/log.js'
import { withTimeout } from '../queue/with-timeout.js'

/** What the gauges read when scraped; each reading that needs Redis is skipped while it is away. */
export interface Readings {
  redisReady(): boolean
  openConversations(): Promise<LiveConversation[]>
  /** Customers waiting in watched groups: when each step of their ladder falls due. */
  groupWaits(): Promise<{ deadlines: number[] }[]>
  /** Every staff member's duty state. */
  staffLoads(): Promise<{ onDuty: boolean; away?: unknown }[]>
  /** Jobs not yet done, per queue. */
  queueCounts(): Promise<Record<string, number>>
  spooled(): number
  loggedIn(): boolean
  now(): number
}

/** A scrape never waits longer than this for a reading; the gauge then keeps its last value. */
const READING_TIMEOUT_MS = 1000
const FIRST_RESPONSE_BUCKETS = [5, 15, 30, 60, 120, 180, 300, 600, 900, 1800, 3600]
const LATENESS_BUCKETS = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900]

/**
 * The Prometheus metrics (docs/operations.md lists them): the process's own, gauges read from the
 * live state when scraped, and histograms and a counter fed from what the bot records.
 */
export class Metrics {
  readonly registry = new Registry()
  private readonly firstResponse: Histogram
  private readonly lateness: Histogram
  private readonly sendsFailed: Counter
  private readonly replicaWaitsShort: Counter
  private readonly workersReplaced: Counter

  constructor(
    private readonly readings: Readings,
    private readonly sla: SlaPolicy,
    private readonly calendar: ServiceClock,
    private readonly log: Log,
    /** The group ladder (`groups`), on the same clock. */
    groups: SlaPolicy,
  ) {
    const registers = [this.registry]
    collectDefaultMetrics({ register: this.registry, prefix: 'kefu_' })
    const conversations = this.reading('conversations', async () =>
      countWaiting(await readings.openConversations(), readings.now(), overdueStep(sla)),
    )
    const groupWaits = this.reading('group waits', async () => {
      const waits = await readings.groupWaits()
      const step = overdueStep(groups)
      const now = readings.now()
      const overdue = waits.filter((wait) => isOverdue(wait.deadlines, step, now))
      return { waiting: waits.length, overdue: overdue.length }
    })
    const agents = this.reading('agents', async () => {
      const onDuty = (await readings.staffLoads()).filter((load) => load.onDuty)
      return { onDuty: onDuty.length, away: onDuty.filter((load) => load.away).length }
    })
    const queues = this.reading('queues', () => readings.queueCounts())
    const gauge = (name: string, help: string, read: () => Promise<number | undefined> | number) =>
      new Gauge({
        name,
        help,
        registers,
        async collect() {
          const value = await read()
          if (value !== undefined) this.set(value)
        },
      })
    gauge(
      'kefu_conversations_waiting',
      'Open conversations whose customer waits for an answer.',
      async () => {
        return (await conversations())?.waiting
      },
    )
    gauge(
      'kefu_conversations_overdue',
      'Waiting conversations past the overdue step of the ladder.',
      async () => {
        return (await conversations())?.overdue
      },
    )
    gauge(
      'kefu_group_customers_waiting',
      'Customers in watched groups waiting for an answer.',
      async () => (await groupWaits())?.waiting,
    )
    gauge(
      'kefu_group_customers_overdue',
      'Of those, the ones past the group timeout.',
      async () => (await groupWaits())?.overdue,
    )
    gauge('kefu_agents_on_duty', 'Staff on duty, away or not.', async () => (await agents())?.onDuty)
    gauge('kefu_agents_away', 'Staff on duty but away (/away).', async () => (await agents())?.away)
    gauge('kefu_outbox_backlog', 'Messages in the outbox not yet sent.', async () => (await queues())?.outbox)
    gauge('kefu_spool_messages', 'Inbound messages in the local spool, waiting for Redis.', () =>
      readings.spooled(),
    )
    gauge('kefu_wechat_logged_in', '1 while the WeChat account is logged in, else 0.', () =>
      readings.loggedIn() ? 1 : 0,
    )
    new Gauge({
      name: 'kefu_queue_jobs',
      help: 'Jobs not yet done per queue (waiting, active, retrying; timers once due).',
      labelNames: ['queue'],
      registers,
      async collect() {
        const counts = await queues()
        if (!counts) return
        for (const [queue, count] of Object.entries(counts)) this.set({ queue }, count)
      },
    })
    this.firstResponse = new Histogram({
      name: 'kefu_first_response_seconds',
      help: 'From a conversation opening to its first staff answer.',
      buckets: FIRST_RESPONSE_BUCKETS,
      registers,
    })
    this.lateness = new Histogram({
      name: 'kefu_alert_lateness_seconds',
      help: 'How long after its deadline an escalation step was taken.',
      labelNames: ['level'],
      buckets: LATENESS_BUCKETS,
      registers,
    })
    this.sendsFailed = new Counter({
      name: 'kefu_sends_failed_total',
      help: 'Messages the outbox gave up on after every attempt.',
      registers,
    })
    this.replicaWaitsShort = new Counter({
      name: 'kefu_replica_waits_short_total',
      help: 'WAITs (redis.waitReplicas) that fewer replicas than asked answered in time; the messages were spooled as well.',
      registers,
    })
    this.workersReplaced = new Counter({
      name: 'kefu_workers_replaced_total',
      help: 'Queue workers that stopped taking due work and were replaced.',
      labelNames: ['queue'],
      registers,
    })
  }

  sendFailed(): void {
    this.sendsFailed.inc()
  }

  replicaWaitShort(): void {
    this.replicaWaitsShort.inc()
  }

  workerReplaced(queue: string): void {
    this.workersReplaced.inc({ queue })
  }

  /** Reads first answers and escalation steps off what was written to the transcript. */
  recorded(batch: TranscriptBatch): void {
    const { conversation } = batch
    for (const entry of batch.entries) {
      // The first answer is the staff message that set the summary's first-response time
      // (handlers/reply.ts sends the summary along with it only then).
      if (
        entry.kind === 'message' &&
        entry.direction === 'out' &&
        entry.actor.role !== 'bot' &&
        conversation?.firstResponseAt === entry.at
      ) {
        this.firstResponse.observe((conversation.firstResponseAt - conversation.openedAt) / 1000)
      }
      if (entry.kind === 'event' && entry.type === 'escalated') {
        const { level, waitedMs } = entry.data
        if (typeof level !== 'number' || typeof waitedMs !== 'number') continue
        const late = this.latenessMs(level - 1, entry.at - waitedMs, waitedMs)
        if (late !== undefined) this.lateness.observe({ level }, Math.max(0, late) / 1000)
      }
    }
  }

  /** The wait an escalation recorded, minus the wait its step was due at (in service time if so set). */
  private latenessMs(step: number, start: number, waitedMs: number): number | undefined {
    const deadline = stepDeadlines(this.sla, this.calendar, start)[step]
    return deadline === undefined ? undefined : waitedMs - (deadline - start)
  }

  /**
   * One reading shared by the gauges of one scrape (prom-client collects them side by side), bounded
   * by a timeout; undefined while Redis is away or when it fails, which leaves the gauges as they were.
   */
  private reading<T>(name: string, read: () => Promise<T>): () => Promise<T | undefined> {
    let running: Promise<T | undefined> | undefined
    return () => {
      if (!running) {
        running = this.readOnce(name, read)
        void running.finally(() => {
          running = undefined
        })
      }
      return running
    }
  }

  private async readOnce<T>(name: string, read: () => Promise<T>): Promise<T | undefined> {
    if (!this.readings.redisReady()) return undefined
    try {
      return await withTimeout(read(), READING_TIMEOUT_MS)
    } catch (error) {
      this.log.warn({ reading: name, err: (error as Error).message }, 'metrics reading failed')
      return undefined
    }
  }
}

/** Waiting: a customer's message is unanswered. Overdue: and the overdue step's deadline has passed. */
export function countWaiting(
  conversations: LiveConversation[],
  now: number,
  overdue: number,
): { waiting: number; overdue: number } {
  const waiting = conversations.filter((conversation) => conversation.waitingSince > 0)
  const late = waiting.filter((conversation) => isOverdue(conversation.deadlines, overdue, now))
  return { waiting: waiting.length, overdue: late.length }
}
