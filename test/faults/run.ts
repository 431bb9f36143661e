import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import Database from 'better-sqlite3'
import { type ConfigInput, parseConfig } from '../../src/domain/config.js'
import type { RoomRef } from '../../src/domain/group-config.js'
import { RedisCluster } from '../support/redis-cluster.js'
import { MASTER_NAME, RedisSentinelGroup } from '../support/redis-sentinel.js'
import { audit } from './audit.js'
import type { LoadAudit } from './load-audit.js'
import { RedisServer } from './redis-server.js'
import { FaultWorld } from './world.js'

/**
 * `npm run test:faults`: the bot in a process of its own under faults, with a scripted load of
 * customers and agents, then an audit of the invariants (every message in the transcript once and
 * forwarded, every overdue waiting period escalated once, nothing else). Prints a table; exits 1
 * when any invariant is broken. `--full` runs longer loads than the CI profile.
 */
const full = process.argv.includes('--full')
/**
 * `--ha`: instead, the bot on a Redis Cluster (3 masters, 3 replicas) and on a Sentinel group of the
 * suite's own: the vitest runs of HA_CONFIGS, then HA_SCENARIOS (a master SIGKILLed under load; on a
 * Cluster, the bot SIGKILLed and restarted too).
 */
const ha = process.argv.includes('--ha')
/** `--only=kill,redis` runs just those scenarios (names: see SCENARIOS), to chase one fault. */
const only = process.argv
  .find((arg) => arg.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',')
const seed = Number(process.env.FAULT_SEED ?? Date.now() % 1_000_000)
const random = mulberry32(seed)
const between = (low: number, high: number) => low + random() * (high - low)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const AGENTS = ['agent-1', 'agent-2', 'agent-3', 'agent-4']
const REPLY_TIMEOUT_MS = 2000
/** Watched rooms; their 10-minute rule is shortened like the 1:1 timeout. */
const ROOMS: RoomRef[] = [1, 2, 3].map((n) => ({ id: `room-${n}@chatroom`, topic: `客户群${n}` }))
const GROUP_TIMEOUT_MS = 2000

/** Where the bot's Redis is: one server's URL, a Sentinel group, or a Cluster (and its prefix). */
type RedisTarget = Omit<NonNullable<ConfigInput['redis']>, 'lockTtl'>

function config(redis: RedisTarget): ConfigInput {
  return {
    // A killed bot's lock holds its restart back until it expires: 1 s, not 15 s, per kill.
    redis: { prefix: `faults-${randomBytes(3).toString('hex')}`, ...redis, lockTtl: '1s' },
    staff: [
      ...AGENTS.map((id) => ({ id, name: id, roles: ['agent' as const] })),
      { id: 'supervisor-1', name: 'supervisor-1', roles: ['supervisor' as const] },
    ],
    sla: { replyTimeout: `${REPLY_TIMEOUT_MS}ms` },
    routing: { maxPerAgent: 50 },
    // `mention`: a staff message answers only the customer it @-mentions, so the runner decides
    // per waiting period whether it is answered in time, late or never.
    groups: {
      watch: ROOMS.map((room) => room.id),
      answeredBy: 'mention',
      replyTimeout: `${GROUP_TIMEOUT_MS}ms`,
    },
    // Retries every 3 s at most, 20 of them: a send outlives each fault window and then goes out.
    outbox: { rate: { max: 1000, per: '1s' }, attempts: 20, backoff: '100ms', sendTimeout: '1s' },
  }
}

interface Row extends LoadAudit {
  scenario: string
  faults: string
  load: '1:1' | 'groups'
  /** A measurement of what a known weakness costs: printed, not failed. */
  measured?: boolean
}

/** Staff answers scheduled and not yet written: the run settles only once none is left to come. */
let answersDue = 0
function answerLater(ms: number, answer: () => void): void {
  answersDue++
  setTimeout(() => {
    answersDue--
    answer()
  }, ms)
}

/** Agents answer some forwards, some before the deadline and some after, by code. */
function agentsAnswer(world: FaultWorld): void {
  world.whenSent((sent) => {
    if (!AGENTS.includes(sent.to)) return
    const forward = /^【([A-Z]\d+)】[^：]+：(msg-\d+)$/.exec(sent.text)
    if (!forward || random() < 0.4) return
    const [, code, text] = forward
    answerLater(between(200, REPLY_TIMEOUT_MS * 1.6), () => world.staffSays(sent.to, `${code} 回复 ${text}`))
  })
}

/**
 * Customers write at random moments for `durationMs`, `perSecond` messages a second on average;
 * every message text is unique in the run.
 */
