import { writeFileSync } from 'node:fs'
import { clusterFigures } from './cluster.js'
import { pipelineFigures } from './pipeline.js'
import { replicaFigures } from './replicas.js'
import { searchFigures } from './search.js'
import { storeFigures } from './store.js'
import { type Figure, machine, progress, table } from './support.js'
import { timerFigures } from './timers.js'

/**
 * `npm run bench`: throughput, latency, timer precision, memory and store figures, printed as a
 * table and written to bench/results.md. `--quick` runs small sizes (for CI) and writes nothing;
 * `--only=pipeline` (or `timers`, `store`, `search`, `replicas`, `cluster`) runs one section and writes nothing either.
 */
const quick = process.argv.includes('--quick')
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length)
const runs = (section: string) => only === undefined || only === section

const profile = quick
  ? {
      pipeline: {
        runs: 1,
        customers: 300,
        messagesPerCustomer: 3,
        agents: 10,
        latencySeconds: 2,
        mockMessages: 200,
      },
      timers: { counts: [1000], memoryAt: 1000, openPerSecond: 1000, quietMs: 3000, memoryMs: 2000 },
      store: { batches: 2000, reads: 5 },
      search: { conversations: 5000, reads: 5 },
      replicas: { runs: 1, messages: 300, serial: 50 },
      cluster: {
        customers: 300,
        messagesPerCustomer: 3,
        agents: 10,
        inFlight: 500,
        conversations: 1000,
        openPerSecond: 1000,
        quietMs: 3000,
      },
    }
  : {
      pipeline: {
        runs: 3,
        customers: 3000,
        messagesPerCustomer: 4,
        agents: 40,
        latencySeconds: 10,
        mockMessages: 2000,
      },
      timers: {
        counts: [10_000, 100_000],
        memoryAt: 100_000,
        openPerSecond: 1000,
        quietMs: 30_000,
        memoryMs: 100_000,
      },
      store: { batches: 20_000, reads: 20 },
      search: { conversations: 100_000, reads: 20 },
      replicas: { runs: 3, messages: 3000, serial: 300 },
      // The pipeline rows' load, and the 10,000 timers run's.
      cluster: {
        customers: 3000,
        messagesPerCustomer: 4,
        agents: 40,
        inFlight: 500,
        conversations: 10_000,
        openPerSecond: 1000,
        quietMs: 30_000,
      },
    }

async function main(): Promise<void> {
  const started = Date.now()
  const about = await machine()
  progress(
    `${quick ? 'quick' : 'full'} profile on ${about.cores} cores, ${about.memory}, Node ${about.node}, Redis ${about.redis}`,
  )
  const figures: Figure[] = [
    ...(runs('pipeline') ? await pipelineFigures(profile.pipeline) : []),
    ...(runs('timers') ? await timerFigures(profile.timers) : []),
    ...(runs('store') ? await storeFigures(profile.store) : []),
    ...(runs('search') ? await searchFigures(profile.search) : []),
    ...(runs('replicas') ? await replicaFigures(profile.replicas) : []),
    ...(runs('cluster') ? await clusterFigures(profile.cluster) : []),
  ]
  const minutes = ((Date.now() - started) / 60_000).toFixed(1)
  const results = table(figures)
  process.stdout.write(`${results}\n\nbench took ${minutes} min (${quick ? 'quick' : 'full'} profile)\n`)
  if (!quick && only === undefined) {
    const header = [
      '# Benchmark results',
      '',
      `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${about.cores} cores (${about.cpu}),`,
      `${about.memory} memory, Node ${about.node}, Redis ${about.redis}. The run took ${minutes} minutes.`,
      '',
    ]
    writeFileSync(new URL('./results.md', import.meta.url), `${[...header, results, ''].join('\n')}`)
    progress('written to bench/results.md')
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error)?.stack ?? error}\n`)
    process.exit(1)
  },
)
