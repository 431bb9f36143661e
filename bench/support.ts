import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { Cluster, Redis } from 'ioredis'
import { createBot } from '../src/app.js'
import type { ConfigInput } from '../src/domain/config.js'
import type { InboundMessage } from '../src/domain/inbound.js'
import { createLog } from '../src/log/log.js'
import { deletePrefix } from '../src/queue/connection.js'
import { queueNames } from '../src/queue/keys.js'

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

/** One row of the results table. */
export interface Figure {
  section: string
  measure: string
  value: string
  target?: string
  /** Whether the value meets its target; undefined where there is none. */
  met?: boolean
}

/** Progress goes to stderr, so stdout holds only the table. */
export function progress(line: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`)
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[index] ?? Number.NaN
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

export async function until(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`bench: timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(20)
  }
}

export function agents(count: number): ConfigInput['staff'] {
  return [
    ...Array.from({ length: count }, (_, n) => ({
      id: `agent-${n}`,
      name: `客服${n}`,
      roles: ['agent' as const],
    })),
    { id: 'supervisor-0', name: '主管', roles: ['supervisor' as const] },
  ]
}

let messageNumber = 0
export function inbound(from: string, text: string): InboundMessage {
  return {
    id: `bench-${++messageNumber}`,
    from: { id: from, name: from },
    kind: 'text',
    text,
    receivedAt: Date.now(),
  }
}

/** A message in a WeChat room, @-mentioning `mentions`. */
export function inboundIn(
  roomId: string,
  from: string,
  text: string,
  mentions: string[] = [],
): InboundMessage {
  return {
    ...inbound(from, text),
    room: { id: roomId, topic: roomId, mentions, mentionsBot: false, fromBot: false },
  }
}

/** Where a bench bot keeps its keys: a Redis (REDIS_URL unless given) or a Cluster, and the prefix. */
export interface BenchRedis {
  url?: string
  cluster?: { nodes: { host: string; port: number }[] }
  /** Default: a fresh prefix. */
  prefix?: string
  /** How the bot waits for replicas (`redis.waitReplicas`). */
  waitReplicas?: NonNullable<ConfigInput['redis']>['waitReplicas']
}

/**
 * The bot on its own Redis prefix and store file, without WeChat: sends are counted, not made.
 * `redis` places it (default: a fresh prefix on REDIS_URL). `close` removes every key and file it made.
 */
export async function benchEngine(
  config: Omit<ConfigInput, 'redis' | 'store' | 'staff'> & { agents: number; redis?: BenchRedis },
) {
  const { agents: agentCount, redis: placement, ...rest } = config
  const { prefix = `bench-${randomBytes(4).toString('hex')}`, ...target } = placement ?? { url: REDIS_URL }
  const dir = mkdtempSync(join(tmpdir(), 'kefu-bench-'))
  let sends = 0
  const engine = createBot(
    {
      ...rest,
      redis: { ...target, prefix },
      store: { file: join(dir, 'transcripts.db') },
      staff: agents(agentCount),
    },
    {
      log: createLog({ level: 'warn', destination: process.stderr }),
      channel: {
        start: async () => undefined,
        stop: async () => undefined,
        findContacts: async () => [],
        send: async () => {
          sends++
        },
      },
    },
  )
  await engine.start()
  /** Jobs still to do in the queues that carry messages in (ingest) and transcripts (retries). */
  const busy = async (): Promise<number> => {
    const counts = await engine.queueCounts()
    return Object.entries(counts)
      .filter(([queue]) => queue.startsWith('ingest') || queue === 'transcript')
      .reduce((sum, [, count]) => sum + count, 0)
  }
  /** Timers due now or within a second, or looking again shortly: escalations still to come. */
  const timersDue = async (): Promise<number> => (await engine.queueCounts())[queueNames.timers] ?? 0
  for (let n = 0; n < agentCount; n++) await engine.receive(inbound(`agent-${n}`, '/on'))
  await until(async () => (await busy()) === 0, 30_000, 'agents to go on duty')
  return {
    engine,
    prefix,
    sends: () => sends,
    busy,
    timersDue,
    async close(): Promise<void> {
      await engine.stop()
      const redis = target.cluster ? new Cluster(target.cluster.nodes) : new Redis(target.url ?? REDIS_URL)
      // A Cluster client knows its masters, which deletePrefix scans, only once it is ready.
      if (redis instanceof Cluster) await new Promise((resolve) => redis.once('ready', resolve))
      await deletePrefix(redis, prefix)
      await redis.quit()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export async function machine(): Promise<Record<string, string>> {
  const redis = new Redis(REDIS_URL)
  const info = await redis.info('server')
  await redis.quit()
  return {
    cores: String(cpus().length),
    cpu: cpus()[0]?.model ?? 'unknown',
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    node: process.version,
    redis: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown',
  }
}

export function table(figures: Figure[]): string {
  const rows = figures.map((figure) => [
    figure.section,
    figure.measure,
    figure.value,
    figure.target ?? '',
    figure.met === undefined ? '' : figure.met ? 'yes' : 'NO',
  ])
  const header = ['section', 'measure', 'value', 'target', 'met']
  const widths = header.map((title, column) =>
    Math.max(width(title), ...rows.map((row) => width(row[column] ?? ''))),
  )
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell + ' '.repeat((widths[column] ?? 0) - width(cell))).join(' | ')} |`
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')
}

/** Display width: CJK characters take two columns. */
function width(text: string): number {
  let columns = 0
  for (const character of text) columns += /[\u3000-\u9fff\uff00-\uffef]/.test(character) ? 2 : 1
  return columns
}

export function rate(count: number, ms: number): number {
  return Math.round(count / (ms / 1000))
}