let written = 0
async function customersWrite(
  world: FaultWorld,
  customers: number,
  durationMs: number,
  perSecond = 6.7,
): Promise<void> {
  const end = Date.now() + durationMs
  const gap = 1000 / perSecond
  while (Date.now() < end) {
    world.customerSays(`customer-${Math.floor(random() * customers)}`, `msg-${++written}`)
    await sleep(between(gap * 0.33, gap * 1.67))
  }
}

/**
 * Customers also write in the watched rooms; for each message an agent answers the writer in the
 * room (@-mentioning them) before the group deadline, or after it, or not at all. An answer ends
 * whichever waiting period the customer is in when it arrives, as in WeChat.
 */
let writtenInRooms = 0
async function customersWriteInRooms(
  world: FaultWorld,
  customers: number,
  durationMs: number,
): Promise<void> {
  const end = Date.now() + durationMs
  while (Date.now() < end) {
    const room = pick(ROOMS)
    const customer = `customer-${Math.floor(random() * customers)}`
    const text = `请问 gmsg-${++writtenInRooms}`
    world.customerSaysIn(room, customer, text)
    const chance = random()
    const agent = pick(AGENTS)
    const answerIn =
      chance < 0.4
        ? between(200, GROUP_TIMEOUT_MS * 0.95)
        : chance < 0.75
          ? between(GROUP_TIMEOUT_MS * 1.05, GROUP_TIMEOUT_MS * 2.4)
          : undefined
    if (answerIn !== undefined)
      answerLater(answerIn, () => world.staffSaysIn(room, agent, `@${customer} 回复 ${text}`, [customer]))
    await sleep(between(150, 600))
  }
}

/** Waits until the bot is idle and every step that could fall due has. */
async function settle(world: FaultWorld): Promise<number> {
  const { sla, groups } = parseConfig(world.config)
  await sleep(Math.max(sla.ladder.at(-1)?.after ?? 0, groups.ladder.at(-1)?.after ?? 0) + 1500)
  // Jobs caught in a crash run again once their lock lapses (10 s), so allow for a few rounds.
  const deadline = Date.now() + 120_000
  while ((await world.pending()) > 0 || world.unackedCount > 0 || answersDue > 0) {
    if (Date.now() > deadline) {
      throw new Error(
        `the bot did not settle within 120 s (${await world.pending()} jobs, ${world.unackedCount} unacked, ${answersDue} answers to come)`,
      )
    }
    await sleep(200)
  }
  return Date.now()
}

/** Starts a world with agents on duty and answering, runs `faults` beside a customer load, audits. */
async function scenario(
  redis: RedisServer | RedisTarget,
  name: string,
  loadMs: number,
  faults: (world: FaultWorld, loadRunning: () => boolean) => Promise<string>,
  perSecond?: number,
): Promise<Row[]> {
  const world = new FaultWorld(config(redis instanceof RedisServer ? { url: redis.url } : redis))
  agentsAnswer(world)
  await world.start()
  for (const agent of AGENTS) world.staffSays(agent, '/on')
  let running = true
  const load = Promise.all([
    customersWrite(world, 25, loadMs, perSecond),
    customersWriteInRooms(world, 25, loadMs),
  ]).finally(() => {
    running = false
  })
  let endAt: number
  let description: string
  try {
    description = await faults(world, () => running)
    await load
    endAt = await settle(world)
  } catch (error) {
    // A run that cannot finish leaves no bot behind, retrying against servers about to go.
    await world.close(true)
    throw error
  }
  await world.stop()
  const replaced = world.replacedWorkers()
  // The watchdog's work shows in the table: a replaced worker is a fault BullMQ made, not this run.
  if (replaced.length > 0) description += `; stuck worker replaced: ${replaced.join(', ')}`
  const { oneToOne, groups } = await audit(world, parseConfig(world.config), endAt)
  const rows: Row[] = [
    { scenario: name, faults: description, load: '1:1', ...oneToOne },
    { scenario: name, faults: description, load: 'groups', ...groups },
  ]
  await world.close(rows.some((row) => broken(row) > 0))
  return rows
}

/**
 * The bot SIGKILLed and restarted, 20 times at least, under load: on the suite's one server, or on
 * a Redis Cluster (`cluster-kill`), where each restart discovers the slot map anew.
 */
function killScenario(
  redis: RedisServer | RedisTarget,
  name = 'bot killed (SIGKILL), restarted',
): Promise<Row[]> {
  return scenario(redis, name, full ? 120_000 : 40_000, async (world, loadRunning) => {
    let kills = 0
    while (loadRunning() || kills < 20) {
      await sleep(between(600, 1800))
      await world.restart()
      kills++
    }
    return `${kills} kills`
  })
}

