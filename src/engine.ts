import { EventEmitter } from 'node:events'
import { dirname, join } from 'node:path'
import type { Redis } from 'ioredis'
import { registerHandlers } from '../handlers/index.js'
import { Dispatcher } from './dispatcher.js'
import { ServiceCalendar } from './domain/calendar.js'
import { type Config, type ConfigInput, parseConfig, parseStaff } from './domain/config.js'
import { type InboundMessage, inboundMessageSchema } from './domain/inbound.js'
import { keysFor } from './domain/keys.js'
import { DEFAULT_FORBIDDEN_PHRASES, PhraseChecker } from './domain/phrases.js'
import { StaffDirectory } from './domain/staff.js'
import type { TranscriptBatch } from './domain/transcript.js'
import { createLog, type Log } from './log.js'
import { connectRedis, createRedis } from './queue/connection.js'
import type { Outgoing } from './queue/port.js'
import { WorkQueues } from './queue/work-queues.js'
import { TranscriptRecorder } from './recorder.js'
import { InboundSpool } from './spool.js'
import { RedisLiveState } from './state/redis-state.js'
import { openTranscriptStore } from './store/open.js'
import type { TranscriptStore } from './store/port.js'
import { Text } from './text.js'

export interface EngineEvents {
  /** A batch of transcript entries has been written to the store. */
  recorded: [TranscriptBatch]
  /** An inbound message has been handled: its sends are in the outbox, its transcript written. */
  handled: [message: InboundMessage, at: number]
}

/** What the engine needs from a messaging transport: WeChat in production, anything in a benchmark. */
export interface Transport {
  /** `id` is the message's outbox id: the same id is one message, however often it is handed over. */
  send(message: Outgoing, id: string): Promise<void>
}

/**
 * Everything but WeChat: live state, queues, dispatcher, handlers, transcript store. A transport
 * hands it inbound messages through `receive` and carries out its sends; `createBot` puts Wechaty
 * in front of it, benchmarks and fault tests drive it directly.
 */
export class Engine {
  readonly config: Config
  readonly staff: StaffDirectory
  readonly store: TranscriptStore
  readonly events = new EventEmitter<EngineEvents>()
  readonly log: Log
  private readonly redis: Redis
  private readonly spool: InboundSpool
  private draining: Promise<void> | undefined
  private opened: { state: RedisLiveState; queues: WorkQueues; dispatcher: Dispatcher } | undefined

  constructor(input: ConfigInput | Config, log?: Log) {
    this.config = parseConfig(input)
    this.log = log ?? createLog()
    this.redis = createRedis(this.config.redis.url)
    watchRedis(this.redis, this.log.child({ room: 'redis' }))
    const { mongodbUri, file } = this.config.store
    this.store = openTranscriptStore({ file, ...(mongodbUri ? { mongodbUri } : {}) })
    this.staff = new StaffDirectory(this.config.staff)
    const spoolFile =
      this.config.ingest.spoolFile ?? join(dirname(file), `inbound-spool-${this.config.redis.prefix}.jsonl`)
    this.spool = new InboundSpool(spoolFile, this.config.ingest.spoolLimit)
    this.redis.on('ready', () => this.drainSpool())
  }

  /**
   * Connects to Redis (failing fast when it does not answer) and the transcript store. Queues are
   * built only then: an engine that cannot open leaves nothing retrying behind.
   */
  async open(): Promise<void> {
    const { config, redis } = this
    await connectRedis(redis, config.redis.url)
    await this.store.init()
    const keys = keysFor(config.redis.prefix)
    const state = new RedisLiveState(redis, keys)
    const queues = new WorkQueues(
      redis,
      keys,
      { partitions: config.ingest.partitions, outbox: config.outbox },
      this.log,
    )
    const recorder = new TranscriptRecorder(this.store, queues, this.log, (batch) =>
      this.events.emit('recorded', batch),
    )
    const text = new Text(config.locale, config.timeZone)
    const dispatcher = new Dispatcher({
      state,
      store: this.store,
      timers: queues,
      outbox: queues,
      recorder,
      text,
      phrases: new PhraseChecker([...DEFAULT_FORBIDDEN_PHRASES, ...config.phrases.forbidden]),
      canned: new Map([...text.cannedAnswers(), ...Object.entries(config.phrases.canned)]),
      staff: this.staff,
      sla: config.sla,
      calendar: new ServiceCalendar(config.hours, config.shifts, config.timeZone),
      routing: config.routing,
      survey: config.survey,
      followUp: config.followUp,
      handover: config.handover,
      tally: config.tally,
      alerts: config.alerts,
      maxPerAgent: config.routing.maxPerAgent,
      awayLimit: config.duty.awayLimit,
      customerRate: config.ingest.customerRate,
      timeZone: config.timeZone,
      clock: Date.now,
      log: this.log.child({ room: 'handlers' }),
    })
    registerHandlers(dispatcher)
    this.opened = { state, queues, dispatcher }
    this.drainSpool()
  }

  /**
   * The transport boundary: once this resolves the message is durable (invariant 1) — in the ingest
   * queue, or, while Redis cannot take it, in the local spool, which goes to the queue, in order,
   * as soon as Redis is back. Throws only when the spool is full too.
   */
  async receive(input: InboundMessage): Promise<void> {
    // Nothing from outside is trusted (invariant 6): a malformed message is refused here, with the
    // reason, rather than failing its job again and again later.
    const message = inboundMessageSchema.parse(input)
    if (this.spool.size === 0 && this.redis.status === 'ready') {
      try {
        await withTimeout(this.enqueue(message), ENQUEUE_TIMEOUT_MS)
        return
      } catch (error) {
        this.log.warn(
          { message: message.id, err: (error as Error).message },
          'Redis did not take a message; spooled',
        )
      }
    }
    this.spool.add(message)
    this.drainSpool()
  }

