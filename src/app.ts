import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { resolve as resolvePath } from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import { handlers } from '../handlers/index.js'
import type { Channel } from './channel/port.js'
import type { PuppetOption } from './channel/wechaty-channel.js'
import { checkPaths, spoolFileOf } from './config/paths.js'
import { accountLabel } from './domain/account-config.js'
import { staffActor } from './domain/actors.js'
import { type Config, type ConfigInput, parseConfig, parseStaff } from './domain/config.js'
import { watches } from './domain/group-config.js'
import { composeId } from './domain/ids.js'
import type { InboundMessage } from './domain/inbound.js'
import {
  type AuditAction,
  type CustomerDataSummary,
  type ErasedCounts,
  exportDocument,
  storesNothing,
  summarise,
} from './domain/privacy.js'
import {
  buildAccountsReport,
  buildReport,
  type KpiReport,
  REPORT_EVENT_TYPES,
  type ReportGrouping,
  type ReportInput,
  reportWindow,
} from './domain/report.js'
import { type Staff, StaffDirectory } from './domain/staff.js'
import type { TranscriptBatch, TranscriptEntry } from './domain/transcript.js'
import { sightOf } from './domain/visibility.js'
import { addDays } from './domain/zoned-time.js'
import { Kernel } from './kernel/kernel.js'
import { servicesFor, settingsFor } from './kernel/services.js'
import { UnitOfWork } from './kernel/unit-of-work.js'
import { createLog, type Log } from './log/log.js'
import { Operations } from './ops/ops.js'
import { connectRedis, createRedis, deletePrefix, watchRedis } from './queue/connection.js'
import { checkDurability, type Durability } from './queue/durability.js'
import { Intake } from './queue/intake.js'
import { jobIds, keysFor } from './queue/keys.js'
import { ReplicaWait } from './queue/replica-wait.js'
import { InboundSpool } from './queue/spool.js'
import { withTimeout } from './queue/with-timeout.js'
import { WorkQueues } from './queue/work-queues.js'
import { InstanceLock, type LockHolder } from './state/instance-lock.js'
import { RedisLiveState } from './state/redis-state.js'
import { openTranscriptStore } from './store/open.js'
import type { TranscriptReader, TranscriptStore } from './store/port.js'
import { TranscriptRecorder } from './store/recorder.js'
import { Text, type TextKey, type TextVars } from './text/text.js'
import { ConsoleLinkIssuer, consoleOrigin } from './web/links.js'
import { consoleRoutes } from './web/routes/index.js'
import { ConsoleServer } from './web/server.js'

/** What entry points (src/bin/, src/cli.ts, src/demo/) need besides the bot itself. */
export { loadConfig, parseWithEnv } from './config/load.js'
export { createLog, type Log, LogSettingError } from './log/log.js'
export { RedisUnreachableError } from './queue/connection.js'
export { InstanceLockedError } from './state/instance-lock.js'
export { BackupCheckError, type BackupProgress, backupEmbeddedStore } from './store/backup.js'
export { MongoUnavailableError, StoreNotFoundError } from './store/open.js'

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
  /** Another process took this prefix's instance lock: this bot has stopped taking work and stops. */
  'lock-lost': [holder: LockHolder | string]
}

export interface Bot {
  /** Resolves when the channel is logged in, the workers run and open work is reconciled. */
  start(): Promise<void>
  /**
   * Lets work in progress finish, then stops the channel, gives back the instance lock and closes
   * every connection. Called again, it returns the first call's promise.
   */
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
  /** Where `/healthz`, `/readyz` and `/metrics` are served once started (`http.port`), if anywhere. */
  httpAddress(): { address: string; port: number } | undefined
  /** Where the web console is served once started (`console.port`), if anywhere. */
  consoleAddress(): { address: string; port: number } | undefined
}

/** A command from a console page that the bot has not handled by then fails the page's request. */
const CONSOLE_COMMAND_TIMEOUT_MS = 15_000

/**
 * The composition root: the one place that builds concrete parts and wires them.
 * channel → intake (ingest queue, or the spool) → kernel → handlers → outbox → channel;
 * timers → kernel; transcripts → store (or its retry queue).
 */
