import { EventEmitter } from 'node:events'
import { dirname, join } from 'node:path'
import { handlers } from '../handlers/index.js'
import type { Channel } from './channel/port.js'
import { type PuppetOption, WechatyChannel } from './channel/wechaty-channel.js'
import { type Config, type ConfigInput, parseConfig, parseStaff } from './domain/config.js'
import type { InboundMessage } from './domain/inbound.js'
import {
  buildReport,
  type KpiReport,
  REPORT_EVENT_TYPES,
  type ReportGrouping,
  reportWindow,
} from './domain/report.js'
import { StaffDirectory } from './domain/staff.js'
import type { TranscriptBatch, TranscriptEntry } from './domain/transcript.js'
import { addDays } from './domain/zoned-time.js'
import { Kernel } from './kernel/kernel.js'
import { servicesFor, settingsFor } from './kernel/services.js'
import { createLog, type Log } from './log/log.js'
import { connectRedis, createRedis, deletePrefix, watchRedis } from './queue/connection.js'
import { Intake } from './queue/intake.js'
import { jobIds, keysFor } from './queue/keys.js'
import { InboundSpool } from './queue/spool.js'
import { withTimeout } from './queue/with-timeout.js'
import { WorkQueues } from './queue/work-queues.js'
import { RedisLiveState } from './state/redis-state.js'
import { openTranscriptStore } from './store/open.js'
import type { TranscriptReader } from './store/port.js'
import { TranscriptRecorder } from './store/recorder.js'
import type { TextKey, TextVars } from './text/text.js'

/** What entry points (src/bin/, src/cli.ts, src/demo/) need besides the bot itself. */
export { loadConfig } from './config/load.js'
export { createLog, type Log } from './log/log.js'
export { RedisUnreachableError } from './queue/connection.js'

export interface BotOptions {
  /** A Wechaty puppet instance; without one (and without `channel`) Wechaty uses `WECHATY_PUPPET`. */
  puppet?: PuppetOption
  /** Another transport instead of WeChat: a benchmark's, a fault test's. */
  channel?: Channel
  /** The bot's time: when messages arrive, when deadlines fall. */
  clock?: () => number
  log?: Log
}

export interface BotEvents {
  /** A batch of transcript entries has been written to the store. */
  recorded: [TranscriptBatch]
  /** An inbound message has been handled: its sends are in the outbox, its transcript written. */
  handled: [message: InboundMessage, at: number]
}

export interface Bot {
  /** Resolves when the channel is logged in, the workers run and open work is reconciled. */
  start(): Promise<void>
  /** Lets work in progress finish, then stops the channel and closes every connection. */
  stop(): Promise<void>
  /**
   * The transport boundary (the channel calls it for every message): once this resolves the message
   * is durable, in Redis or in the local spool. Throws only when the spool is full too.
   */
  receive(message: InboundMessage): Promise<void>
  transcripts: TranscriptReader
  events: EventEmitter<BotEvents>
  config: Config
  /** Jobs not yet done: lets a demo, a test or a benchmark wait until the system has settled. */
  pendingWork(): Promise<number>
  /** Jobs not yet done, per queue (`ingest-0`…, `sla`, `outbox`, `transcript`). */
  queueCounts(): Promise<Record<string, number>>
  /** Applies a new staff list at once (`kefu start` reloads it from the config file on SIGHUP). */
  updateStaff(staff: ConfigInput['staff']): Promise<void>
}

/**
 * The composition root: the one place that builds concrete parts and wires them.
 * channel → intake (ingest queue, or the spool) → kernel → handlers → outbox → channel;
 * timers → kernel; transcripts → store (or its retry queue).
 */
