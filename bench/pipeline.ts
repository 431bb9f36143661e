import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Queue, Worker } from 'bullmq'
import { Redis } from 'ioredis'
import { createBot } from '../src/app.js'
import { MockWorld } from '../src/demo/mock-world.js'
import { median } from '../src/domain/stats.js'
import { memoryLog } from '../src/log/log.js'
import { deletePrefix } from '../src/queue/connection.js'
import {
  type BenchRedis,
  benchEngine,
  type Figure,
  inbound,
  percentile,
  progress,
  REDIS_URL,
  rate,
  sleep,
  until,
} from './support.js'

export interface PipelineProfile {
  runs: number
  customers: number
  messagesPerCustomer: number
  agents: number
  latencySeconds: number
  mockMessages: number
}

/** The default: the pipeline runs as configured out of the box, and the baseline as widely. */
const PARTITIONS = 16

/**
 * Customer messages through ingest → live state → transcript (embedded store) → the agent's forward
 * in the outbox, fed at the transport boundary; beside it, plain BullMQ on the same Redis.
 */
export async function pipelineFigures(profile: PipelineProfile): Promise<Figure[]> {
  const total = profile.customers * profile.messagesPerCustomer
  progress(
    `pipeline: ${profile.customers} customers × ${profile.messagesPerCustomer} messages, ${profile.agents} agents`,
  )
  // Runs alternate and the medians count: on a small machine one run can be off by a tenth.
  const pipelineRuns: number[] = []
  const baselineRuns: number[] = []
  for (let run = 1; run <= profile.runs; run++) {
    pipelineRuns.push((await throughput(profile)).rate)
    baselineRuns.push(await bullmqBaseline(total))
    progress(
      `pipeline: run ${run}: ${pipelineRuns.at(-1)} messages/s, BullMQ baseline ${baselineRuns.at(-1)} jobs/s`,
    )
  }
  const pipeline = median(pipelineRuns) ?? Number.NaN
  const baseline = median(baselineRuns) ?? Number.NaN
  const ratio = pipeline / baseline
  progress(`pipeline: latency at half the maximum for ${profile.latencySeconds} s`)
  const latency = await latencyAt(Math.round(pipeline / 2), profile)
  progress(`pipeline: end to end through wechaty-puppet-mock, ${profile.mockMessages} messages`)
  const mock = await throughWechaty(profile.mockMessages)
  const section = 'pipeline'
  const runs = `median of ${profile.runs}`
  return [
    {
      section,
      measure: `messages/s, ingest → state → transcript → forward queued (${runs})`,
      value: `${pipeline}`,
      target: '≥ 2000',
      met: pipeline >= 2000,
    },
    { section, measure: `BullMQ baseline, add + process no-op jobs/s (${runs})`, value: `${baseline}` },
    {
      section,
      measure: 'pipeline / baseline',
      value: ratio.toFixed(2),
      target: '≥ 0.25',
      met: ratio >= 0.25,
    },
    { section, measure: `latency p50 at ${latency.rate} messages/s`, value: `${latency.p50} ms` },
    { section, measure: `latency p99 at ${latency.rate} messages/s`, value: `${latency.p99} ms` },
    { section, measure: 'messages/s end to end, wechaty-puppet-mock, forward received', value: `${mock}` },
  ]
}

/**
 * Messages/s through one bot, and the process's CPU per message (the bot and the feeding of its
 * load share the process). `redis` places the bot; `beforeStart` runs once it is up, before the load,
 * and `afterDrain` once every message is handled, before the bot stops. `inFlight` bounds the messages
 * handed in and not yet taken (default: all at once).
 */
export async function throughput(
  profile: Pick<PipelineProfile, 'customers' | 'messagesPerCustomer' | 'agents'>,
  options: {
    redis?: BenchRedis
    beforeStart?: () => Promise<void>
    afterDrain?: () => Promise<void>
    inFlight?: number
  } = {},
): Promise<{ rate: number; cpuMicrosPerMessage: number }> {
  const bench = await benchEngine({
    agents: profile.agents,
    routing: { maxPerAgent: Math.ceil((profile.customers * 1.2) / profile.agents) },
    ingest: { partitions: PARTITIONS },
    ...(options.redis ? { redis: options.redis } : {}),
  })
  try {
    const messages = []
    for (let round = 0; round < profile.messagesPerCustomer; round++) {
      for (let customer = 0; customer < profile.customers; customer++) {
        messages.push(inbound(`customer-${customer}`, `第 ${round} 条消息：我的订单怎么还没到？`))
      }
    }
    await options.beforeStart?.()
    const cpu = process.cpuUsage()
    const started = Date.now()
    await feed(messages, (message) => bench.engine.receive(message), options.inFlight)
    await until(async () => (await bench.busy()) === 0, 600_000, 'the pipeline to drain')
    const elapsed = Date.now() - started
    const used = process.cpuUsage(cpu)
    await options.afterDrain?.()
    return {
      rate: rate(messages.length, elapsed),
      cpuMicrosPerMessage: Math.round((used.user + used.system) / messages.length),
    }
  } finally {
    await bench.close()
  }
}

