import { median } from '../src/domain/stats.js'
import { replicaSynced, startReplicatedPair } from '../test/support/replicated-pair.js'
import { benchEngine, type Figure, inbound, percentile, progress, rate, until } from './support.js'

export interface ReplicasProfile {
  runs: number
  /** Messages taken in at once, for throughput. */
  messages: number
  /** Messages taken in one after another, for latency. */
  serial: number
}

const WAIT_ONE = { replicas: 1, timeout: '500ms' }

/** One way: on loopback, and over a link as slow as one between two zones or further. */
const LINKS_MS = [0, 5]

/**
 * What `redis.waitReplicas` costs: a master and a replica of the bench's own (Debian's
 * redis-server), on loopback and behind a link with a latency, the bot taking messages in with
 * WAIT off and on, runs alternating, side by side. Taking in is what WAIT holds up (a message is
 * acknowledged only once a replica has it), and so is each forward sent and transcript entry
 * written; throughput is messages given at once, taken in and then forwarded, latency taking one in
 * after another.
 */
export async function replicaFigures(profile: ReplicasProfile): Promise<Figure[]> {
  const figures: Figure[] = []
  for (const linkMs of LINKS_MS) figures.push(...(await overLink(linkMs, profile)))
  return figures
}

async function overLink(linkMs: number, profile: ReplicasProfile): Promise<Figure[]> {
  const pair = await startReplicatedPair(linkMs)
  const { master, replica } = pair
  const where = linkMs > 0 ? `replica ${linkMs} ms away` : 'replica on loopback'
  try {
    await replicaSynced(replica)
    const runs = { off: [] as number[], on: [] as number[] }
    const forwarded = { off: [] as number[], on: [] as number[] }
    const latencies = { off: [] as number[], on: [] as number[] }
    for (let run = 1; run <= profile.runs; run++) {
      for (const mode of ['off', 'on'] as const) {
        const measured = await takeIn(master.url, mode === 'on', profile)
        runs[mode].push(measured.perSecond)
        forwarded[mode].push(measured.forwardedPerSecond)
        latencies[mode].push(...measured.latencies)
      }
      progress(
        `replicas (${where}): run ${run}: ${runs.off.at(-1)} messages/s taken in and ${forwarded.off.at(-1)} forwarded without WAIT, ${runs.on.at(-1)} and ${forwarded.on.at(-1)} with`,
      )
    }
    const section = 'replicas'
    const sorted = (values: number[]) => [...values].sort((a, b) => a - b)
    const ordered = { off: sorted(latencies.off), on: sorted(latencies.on) }
    const label = { off: 'no WAIT', on: 'WAIT 1 500ms' }
    const side = (what: string, perRun: typeof runs): Figure[] => {
      const off = median(perRun.off) ?? Number.NaN
      const on = median(perRun.on) ?? Number.NaN
      return [
        ...(['off', 'on'] as const).map((mode) => ({
          section,
          measure: `${where}: messages ${what}/s, ${profile.messages} at once, ${label[mode]}`,
          value: `${mode === 'off' ? off : on}`,
        })),
        { section, measure: `${where}: ${what}, with WAIT / without`, value: (on / off).toFixed(2) },
      ]
    }
    return [
      ...side('taken in', runs),
      ...side('forwarded', forwarded),
      ...([50, 99] as const).flatMap((p) =>
        (['off', 'on'] as const).map((mode) => ({
          section,
          measure: `${where}: taking one in, p${p}, ${label[mode]}`,
          value: `${percentile(ordered[mode], p).toFixed(2)} ms`,
        })),
      ),
    ]
  } finally {
    await pair.close()
  }
}

async function takeIn(
  url: string,
  wait: boolean,
  profile: ReplicasProfile,
): Promise<{ perSecond: number; forwardedPerSecond: number; latencies: number[] }> {
  const bench = await benchEngine({
    agents: 4,
    redis: { url, ...(wait ? { waitReplicas: WAIT_ONE } : {}) },
    // As fast as the bot can send, not as WeChat allows one account: the cost of WAIT shows.
    outbox: { rate: { max: 100_000, per: '1s' } },
  })
  try {
    const messages = Array.from({ length: profile.messages }, (_, n) =>
      inbound(`customer-${n % 200}`, `消息 ${n}`),
    )
    const started = performance.now()
    await Promise.all(messages.map((message) => bench.engine.receive(message)))
    const perSecond = rate(messages.length, performance.now() - started)
    await until(async () => (await bench.busy()) === 0, 120_000, 'the messages to be handled')
    // With WAIT the forwards and transcript writes wait for the replica too (src/app.ts).
    await until(
      async () => (await bench.engine.queueCounts()).outbox === 0,
      120_000,
      'the forwards to be sent',
    )
    const forwardedPerSecond = rate(messages.length, performance.now() - started)
    const latencies: number[] = []
    for (let n = 0; n < profile.serial; n++) {
      const began = performance.now()
      await bench.engine.receive(inbound(`customer-${n % 200}`, `单条 ${n}`))
      latencies.push(performance.now() - began)
    }
    await until(async () => (await bench.busy()) === 0, 120_000, 'the messages to be handled')
    return { perSecond, forwardedPerSecond, latencies }
  } finally {
    await bench.close()
  }
}

/** Waits for the replica's first sync: before it, WAIT could only fall short. */