export function createBot(input: ConfigInput | Config, options: BotOptions = {}): Bot {
  const config = parseConfig(input)
  const log = options.log ?? createLog()
  const clock = options.clock ?? Date.now
  const redis = createRedis(config.redis.url, config.redis)
  watchRedis(redis, log.child({ room: 'redis' }))
  const store = openTranscriptStore(config.store)
  const staff = new StaffDirectory(config.staff)
  const channel = options.channel ?? new WechatyChannel(options.puppet, log.child({ room: 'channel' }), clock)
  const events = new EventEmitter<BotEvents>()
  const spoolFile =
    config.ingest.spoolFile ?? join(dirname(config.store.file), `inbound-spool-${config.redis.prefix}.jsonl`)
  const intake = new Intake({
    redis,
    spool: new InboundSpool(spoolFile, config.ingest.spoolLimit),
    log,
    async enqueue(message) {
      const { state, queues } = running()
      if (staff.get(message.from.id)) await state.staffMessageReceived(message.id, message.receivedAt)
      await queues.enqueueInbound(message)
    },
    // Every spooled staff answer holds the timers back before any customer message goes in, so a
    // timer armed by one cannot fire past an answer still in the spool.
    async beforeDrain(messages) {
      const { state } = running()
      for (const message of messages) {
        if (staff.get(message.from.id)) await state.staffMessageReceived(message.id, message.receivedAt)
      }
    },
  })

  /**
   * The parts that talk to Redis through BullMQ, built once Redis has answered: BullMQ connects
   * whatever it is given, and a bot that cannot start must leave nothing retrying behind.
   */
  let built: ReturnType<typeof build> | undefined
  function build() {
    const keys = keysFor(config.redis.prefix)
    const state = new RedisLiveState(redis, keys)
    const queues = new WorkQueues(redis, keys, { ...config.ingest, outbox: config.outbox, clock }, log)
    const recorder = new TranscriptRecorder(store, queues, log, (batch) => events.emit('recorded', batch))
    const kernel = new Kernel({
      io: { state, store, timers: queues },
      commit: { outbox: queues, recorder },
      services: servicesFor(config, staff),
      settings: settingsFor(config),
      log: log.child({ room: 'handlers' }),
      clock,
      handlers: handlers().middleware(),
    })
    return { state, queues, kernel }
  }
  function running(): NonNullable<typeof built> {
    if (!built) throw new Error('the bot has not started')
    return built
  }

  async function resolveStaffNames(): Promise<void> {
    for (const member of [...staff.unresolved]) {
      const reference = member.name ?? member.alias ?? ''
      const id = await channel.findContactId(reference)
      if (id) staff.resolve(member, id)
      else
        log.warn(
          { staff: reference },
          'no WeChat contact found for a staff member; they are treated as a customer',
        )
    }
  }

  function runWorkers(): void {
    const { state, queues, kernel } = running()
    queues.start({
      inbound: async (message) => {
        await kernel.receive(message)
        if (staff.get(message.from.id)) await state.staffMessageHandled(message.id)
        events.emit('handled', message, clock())
      },
      // Messages still in the spool may include answers that beat the deadline: timers wait for them.
      timer: async (timer) => (intake.spooled > 0 ? { retryInMs: 1000 } : kernel.receiveTimer(timer)),
      send: (message, id) => withTimeout(channel.send(message, id), config.outbox.sendTimeout, 'WeChat'),
      sendFailed: async (id, outgoing, error) => {
        log.error(
          { job: id, to: outgoing.to, err: error.message },
          'message could not be sent after every attempt',
        )
        const purpose = jobIds.sendParts(id)?.purpose ?? ''
        await kernel.receiveSendFailure({ outboxId: id, purpose, outgoing, error: error.message })
      },
      write: async (batch) => {
        await store.write(batch)
        events.emit('recorded', batch)
      },
    })
  }

  return {
    config,
    events,
    transcripts: store,
    receive: (message) => intake.receive(message),
    async start() {
      // Redis first, failing fast: a bot that cannot open leaves nothing retrying behind.
      await connectRedis(redis, config.redis.url)
      await store.init()
      built = build()
      const { queues, kernel } = built
      intake.opened()
      await channel.start({
        onMessage: (message) => intake.receive(message),
        onLogout: () => void queues.pauseOutbox(),
        onLogin: () => queues.resumeOutbox(),
      })
      await resolveStaffNames()
      runWorkers()
      await kernel.recover()
      log.info({ prefix: config.redis.prefix, staff: staff.all().length }, 'bot started')
    },
    async stop() {
      // Workers first, while the channel is still there for the sends in progress; what arrives
      // meanwhile is queued, durably, for the next start. Then the channel, then the connections.
      await built?.queues.stopWorkers()
      await channel.stop()
      await built?.queues.close()
      await store.close()
      await redis.quit().catch(() => redis.disconnect())
      log.info({}, 'bot stopped')
    },
    async pendingWork() {
      const counts = (await built?.queues.counts()) ?? {}
      return Object.values(counts).reduce((sum, count) => sum + count, 0)
    },
    queueCounts: async () => (await built?.queues.counts()) ?? {},
    async updateStaff(members) {
      staff.replace(parseStaff(members))
      await built?.kernel.recover()
      log.info({ staff: staff.all().length }, 'staff list updated')
    },
  }
}

/** Removes every Redis key of one deployment: what the demo, tests and benchmarks leave behind. */
export async function removeDeployment(config: Pick<Config, 'redis'>): Promise<number> {
  const redis = createRedis(config.redis.url, config.redis)
  try {
    await connectRedis(redis, config.redis.url)
    return await deletePrefix(redis, config.redis.prefix)
  } finally {
    await redis.quit().catch(() => redis.disconnect())
  }
}

/** Connects to the configured Redis as the bot would and hears PING answered (`kefu doctor`). */
export async function pingRedis(config: Pick<Config, 'redis'>): Promise<void> {
  const redis = createRedis(config.redis.url, config.redis)
  try {
    await connectRedis(redis, config.redis.url)
  } finally {
    redis.disconnect()
  }
}

/** Opens the configured transcript store as the bot would, then closes it (`kefu doctor`). */
export async function openStore(config: Pick<Config, 'store'>): Promise<void> {
  const store = openTranscriptStore(config.store)
  try {
    await store.init()
  } finally {
    await store.close().catch(() => undefined)
  }
}

/**
 * The KPI report of `from`…`to` (local dates), read from the configured transcript store; `progress`
 * hears each step (in template keys, for the caller to say).
 */
export async function readReport(
  config: Config,
  range: { from: string; to: string; by: ReportGrouping },
  progress: (key: TextKey, vars?: TextVars) => void,
): Promise<KpiReport> {
  const { timeZone } = config
  const { start, end } = reportWindow(range.from, range.to, timeZone)
  // The end-of-day sweep for the last day may run after midnight: read one day further, and let
  // buildReport place each day-unresolved event on the day it names.
  const sweepEnd = reportWindow(range.from, addDays(range.to, 1), timeZone).end
  const store = openTranscriptStore(config.store)
  try {
    await store.init()
    progress('report.cli.readingConversations', { from: range.from, to: range.to })
    const conversations = await store.conversationsOpenedBetween(start, end)
    progress('report.cli.readConversations', { count: conversations.length })
    const events: TranscriptEntry[] = []
    for (const [index, type] of REPORT_EVENT_TYPES.entries()) {
      progress('report.cli.readingEvents', { index: index + 1, total: REPORT_EVENT_TYPES.length, type })
      const found = await store.eventsBetween(type, start, type === 'day-unresolved' ? sweepEnd : end)
      progress('report.cli.readEvents', { type, count: found.length })
      events.push(...found)
    }
    return buildReport({ conversations, events }, { ...range, timeZone, tally: config.tally })
  } finally {
    await store.close().catch(() => undefined)
  }
}