  private async enqueue(message: InboundMessage): Promise<void> {
    const { state, queues } = this.parts()
    if (this.staff.get(message.from.id)) await state.staffMessageReceived(message.id, message.receivedAt)
    await queues.enqueueInbound(message)
  }

  /** One drain at a time; while Redis is away it waits for the connection to come back. */
  private drainSpool(): void {
    if (this.draining || this.spool.size === 0 || this.redis.status !== 'ready' || !this.opened) return
    const { state } = this.opened
    this.draining = this.spool
      .drain(
        (message) => withTimeout(this.enqueue(message), ENQUEUE_TIMEOUT_MS),
        // Every spooled staff answer holds the timers back before any customer message goes in,
        // so a timer armed by one cannot fire past an answer still in the spool.
        async (messages) => {
          for (const message of messages) {
            if (this.staff.get(message.from.id))
              await state.staffMessageReceived(message.id, message.receivedAt)
          }
        },
      )
      .then(
        (taken) => this.log.info({ taken }, 'spooled messages handed to the ingest queue'),
        (error: unknown) =>
          this.log.warn({ err: (error as Error).message, left: this.spool.size }, 'spool drain paused'),
      )
      .finally(() => {
        this.draining = undefined
        if (this.spool.size > 0) setTimeout(() => this.drainSpool(), SPOOL_RETRY_MS).unref()
      })
  }

  /** Starts the workers, sending through `transport`, and reconciles open work left from before. */
  async run(transport: Transport): Promise<void> {
    const { state, queues, dispatcher } = this.parts()
    queues.start({
      inbound: async (message) => {
        await dispatcher.receive(message)
        if (this.staff.get(message.from.id)) await state.staffMessageHandled(message.id)
        this.events.emit('handled', message, Date.now())
      },
      // Messages still in the spool may include answers that beat the deadline: timers wait for them.
      timer: async (timer) =>
        this.spool.size > 0 ? { retryInMs: SPOOL_RETRY_MS } : dispatcher.receiveTimer(timer),
      send: (message, id) =>
        withTimeout(transport.send(message, id), this.config.outbox.sendTimeout, 'WeChat'),
      sendFailed: async (id, message, error) => {
        this.log.error(
          { job: id, to: message.to, err: error.message },
          'message could not be sent after every attempt',
        )
        await dispatcher.receiveSendFailure({ outboxId: id, outgoing: message, error: error.message })
      },
      write: async (batch) => {
        await this.store.write(batch)
        this.events.emit('recorded', batch)
      },
    })
    await dispatcher.recover()
  }

  /**
   * A new staff list, at once: whoever left it is a customer from their next message on, and off
   * duty, their open conversations handed to colleagues.
   */
  async updateStaff(members: ConfigInput['staff']): Promise<void> {
    this.staff.replace(parseStaff(members))
    await this.opened?.dispatcher.recover()
    this.log.info({ staff: this.staff.all().length }, 'staff list updated')
  }

  /** WeChat logged out: sends wait (and keep their attempts) until `resumeSending`. */
  async pauseSending(): Promise<void> {
    await this.opened?.queues.pauseOutbox()
  }

  resumeSending(): void {
    this.opened?.queues.resumeOutbox()
  }

  /** Stops taking work and lets work in progress finish; `receive` still queues what arrives. */
  async drain(): Promise<void> {
    await this.opened?.queues.stopWorkers()
  }

  /** Lets work in progress finish, then closes the queues, the store and Redis. */
  async close(): Promise<void> {
    await this.opened?.queues.close()
    await this.store.close()
    await this.redis.quit().catch(() => this.redis.disconnect())
  }

  /** Jobs not yet done: lets a demo, a test or a benchmark wait until the system has settled. */
  async pendingWork(): Promise<number> {
    const counts = await this.queueCounts()
    return Object.values(counts).reduce((sum, count) => sum + count, 0)
  }

  /** Jobs not yet done, per queue (`ingest-0`…, `sla`, `outbox`, `transcript`). */
  async queueCounts(): Promise<Record<string, number>> {
    return (await this.opened?.queues.counts()) ?? {}
  }

  private parts(): NonNullable<Engine['opened']> {
    if (!this.opened) throw new Error('the engine is not open: call open() first')
    return this.opened
  }
}

/** How long Redis may take to accept one inbound message before it goes to the spool. */
const ENQUEUE_TIMEOUT_MS = 2000
const SPOOL_RETRY_MS = 1000

function withTimeout<T>(work: Promise<T>, ms: number, from = 'Redis'): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from ${from} within ${ms} ms`)), ms)
  })
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}

/** Redis reconnects on its own; the log says when it went away and when it is back. */
function watchRedis(redis: Redis, log: Log): void {
  let connected = false
  let down = false
  redis.on('error', (error: Error) => {
    if (connected && !down) log.error({ err: error.message }, 'Redis connection lost; reconnecting')
    down = connected
  })
  redis.on('ready', () => {
    if (down) log.info({}, 'Redis connection back')
    connected = true
    down = false
  })
}