function stopScenario(redis: RedisServer): Promise<Row[]> {
  return scenario(
    redis,
    'bot stopped (SIGTERM) under load',
    full ? 60_000 : 20_000,
    async (world, loadRunning) => {
      let stops = 0
      let longest = 0
      let unclean = 0
      while (loadRunning()) {
        await sleep(between(1500, 3500))
        const { ms, code } = await world.stop()
        longest = Math.max(longest, ms)
        if (code !== 0) unclean++
        stops++
        await world.start()
      }
      stopBound.longest = Math.max(stopBound.longest, longest)
      stopBound.unclean += unclean
      return `${stops} stops (${unclean ? `${unclean} not exit 0` : 'each exit 0'}), slowest exit ${longest} ms`
    },
  )
}

function redisScenario(redis: RedisServer): Promise<Row[]> {
  const outageMs = full ? 30_000 : 10_000
  return scenario(
    redis,
    'Redis restarted (AOF), then away',
    outageMs + (full ? 40_000 : 15_000),
    async () => {
      await sleep(4000)
      await redis.restart()
      await sleep(4000)
      await redis.down()
      await sleep(outageMs)
      await redis.up()
      return `1 restart, ${outageMs / 1000} s outage`
    },
  )
}

function storeScenario(redis: RedisServer): Promise<Row[]> {
  const outageMs = full ? 60_000 : 15_000
  return scenario(redis, 'transcript store locked', outageMs + 15_000, async (world) => {
    await sleep(5000)
    // Another writer holds the SQLite file: every write of the bot's is refused meanwhile.
    const lock = new Database(world.storeFile)
    lock.exec('BEGIN EXCLUSIVE')
    const before = world.sent.length
    await sleep(outageMs)
    const flowed = world.sent.length - before
    lock.exec('COMMIT')
    lock.close()
    if (flowed === 0) throw new Error('no message flowed while the store was locked')
    return `${outageMs / 1000} s locked, ${flowed} sends meanwhile`
  })
}

function wechatScenario(redis: RedisServer): Promise<Row[]> {
  const step = full ? 15_000 : 6000
  return scenario(redis, 'WeChat refuses, hangs, logs out', step * 4 + 5000, async (world) => {
    world.block('customer-blocked')
    world.customerSays('customer-blocked', 'msg-blocked')
    for (const mode of ['fail', 'hang', 'logged-out'] as const) {
      await sleep(step / 2)
      world.wechat(mode)
      await sleep(step)
      world.wechat('ok')
    }
    await sleep(step / 2)
    sendFailures.alerts = () =>
      world.sent.filter((sent) => sent.to === 'supervisor-1' && sent.text.includes('【发送失败】')).length
    return `${step / 1000} s each refusing, hanging, logged out; 1 blocked customer`
  })
}

const SCENARIOS: Record<string, (redis: RedisServer) => Promise<Row[]>> = {
  kill: killScenario,
  stop: stopScenario,
  redis: redisScenario,
  store: storeScenario,
  wechat: wechatScenario,
}

/**
 * The HA scenarios' 1:1 load, messages a second: a busy account's, so that the kill falls among
 * writes in flight (acknowledged to WeChat, not yet on the replica) rather than between them.
 */
const HA_RATE = 20
const HA_LOAD_MS = full ? 60_000 : 20_000
const KILL_AFTER_MS = 6000

/** `redis.waitReplicas` as the HA scenarios that bound the loss set it. */
const WAIT_ONE = { replicas: 1, timeout: '500ms' }
/**
 * The replication latency the lagging scenario puts between master and replica: far more than
 * between two zones, so that a kill catches what is on its way (at 100 ms it caught nothing here).
 */
const LAG_MS = 500

/**
 * A Sentinel group's master SIGKILLed under load: the sentinels promote the replica. `lagMs` puts a
 * latency on the replication link, so the kill catches writes on their way to the replica.
 */
function sentinelScenario(
  lagMs: number,
  waitReplicas?: typeof WAIT_ONE,
  measured = false,
): () => Promise<Row[]> {
  return async () => {
    const group = await RedisSentinelGroup.start(1000, lagMs)
    try {
      const target = { sentinels: group.sentinelEndpoints, name: MASTER_NAME, waitReplicas }
      const rows = await scenario(
        target,
        `Sentinel master killed${lagMs ? `, ${lagMs} ms replication lag` : ''}, ${waitOf(waitReplicas)}`,
        HA_LOAD_MS,
        async () => {
          await sleep(KILL_AFTER_MS)
          const killedAt = Date.now()
          const { former, bytesTakenBack } = await group.killMaster(lagMs > 0)
          await group.failedOver(former)
          return `SIGKILL at ${KILL_AFTER_MS / 1000} s, ${bytesTakenBack} bytes not yet on the replica; promoted in ${Date.now() - killedAt} ms`
        },
        HA_RATE,
      )
      return rows.map((row) => ({ ...row, measured }))
    } finally {
      await group.close()
    }
  }
}