/** Hands every message to `receive`, all at once or at most `inFlight` at a time. */
async function feed<T>(messages: T[], receive: (message: T) => Promise<void>, inFlight?: number) {
  if (inFlight === undefined) {
    await Promise.all(messages.map(receive))
    return
  }
  let next = 0
  const lane = async () => {
    while (next < messages.length) await receive(messages[next++] as T)
  }
  await Promise.all(Array.from({ length: inFlight }, lane))
}

/** The same number of jobs, added the same way, processed by as many workers, doing nothing. */
async function bullmqBaseline(jobs: number): Promise<number> {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null })
  const prefix = `bench-baseline-${Date.now()}`
  const queue = new Queue('baseline', { connection, prefix })
  let done = 0
  let finished: () => void = () => undefined
  const allDone = new Promise<void>((resolve) => {
    finished = resolve
  })
  const worker = new Worker(
    'baseline',
    async () => {
      if (++done === jobs) finished()
    },
    { connection, prefix, concurrency: PARTITIONS },
  )
  await worker.waitUntilReady()
  const started = Date.now()
  await Promise.all(
    Array.from({ length: jobs }, (_, n) =>
      queue.add('noop', { n }, { jobId: `noop-${n}`, removeOnComplete: { age: 3600, count: 10_000 } }),
    ),
  )
  await allDone
  const result = rate(jobs, Date.now() - started)
  await worker.close()
  await queue.close()
  await deletePrefix(connection, prefix)
  await connection.quit()
  return result
}

/** An open-loop steady load: messages go in on schedule whether or not earlier ones are done. */
async function latencyAt(
  messagesPerSecond: number,
  profile: PipelineProfile,
): Promise<{ rate: number; p50: number; p99: number }> {
  const bench = await benchEngine({
    agents: profile.agents,
    routing: { maxPerAgent: Math.ceil((profile.customers * 1.2) / profile.agents) },
    ingest: { partitions: PARTITIONS },
  })
  const latencies: number[] = []
  bench.engine.events.on('handled', (message, at) => latencies.push(at - message.receivedAt))
  try {
    const total = messagesPerSecond * profile.latencySeconds
    const started = Date.now()
    const tickMs = 10
    let sent = 0
    while (sent < total) {
      const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * messagesPerSecond))
      const batch = []
      for (; sent < due; sent++) {
        batch.push(bench.engine.receive(inbound(`customer-${sent % profile.customers}`, `消息 ${sent}`)))
      }
      await Promise.all(batch)
      await sleep(tickMs)
    }
    await until(async () => (await bench.busy()) === 0, 120_000, 'the steady load to drain')
    // The first agents' /on commands are not customer messages; only the load counts.
    const measured = latencies.slice(-total).sort((a, b) => a - b)
    return { rate: messagesPerSecond, p50: percentile(measured, 50), p99: percentile(measured, 99) }
  } finally {
    await bench.close()
  }
}

/** The real bot on the mock puppet: from the customer's `say` to the agent seeing the forward. */
async function throughWechaty(messages: number): Promise<number> {
  const world = new MockWorld()
  const dir = mkdtempSync(join(tmpdir(), 'kefu-bench-mock-'))
  const prefix = `bench-mock-${Date.now()}`
  const agentCount = 10
  const bot = createBot(
    {
      redis: { url: REDIS_URL, prefix },
      store: { file: join(dir, 'transcripts.db') },
      staff: Array.from({ length: agentCount }, (_, n) => ({ id: `agent-${n}`, name: `客服${n}` })),
      routing: { maxPerAgent: 1000 },
      // The mock does not ban fast senders; the outbox rate is lifted to measure the bot itself.
      outbox: { rate: { max: 100_000, per: '1s' } },
    },
    { puppet: world.puppet, log: memoryLog() },
  )
  try {
    await bot.start()
    const team = Array.from({ length: agentCount }, (_, n) => world.person(`agent-${n}`, `客服${n}`))
    for (const agent of team) agent.say('/on')
    await until(() => team.every((agent) => agent.inbox.length > 0), 30_000, 'agents on duty')
    const customers = Array.from({ length: Math.max(1, Math.floor(messages / 5)) }, (_, n) =>
      world.person(`customer-${n}`, `客户${n}`),
    )
    const forwards = () =>
      team.reduce((sum, agent) => sum + agent.inbox.filter((said) => said.text.includes('：消息')).length, 0)
    const started = Date.now()
    for (let n = 0; n < messages; n++) customers[n % customers.length]?.say(`消息 ${n}`)
    await until(() => forwards() >= messages, 300_000, 'agents to receive every forward')
    return rate(messages, Date.now() - started)
  } finally {
    await bot.stop()
    const redis = new Redis(REDIS_URL)
    await deletePrefix(redis, prefix)
    await redis.quit()
    rmSync(dir, { recursive: true, force: true })
  }
}