export function createBot(input: ConfigInput | Config, options: BotOptions = {}): Bot {
  const config = parseConfig(input)
  checkPaths(config)
  // Every line names the account: one deployment's accounts may log to one place.
  const log = (options.log ?? createLog()).child({ account: config.account.name })
  const clock = options.clock ?? Date.now
  const redis = createRedis(config.redis)
  const store = openTranscriptStore(config.store)
  const staff = new StaffDirectory(config.staff)
  /**
   * Wechaty is loaded when the bot starts, and only when no other channel is given: loading it
   * takes seconds, which a bot that cannot start (no Redis) should not make its user wait for.
   */
  let channel = options.channel
  async function openChannel(): Promise<Channel> {
    if (!channel) {
      const { WechatyChannel } = await import('./channel/wechaty-channel.js')
      channel = new WechatyChannel(options.puppet, log.child({ room: 'channel' }), clock, config.wechat.name)
    }
    return channel
  }
  const events = new EventEmitter<BotEvents>()
  const lock = new InstanceLock(redis, keysFor(config.redis.prefix), config.redis.lockTtl)
  const spool = new InboundSpool(spoolFileOf(config), config.ingest.spoolLimit)
  const ops = new Operations(
    config,
    {
      redisStatus: () => redis.status,
      pingRedis: () => redis.ping(),
      openConversations: () => running().state.openConversations(),
      async groupWaits() {
        const { state } = running()
        const rooms = await state.roomsWaiting()
        return (await Promise.all(rooms.map((room) => state.groupWaits(room)))).flat()
      },
      staffLoads: () => running().state.loads(staff.withRole('agent').map((member) => member.id)),
      queueCounts: () => running().queues.counts(),
      spooled: () => spool.size,
      spoolLimit: config.ingest.spoolLimit,
    },
    log.child({ room: 'ops' }),
    clock,
  )
  watchRedis(redis, log.child({ room: 'redis' }), {
    lost: () => ops.redisLost(),
    back: () => ops.redisBack(),
  })
  /**
   * `redis.waitReplicas`: nothing leaves Redis for the world until the replicas hold what caused it.
   * A message is acknowledged to WeChat, a send goes out and a transcript entry is written only
   * once they do (or the WAIT fell short), so a failover cannot take back the state behind
   * something already done outside: it cannot fire a step again that is in the record, nor lose
   * a message WeChat was told arrived. What it can still take back is the mark of the one send in
   * flight, which then goes out again.
   */
  const { waitReplicas } = config.redis
  const replicas =
    waitReplicas &&
    new ReplicaWait(
      redis,
      keysFor(config.redis.prefix).account,
      { replicas: waitReplicas.replicas, timeoutMs: waitReplicas.timeout },
      log.child({ room: 'redis' }),
      () => ops.replicaWaitShort(),
    )
  /**
   * Every transcript write, the recorder's and the retry queue's: after the replicas confirm what
   * led to it, and telling the alerts whether the store takes it.
   */
  const writeTranscript = async (batch: TranscriptBatch): Promise<void> => {
    await replicas?.confirm()
    return store.write(batch).then(
      () => ops.storeWritten(),
      (error: unknown) => {
        ops.storeFailed()
        throw error
      },
    )
  }
  events.on('recorded', (batch) => ops.recorded(batch))
  /** Staff messages, and posts from the bot's own account in a group: timers wait for them. */
  const answersCustomers = (message: InboundMessage) =>
    staff.get(message.from.id) !== undefined || message.room?.fromBot === true
  /**
   * A staff message timers must wait for, marked in flight until handled. Not when it is in its
   * queue already (spooled as well, its replicas unconfirmed): handled, it would hold them forever.
   */
  const holdTimersFor = async (message: InboundMessage) => {
    const { state, queues } = running()
    if (answersCustomers(message) && !(await queues.hasInbound(message)))
      await state.staffMessageReceived(message.id, message.receivedAt)
  }
  const intake = new Intake({
    redis,
    spool,
    log,
    async enqueue(message) {
      await holdTimersFor(message)
      await running().queues.enqueueInbound(message)
      return replicas ? replicas.confirm() : true
    },
    // Every spooled staff answer holds the timers back before any customer message goes in, so a
    // timer armed by one cannot fire past an answer still in the spool.
    beforeDrain: holdTimersFor,
  })

  /**
   * The parts that talk to Redis through BullMQ, built once Redis has answered: BullMQ connects
   * whatever it is given, and a bot that cannot start must leave nothing retrying behind.
   */
  let built: ReturnType<typeof build> | undefined
  function build() {
    const keys = keysFor(config.redis.prefix)
    const state = new RedisLiveState(redis, keys)
    const queues = new WorkQueues(
      redis,
      keys,
      {
        ...config.ingest,
        outbox: config.outbox,
        clock,
        onWorkerReplaced: (queue) => ops.workerReplaced(queue),
      },
      log,
    )
    const recorder = new TranscriptRecorder({ write: writeTranscript }, queues, log, (batch) =>
      events.emit('recorded', batch),
    )
    // The console is built with the rest, as its login links are in the kernel's io (`/console`).
    const consoleServer: ConsoleServer | undefined =
      config.console.port === undefined
        ? undefined
        : new ConsoleServer(
            {
              config,
              staff,
              state,
              store,
              text: new Text(config.locale, config.timeZone),
              clock,
              log: log.child({ room: 'web' }),
              submit: submitFromConsole,
              recordRead: recordConsoleRead,
              report: (range) => reportFrom(store, config, range),
              // Each sibling's live state under its own prefix, on the same Redis connection.
              siblings: config.console.accounts.map((account) => ({
                account,
                state: new RedisLiveState(redis, keysFor(account.prefix)),
              })),
            },
            consoleRoutes,
          )
    const links =
      consoleServer &&
      new ConsoleLinkIssuer(state, config.console, () =>
        consoleOrigin(config.console, consoleServer.address()),
      )
    const kernel = new Kernel({
      io: { state, store, timers: queues, ...(links ? { console: links } : {}) },
      commit: { outbox: queues, recorder },
      services: servicesFor(config, staff),
      settings: settingsFor(config),
      log: log.child({ room: 'handlers' }),
      clock,
      handlers: handlers().middleware(),
    })
    return { state, queues, recorder, kernel, consoleServer }
  }

  /** A conversation page was read: recorded as `/transcript` records it, through a unit of work. */
  async function recordConsoleRead(read: { conversationId: string; by: Staff; entries: number; at: number }) {
    const { state, queues, recorder } = running()
    const { conversationId, by } = read
    const rev =
      (await state.conversation(conversationId))?.rev ?? (await store.conversation(conversationId))?.rev ?? 0
    const work = new UnitOfWork(
      composeId('web', 'read', randomUUID()),
      read.at,
      { outbox: queues, recorder, state, timers: queues },
      0,
    )
    work.event({ id: conversationId, rev }, 'transcript-read', staffActor(by), {
      by: by.id,
      entries: read.entries,
      sight: sightOf(by),
      via: 'web',
    })
    await work.commit()
    log.info({ reader: by.id, conversation: conversationId, via: 'web' }, 'transcript read')
  }

  /**
   * A command from a console page, as if the staff member had typed it in WeChat: durable through
   * the bot's own `receive`, handled by the same kernel; resolves once it has been handled.
   */
  async function submitFromConsole(member: Staff, text: string): Promise<void> {
    const message: InboundMessage = {
      id: composeId('web', randomUUID()),
      from: { id: member.id, name: member.name },
      kind: 'text',
      text,
      receivedAt: clock(),
    }
    let heard: ((handled: InboundMessage) => void) | undefined
    const handled = new Promise<void>((resolve) => {
      heard = (handledMessage) => {
        if (handledMessage.id === message.id) resolve()
      }
      events.on('handled', heard)
    })
    try {
      await receive(message)
      await withTimeout(handled, CONSOLE_COMMAND_TIMEOUT_MS, `the bot handling "${text}" from the console`)
    } finally {
      if (heard) events.off('handled', heard)
    }
  }
  function running(): NonNullable<typeof built> {
    if (!built) throw new Error('the bot has not started')
    return built
  }

  /**
   * Staff listed without an id are looked up at login: by alias when they have one (the remark only
   * the bot account can set), else by name (which anyone can copy), then by that name as an alias.
   * Each gets a warning, as only an id is safe (docs/puppets.md); a name two contacts share is given
   * to neither.
   */
  async function resolveStaffNames(): Promise<void> {
    if (!channel) return
    for (const member of [...staff.unresolved]) {
      const query = member.alias ? { alias: member.alias } : { name: member.name ?? '' }
      let ids = await channel.findContacts(query)
      // A name nobody goes by may be the remark the bot account gave them, as it always could.
      if (ids.length === 0 && member.name && !member.alias)
        ids = await channel.findContacts({ alias: member.name })
      const [id] = ids
      if (ids.length === 1 && id) {
        staff.resolve(member, id)
        log.warn(
          { staff: query, id },
          'staff member listed without an id, found by it at this login: put the id into the staff list (/whoami tells it)',
        )
      } else if (ids.length === 0) {
        log.warn(
          { staff: query },
          'no WeChat contact found for a staff member; they are treated as a customer',
        )
      } else {
        log.warn(
          { staff: query, ids },
          'several WeChat contacts match a staff member listed without an id: none is taken, they are treated as customers',
        )
      }
    }
  }

  /** Takes the prefix's instance lock, or throws InstanceLockedError; then keeps it renewed. */
  async function takeLock(): Promise<void> {
    await lock
      .acquire((holder, ttlMs) =>
        log.info(
          { holder: shownHolder(holder), expiresInMs: ttlMs },
          'another process holds the instance lock of this prefix: waiting to see whether it renews it',
        ),
      )
      .catch(async (error: unknown) => {
        // A bot that may not start leaves no connection retrying behind.
        await redis.quit().catch(() => redis.disconnect())
        throw error
      })
    log.info({ prefix: config.redis.prefix, ttlMs: lock.ttlMs }, 'instance lock taken')
    lock.heartbeat({
      lost(holder) {
        // Safest is to stop: the other process now takes the jobs, and anything this one still
        // took in would be answered through that one's account. Work in progress finishes; what
        // arrives meanwhile goes to this bot's local spool, for its next start.
        intake.closed()
        log.error(
          { holder: shownHolder(holder) },
          'another process took over the instance lock of this prefix: this bot stops taking work',
        )
        events.emit('lock-lost', holder)
        stop().catch((error: unknown) => log.error({ err: (error as Error).message }, 'stop failed'))
      },
      retaken: () =>
        log.warn({ ttlMs: lock.ttlMs }, 'the instance lock had expired (Redis was away); taken again'),
      failed: (error) => log.warn({ err: (error as Error).message }, 'instance lock not renewed; retrying'),
    })
  }

  /** Says at start what of this Redis may lose the bot's work; where CONFIG is forbidden, says so once. */
  async function warnOfDurability(): Promise<void> {
    for (const { field, value, expected, why } of (await checkDurability(redis)).findings) {
      if (field === 'CONFIG')
        log.warn({ err: value, why }, 'Redis does not allow CONFIG GET: durability not checked')
      else log.warn({ field, value, expected, why }, "Redis may lose the bot's work")
    }
  }

  /** The channel has logged in once: contacts can be looked up. */
  let loggedIn = false
  let stopping: Promise<void> | undefined
  function stop(): Promise<void> {
    stopping ??= (async () => {
      try {
        // The health server and the alerts first: a stopping bot is no longer ready. Then the
        // workers, while the channel is still there for the sends in progress; what arrives meanwhile
        // is queued, durably, for the next start. Then the channel, then the connections.
        await built?.consoleServer?.close()
        await ops.stop()
        await built?.queues.stopWorkers()
        await channel?.stop()
        await built?.queues.close()
        await store.close()
      } finally {
        // The lock goes last, once nothing of this bot's works any more; a Redis that does not
        // answer leaves it to expire.
        await withTimeout(lock.release(), 2000).catch(() => undefined)
        await redis.quit().catch(() => redis.disconnect())
      }
      log.info({}, 'bot stopped')
    })()
    return stopping
  }

  async function runWorkers(channel: Channel): Promise<void> {
    const { state, queues, kernel } = running()
    await queues.start({
      inbound: async (message) => {
        await kernel.receive(message)
        if (answersCustomers(message)) await state.staffMessageHandled(message.id)
        events.emit('handled', message, clock())
      },
      // Messages still in the spool may include answers that beat the deadline: timers wait for them.
      timer: async (timer) => (intake.spooled > 0 ? { retryInMs: 1000 } : kernel.receiveTimer(timer)),
      send: async (message, id) => {
        await replicas?.confirm()
        await withTimeout(channel.send(message, id), config.outbox.sendTimeout, 'WeChat')
      },
      sendFailed: async (id, outgoing, error) => {
        log.error(
          { job: id, to: outgoing.to, err: error.message },
          'message could not be sent after every attempt',
        )
        const purpose = jobIds.sendParts(id)?.purpose ?? ''
        ops.sendFailed({
          outboxId: id,
          purpose,
          to: outgoing.to,
          staff: staff.get(outgoing.to) !== undefined,
        })
        await kernel.receiveSendFailure({ outboxId: id, purpose, outgoing, error: error.message })
      },
      write: async (batch) => {
        await writeTranscript(batch)
        events.emit('recorded', batch)
      },
    })
  }

  /**
   * The spool may have grown, or refused the message: the alerts look at once. A message in a room
   * nobody watches goes no further than this (`groups.watch`).
   */
  const receive = async (message: InboundMessage) => {
    if (message.room && !watches(config.groups, message.room)) {
      log.debug({ room: message.room.id, message: message.id }, 'message in a room not watched; ignored')
      return
    }
    await intake.receive(message).finally(() => ops.spoolChanged())
  }

  return {
    config,
    events,
    transcripts: store,
    receive,
    async start() {
      // Redis first, failing fast: a bot that cannot open leaves nothing retrying behind.
      await connectRedis(redis, config.redis)
      await takeLock()
      try {
        await warnOfDurability()
        await store.init()
        built = build()
        const { queues, kernel } = built
        // Pauses and resumes of the outbox take turns: BullMQ resuming a worker still pausing (a login
        // right after a logout) leaves a connection attempt whose rejection nobody handles.
        let outboxTurn = Promise.resolve()
        const outboxTurns = (next: () => Promise<void>) => {
          outboxTurn = outboxTurn
            .then(next)
            .catch((error: unknown) =>
              log.error({ err: (error as Error).message }, 'outbox pause or resume failed'),
            )
        }
        intake.opened()
        await ops.start()
        const opened = await openChannel()
        await opened.start({
          onMessage: receive,
          onLogout: () => {
            ops.loggedOutOfWeChat()
            outboxTurns(() => queues.pauseOutbox())
          },
          onLogin: () => {
            ops.loggedInToWeChat()
            outboxTurns(() => queues.resumeOutbox())
          },
        })
        ops.loggedInToWeChat()
        loggedIn = true
        await resolveStaffNames()
        await runWorkers(opened)
        await kernel.recover()
        // Once the workers run: a page's command is handled as soon as it is sent.
        if (built.consoleServer && config.console.port !== undefined)
          await built.consoleServer.listen(config.console.host, config.console.port)
      } catch (error) {
        // What started stops, and the lock goes back: an embedding process may live on.
        await stop().catch(() => undefined)
        throw error
      }
      log.info({ prefix: config.redis.prefix, staff: staff.all().length }, 'bot started')
    },
    stop,
    async pendingWork() {
      const counts = (await built?.queues.counts()) ?? {}
      return Object.values(counts).reduce((sum, count) => sum + count, 0)
    },
    queueCounts: async () => (await built?.queues.counts()) ?? {},
    async updateStaff(members) {
      const before = staff.all().map((member) => member.id)
      staff.replace(parseStaff(members))
      // The guard looks at the list on every request too; this leaves no session behind in Redis.
      for (const id of before.filter((id) => !staff.get(id))) await built?.state.endConsoleSessionsOf(id)
      // Entries without an id new to the list are looked up as at login (those found before stay).
      if (loggedIn) await resolveStaffNames()
      await built?.kernel.recover()
      log.info({ staff: staff.all().length }, 'staff list updated')
    },
    httpAddress: () => ops.address(),
    consoleAddress: () => built?.consoleServer?.address(),
  }
}

