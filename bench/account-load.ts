import { Redis } from 'ioredis'
import { keyMemory } from './key-memory.js'
import { throughput } from './pipeline.js'
import { type BenchRedis, benchEngine, inbound, percentile, progress, sleep, until } from './support.js'
import { openAtPace } from './timers.js'

/** One account's load: the pipeline rows' messages, then the timer rows' conversations left waiting. */
export interface AccountProfile {
  customers: number
  messagesPerCustomer: number
  agents: number
  /**
   * Messages handed in and not yet taken, at most. The pipeline rows hand in all at once; three bots
   * doing that on two cores made Redis answer later than the 2 s after which a message goes to the
   * spool, and the spool (10,000 messages) overflowed. A transport delivers messages over time.
   */
  inFlight: number
  /** Conversations opened at `openPerSecond` and left unanswered until their deadline. */
  conversations: number
  openPerSecond: number
  /** Between the last opening and the first deadline: the backlog drains, the memory is read. */
  quietMs: number
}

/** What one account measured, raw: the section that ran it makes the rows. */
export interface AccountFigures {
  messagesPerSecond: number
  cpuMicrosPerMessage: number
  /** CPU the Redis server holding the account spent per message (user + system). */
  redisCpuMicrosPerMessage: number
  /** Escalation wait minus the reply timeout, sorted. */
  lateness: number[]
  /** Conversations never escalated, and escalated more than once (both must be 0). */
  missed: number
  twice: number
  /** Redis bytes per waiting conversation (live state and reply timer), and per queued outbox message. */
  bytesPerConversation: number
  /** Everything queued (ingest, outbox, transcript retries), per waiting conversation. */
  queuedBytesPerConversation: number
  bytesPerQueuedSend: number
  queuedSends: number
  /** The node's `used_memory` growth per waiting conversation, its queued sends and every overhead included. */
  nodeBytesPerConversation: number
  rssMiB: number
}

/**
 * Runs one account's load on `redis`; `memoryUrl` is the server holding its keys (in a Cluster, the
 * master of its hash tag). `together` is called before each phase, so that accounts run side by side.
 */
export async function accountLoad(
  name: string,
  redis: BenchRedis & { prefix: string },
  memoryUrl: string,
  profile: AccountProfile,
  together: (phase: string) => Promise<void>,
): Promise<AccountFigures> {
  progress(`${name}: ${profile.customers} customers × ${profile.messagesPerCustomer} messages`)
  let redisCpuBefore = 0
  let redisCpuAfter = 0
  const pipeline = await throughput(profile, {
    redis,
    inFlight: profile.inFlight,
    beforeStart: async () => {
      await together('pipeline')
      redisCpuBefore = await redisCpu(memoryUrl)
    },
    afterDrain: async () => {
      redisCpuAfter = await redisCpu(memoryUrl)
    },
  })
  const messages = profile.customers * profile.messagesPerCustomer
  progress(`${name}: ${pipeline.rate} messages/s; ${profile.conversations} conversations to wait`)

  const openMs = Math.ceil((profile.conversations / profile.openPerSecond) * 1000)
  const replyTimeout = openMs + profile.quietMs
  const usedBefore = await usedMemory(memoryUrl)
  const bench = await benchEngine({
    agents: profile.agents,
    routing: { maxPerAgent: Math.min(1000, Math.ceil(profile.conversations / profile.agents) + 10) },
    sla: {
      replyTimeout: `${replyTimeout}ms`,
      ladder: [{ after: `${replyTimeout}ms`, notify: ['supervisors'], tellCustomer: true }],
    },
    redis,
  })
  try {
    const opened: number[] = []
    bench.engine.events.on('handled', (message) => {
      if (message.from.id.startsWith('customer-')) opened.push(message.receivedAt)
    })
    await together('timers')
    const started = Date.now()
    await openAtPace(profile.conversations, profile.openPerSecond, `open (${name})`, (n) =>
      bench.engine.receive(inbound(`customer-${n}`, `请问 ${n}`)),
    )
    await until(
      async () => (await bench.busy()) === 0 && opened.length === profile.conversations,
      600_000,
      `${name}: conversations to open`,
    )
    const rssMiB = Math.round(process.memoryUsage().rss / 2 ** 20)
    const usedAfter = await usedMemory(memoryUrl)
    const keys = await keyMemory(memoryUrl, redis.prefix)
    const left = Math.min(...opened) + replyTimeout - Date.now()
    progress(`${name}: open and measured, ${Math.round(left / 1000)} s before the first deadline`)

    await sleep(Math.max(0, Math.max(...opened) + replyTimeout - Date.now()) + 2000)
    await until(
      async () => (await bench.busy()) === 0 && (await bench.timersDue()) === 0,
      300_000,
      `${name}: escalations to finish`,
    )
    const escalations = await bench.engine.transcripts.eventsBetween('escalated', started, Date.now() + 1)
    const perConversation = new Map<string, number>()
    for (const event of escalations)
      perConversation.set(event.conversationId, (perConversation.get(event.conversationId) ?? 0) + 1)
    return {
      messagesPerSecond: pipeline.rate,
      cpuMicrosPerMessage: pipeline.cpuMicrosPerMessage,
      redisCpuMicrosPerMessage: Math.round(((redisCpuAfter - redisCpuBefore) * 1e6) / messages),
      lateness: escalations
        .map((event) => (event.kind === 'event' ? Number(event.data.waitedMs) - replyTimeout : Number.NaN))
        .sort((a, b) => a - b),
      missed: profile.conversations - perConversation.size,
      twice: [...perConversation.values()].filter((count) => count > 1).length,
      bytesPerConversation: Math.round((keys.live + keys.timer) / profile.conversations),
      queuedBytesPerConversation: Math.round(keys.queues / profile.conversations),
      bytesPerQueuedSend: Math.round(keys.outbox / Math.max(1, keys.outboxJobs)),
      queuedSends: keys.outboxJobs,
      nodeBytesPerConversation: Math.round((usedAfter - usedBefore) / profile.conversations),
      rssMiB,
    }
  } finally {
    await bench.close()
  }
}

export function latencyOf(figures: AccountFigures): { p50: number; p99: number; max: number } {
  const { lateness } = figures
  return { p50: percentile(lateness, 50), p99: percentile(lateness, 99), max: lateness.at(-1) ?? Number.NaN }
}

async function usedMemory(url: string): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await info(url, 'memory'))?.[1] ?? Number.NaN)
}

/** Seconds of CPU the server has used, user and system, its own threads included. */
async function redisCpu(url: string): Promise<number> {
  const text = await info(url, 'cpu')
  const seconds = (field: string) => Number(new RegExp(`${field}:([\\d.]+)`).exec(text)?.[1] ?? Number.NaN)
  return seconds('used_cpu_user') + seconds('used_cpu_sys')
}

async function info(url: string, section: string): Promise<string> {
  const redis = new Redis(url)
  try {
    return await redis.info(section)
  } finally {
    await redis.quit()
  }
}