/**
 * A fresh 3/3 Cluster for one scenario, closed after it; the account's prefix is hash-tagged, so
 * all its keys share one slot, as in production.
 */
async function onCluster(
  run: (target: RedisTarget & { prefix: string }, cluster: RedisCluster) => Promise<Row[]>,
): Promise<Row[]> {
  const cluster = await RedisCluster.start()
  try {
    const prefix = `{faults-${randomBytes(3).toString('hex')}}`
    return await run({ cluster: { nodes: cluster.nodes }, prefix }, cluster)
  } finally {
    await cluster.close()
  }
}

/** The master of the account's slot in a 3/3 Cluster SIGKILLed under load: its replica takes over. */
function clusterScenario(waitReplicas?: typeof WAIT_ONE): () => Promise<Row[]> {
  return () =>
    onCluster((target, cluster) =>
      scenario(
        { ...target, waitReplicas },
        `Cluster master killed, ${waitOf(waitReplicas)}`,
        HA_LOAD_MS,
        async () => {
          await sleep(KILL_AFTER_MS)
          const killedAt = Date.now()
          await (await cluster.masterOf(target.prefix)).kill()
          await cluster.healthy()
          return `the account's master SIGKILLed at ${KILL_AFTER_MS / 1000} s; replica took over in ${Date.now() - killedAt} ms`
        },
        HA_RATE,
      ),
    )
}

function waitOf(waitReplicas: typeof WAIT_ONE | undefined): string {
  return waitReplicas ? `WAIT ${waitReplicas.replicas} ${waitReplicas.timeout}` : 'no WAIT'
}

const HA_SCENARIOS: Record<string, () => Promise<Row[]>> = {
  sentinel: sentinelScenario(0),
  'sentinel-wait': sentinelScenario(0, WAIT_ONE),
  // What asynchronous replication costs over a slow link, shown rather than judged: see README.
  'sentinel-lag': sentinelScenario(LAG_MS, undefined, true),
  'sentinel-lag-wait': sentinelScenario(LAG_MS, { replicas: 1, timeout: '1500ms' }, true),
  cluster: clusterScenario(),
  'cluster-wait': clusterScenario(WAIT_ONE),
  // The bot, not Redis, killed: the kill scenario's invariants on a Cluster, every one gated.
  'cluster-kill': () =>
    onCluster((target) => killScenario(target, 'Cluster: bot killed (SIGKILL), restarted')),
}

/** The blocked customer's messages can never go out: each must reach the supervisor as an alert. */
const sendFailures: { alerts: () => number } = { alerts: () => 0 }

/** SIGTERM must end the bot within this bound, work in progress done, with exit code 0. */
const STOP_BOUND_MS = 10_000
const stopBound = { longest: 0, unclean: 0 }

function table(rows: Row[]): string {
  const columns: [string, (row: Row) => string | number | undefined][] = [
    // A scenario's groups row follows its 1:1 row and repeats neither name nor faults.
    ['scenario', (row) => (row.load === '1:1' ? `${row.scenario}${row.measured ? ' (measured)' : ''}` : '')],
    ['faults', (row) => (row.load === '1:1' ? row.faults : '')],
    ['load', (row) => row.load],
    ['customer messages', (row) => row.messages],
    ['lost at the door', (row) => row.lostAtTheDoor],
    ['not in record', (row) => row.notInRecord],
    ['recorded twice', (row) => row.recordedTwice],
    ['out of order', (row) => row.outOfOrder],
    ['not forwarded', (row) => row.notForwarded],
    ['duplicate sends', (row) => row.duplicateSends],
    ['escalations due', (row) => row.escalationsDue],
    ['missed', (row) => row.missed],
    ['doubled', (row) => row.doubled],
    ['false alerts', (row) => row.falseAlerts],
  ]
  const cells = rows.map((row) => columns.map(([, value]) => String(value(row) ?? '—')))
  const widths = columns.map(([title], n) =>
    Math.max(title.length, ...cells.map((row) => (row[n] ?? '').length)),
  )
  const line = (values: string[]) =>
    `| ${values.map((value, n) => value.padEnd(widths[n] ?? 0)).join(' | ')} |`
  return [
    line(columns.map(([title]) => title)),
    line(widths.map((w) => '-'.repeat(w))),
    ...cells.map(line),
  ].join('\n')
}