/**
 * Fails fast, with a RedisUnreachableError saying how to get Redis, when nothing answers at the
 * configured URL: the demo checks before it builds anything that would retry or print on its own.
 */
export async function checkRedis(config: Pick<Config, 'redis'>): Promise<void> {
  const redis = createRedis({ ...config.redis, batchWrites: false })
  await connectRedis(redis, config.redis)
  await redis.quit().catch(() => redis.disconnect())
}

/** A lock holder as the log shows it: where and since when (its token stays private). */
function shownHolder(holder: LockHolder | string): object {
  return typeof holder === 'string'
    ? { value: holder }
    : { host: holder.host, pid: holder.pid, since: new Date(holder.since).toISOString() }
}

/** Whether the deployment's Redis keeps what the bot gives it (AOF, no eviction), for a doctor. */
export async function redisDurability(config: Pick<Config, 'redis'>): Promise<Durability> {
  const redis = createRedis(config.redis)
  try {
    await connectRedis(redis, config.redis)
    return await checkDurability(redis)
  } finally {
    await redis.quit().catch(() => redis.disconnect())
  }
}

/** Removes every Redis key of one deployment: what the demo, tests and benchmarks leave behind. */
export async function removeDeployment(config: Pick<Config, 'redis'>): Promise<number> {
  const redis = createRedis(config.redis)
  try {
    await connectRedis(redis, config.redis)
    return await deletePrefix(redis, config.redis.prefix)
  } finally {
    await redis.quit().catch(() => redis.disconnect())
  }
}

/** Connects to the configured Redis as the bot would and hears PING answered (`kefu doctor`). */
export async function pingRedis(config: Pick<Config, 'redis'>): Promise<void> {
  const redis = createRedis(config.redis)
  try {
    await connectRedis(redis, config.redis)
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

/** Who runs a `kefu export` or `kefu erase`, and when: what its audit record names. */
export interface Operator {
  customerId: string
  by: string
  at: number
}

const cliAudit = (action: AuditAction, operator: Operator, counts: ErasedCounts) => ({
  id: composeId('audit', action, 'cli', operator.at, process.pid),
  at: operator.at,
  action,
  by: operator.by,
  via: 'cli' as const,
  customerId: operator.customerId,
  ...counts,
})

/**
 * Everything stored about one customer, as the WeChat `/export` gives it, audited (docs/privacy.md);
 * undefined, and nothing audited, when nothing is stored.
 */
export async function exportCustomerData(
  config: Pick<Config, 'store'>,
  operator: Operator,
): Promise<{ document: string; summary: CustomerDataSummary } | undefined> {
  const store = openTranscriptStore(config.store, { existing: true })
  try {
    await store.init()
    const data = await store.customerData(operator.customerId)
    if (storesNothing(data)) return undefined
    const summary = summarise(data)
    await store.writeAudit(cliAudit('export', operator, summary))
    return { document: exportDocument(data, operator.at), summary }
  } finally {
    await store.close().catch(() => undefined)
  }
}

export type EraseOutcome =
  | { status: 'erased'; counts: ErasedCounts }
  | { status: 'refused'; reason: 'open' | 'waiting-in-group'; code: string }
  | { status: 'not-found' }

/**
 * Erases one customer as the WeChat `/erase … confirm` does, for when the bot account is logged out:
 * their live state in Redis (refused while a conversation is open), then their transcripts, audited.
 * Redis must answer: without it an open conversation could not be seen.
 */
export async function eraseCustomerData(
  config: Pick<Config, 'store' | 'redis'>,
  operator: Operator,
): Promise<EraseOutcome> {
  const store = openTranscriptStore(config.store, { existing: true })
  const redis = createRedis(config.redis)
  try {
    await store.init()
    const data = await store.customerData(operator.customerId)
    // Someone who only ever wrote in groups has no conversation, yet entries to erase.
    if (storesNothing(data)) return { status: 'not-found' }
    await connectRedis(redis, config.redis)
    const forgotten = await new RedisLiveState(redis, keysFor(config.redis.prefix)).forgetCustomer({
      customerId: operator.customerId,
      mode: 'now',
      by: operator.by,
      askFor: 0,
      conversationIds: data.conversations.map((conversation) => conversation.id),
    })
    if (forgotten.status === 'refused')
      return { status: 'refused', reason: forgotten.reason, code: forgotten.code }
    const counts = await store.eraseCustomer(operator.customerId)
    await store.writeAudit(cliAudit('erase', operator, counts))
    return { status: 'erased', counts }
  } finally {
    await store.close().catch(() => undefined)
    await redis.quit().catch(() => redis.disconnect())
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
  const store = openTranscriptStore(config.store, { existing: true })
  try {
    await store.init()
    return await reportFrom(store, config, range, progress)
  } finally {
    await store.close().catch(() => undefined)
  }
}

/** The KPI report of `from`…`to` from an open store: `npm run report`'s, and the console's. */
async function reportFrom(
  store: TranscriptStore,
  config: Config,
  range: { from: string; to: string; by: ReportGrouping },
  progress: (key: TextKey, vars?: TextVars) => void = () => undefined,
): Promise<KpiReport> {
  return buildReport(await reportInput(store, config, range, progress), reportOptions(config, range))
}

const reportOptions = (config: Config, range: { from: string; to: string; by: ReportGrouping }) => ({
  ...range,
  timeZone: config.timeZone,
  tally: config.tally,
  groupReplyTimeout: config.groups.replyTimeout,
})

/** What a report of `from`…`to` is made of, read from an open store. */
async function reportInput(
  store: TranscriptStore,
  config: Config,
  range: { from: string; to: string },
  progress: (key: TextKey, vars?: TextVars) => void,
): Promise<ReportInput> {
  const { timeZone } = config
  const { start, end } = reportWindow(range.from, range.to, timeZone)
  // The end-of-day sweep for the last day may run after midnight: read one day further, and let
  // buildReport place each day-unresolved event on the day it names.
  const sweepEnd = reportWindow(range.from, addDays(range.to, 1), timeZone).end
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
  return { conversations, events }
}

/**
 * Why several accounts cannot be reported together: two are one (one name, or one store, which
 * would count it twice), or their rules differ (a total needs one time zone, one tally, one group
 * timeout). `first` and `second` name the accounts.
 */
export class AccountsClashError extends Error {
  override readonly name = 'AccountsClashError'
  constructor(
    readonly clash: 'name' | 'store' | 'timeZone' | 'tally' | 'groupReplyTimeout',
    readonly first: string,
    readonly second: string,
  ) {
    super(`accounts ${first} and ${second} clash: ${clash}`)
  }
}

/** Where an account's transcripts are: one store may belong to one account only. */
const storeOf = (config: Config) => config.store.mongodbUri ?? resolvePath(config.store.file)

function checkAccounts(configs: readonly Config[]): void {
  const [first] = configs
  configs.forEach((config, index) => {
    for (const earlier of configs.slice(0, index)) {
      const pair = [earlier.account.name, config.account.name] as const
      if (earlier.account.name === config.account.name) throw new AccountsClashError('name', ...pair)
      if (storeOf(earlier) === storeOf(config)) throw new AccountsClashError('store', ...pair)
    }
    if (!first || config === first) return
    const pair = [first.account.name, config.account.name] as const
    if (config.timeZone !== first.timeZone) throw new AccountsClashError('timeZone', ...pair)
    if (!isDeepStrictEqual(config.tally, first.tally)) throw new AccountsClashError('tally', ...pair)
    if (config.groups.replyTimeout !== first.groups.replyTimeout)
      throw new AccountsClashError('groupReplyTimeout', ...pair)
  })
}

/**
 * A manager's report of several accounts (each its own config: its own store): each account's
 * report, and their total, one row per account. Every store is read once; `progress` hears which
 * account is read.
 */
export async function readAccountsReport(
  configs: readonly Config[],
  range: { from: string; to: string; by: ReportGrouping },
  progress: (key: TextKey, vars?: TextVars) => void,
): Promise<{ accounts: { config: Config; report: KpiReport }[]; total: KpiReport }> {
  checkAccounts(configs)
  const inputs: { config: Config; input: ReportInput }[] = []
  for (const config of configs) {
    progress('report.cli.readingAccount', { account: accountLabel(config.account) })
    const store = openTranscriptStore(config.store, { existing: true })
    try {
      await store.init()
      inputs.push({ config, input: await reportInput(store, config, range, progress) })
    } finally {
      await store.close().catch(() => undefined)
    }
  }
  const [first] = configs
  if (!first) throw new RangeError('no account to report')
  return {
    accounts: inputs.map(({ config, input }) => ({
      config,
      report: buildReport(input, reportOptions(config, range)),
    })),
    total: buildAccountsReport(
      inputs.map(({ config, input }) => ({ account: config.account.name, input })),
      reportOptions(first, range),
    ),
  }
}