/** Broken invariants; duplicate sends are counted and documented, not failed (see README). */
function broken(row: Row): number {
  return (
    row.lostAtTheDoor +
    row.notInRecord +
    row.recordedTwice +
    row.outOfOrder +
    (row.notForwarded ?? 0) +
    row.missed +
    row.doubled +
    row.falseAlerts +
    (row.inconsistent ?? 0)
  )
}

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T
}

function mulberry32(start: number): () => number {
  let state = start >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * The HA vitest runs, in turn: the test/ha files, then the e2e core loop, escalation and routing on
 * a Cluster (test/ha/vitest.e2e-cluster.config.ts).
 */
const HA_CONFIGS = ['test/ha/vitest.config.ts', 'test/ha/vitest.e2e-cluster.config.ts']

/** Runs each of HA_CONFIGS even when one before failed; resolves to the first failure's exit code, or 0. */
async function runHa(): Promise<number> {
  let failed = 0
  for (const config of HA_CONFIGS) {
    const child = spawn('npx', ['vitest', 'run', '--config', config], { stdio: 'inherit' })
    const code = await new Promise<number>((resolve) => child.once('exit', (exit) => resolve(exit ?? 1)))
    failed ||= code
  }
  return failed
}

async function main(): Promise<void> {
  // `--ha --only=sentinel` chases one HA scenario: the HA vitest runs are left out then.
  const haFailed = ha && !only ? await runHa() : 0
  process.stderr.write(
    `faults: seed ${seed} (FAULT_SEED=${seed} repeats this run), ${full ? 'full' : 'CI'} profile${ha ? ', HA' : ''}\n`,
  )
  const names = Object.keys(ha ? HA_SCENARIOS : SCENARIOS)
  const unknown = only?.filter((name) => !names.includes(name)) ?? []
  if (unknown.length) throw new Error(`no scenario ${unknown.join(', ')}; there are ${names.join(', ')}`)
  // The single-server scenarios share one Redis of the suite's; each HA scenario starts its own.
  const redis = ha ? undefined : await RedisServer.start()
  const runs = Object.entries(
    redis
      ? Object.fromEntries(Object.entries(SCENARIOS).map(([name, run]) => [name, () => run(redis)]))
      : HA_SCENARIOS,
  )
  const rows: Row[] = []
  try {
    for (const [name, run] of runs) {
      if (only && !only.includes(name)) continue
      const started = Date.now()
      const done = await run()
      rows.push(...done)
      const broke = done.reduce((sum, row) => sum + broken(row), 0)
      process.stderr.write(
        `faults: ${name} done in ${Math.round((Date.now() - started) / 1000)} s, ${broke} invariant violations\n`,
      )
    }
    if (!ha && (!only || only.includes('wechat')) && sendFailures.alerts() === 0) {
      process.stdout.write(
        'faults: no supervisor alert for messages to a customer WeChat never delivers to\n',
      )
      process.exitCode = 1
    }
    if (haFailed) {
      process.stdout.write('faults: an HA vitest run failed (see above)\n')
      process.exitCode = 1
    }
  } finally {
    await redis?.close()
  }
  process.stdout.write(`${table(rows)}\n`)
  for (const row of rows) {
    for (const finding of row.findings)
      process.stdout.write(`faults: ${row.scenario} (${row.load}): ${finding}\n`)
  }
  if (!ha) process.stdout.write(`\nfailed sends reported to the supervisor: ${sendFailures.alerts()}\n`)
  let failures =
    rows.filter((row) => !row.measured).reduce((sum, row) => sum + broken(row), 0) +
    Number(process.exitCode ?? 0)
  if (stopBound.longest > STOP_BOUND_MS) {
    process.stdout.write(
      `\nfaults: a graceful stop took ${stopBound.longest} ms (bound ${STOP_BOUND_MS} ms)\n`,
    )
    failures++
  }
  if (stopBound.unclean > 0) {
    process.stdout.write(`\nfaults: ${stopBound.unclean} graceful stops did not exit 0\n`)
    failures += stopBound.unclean
  }
  process.stdout.write(
    failures ? `\nfaults: ${failures} invariant violations\n` : '\nfaults: every invariant held\n',
  )
  process.exitCode = failures ? 1 : 0
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    process.stderr.write(`faults: the run failed: ${(error as Error)?.stack ?? error}\n`)
    process.exit(1)
  },
)
