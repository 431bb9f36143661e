import { fork } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { RedisCluster } from '../test/support/redis-cluster.js'
import { type AccountFigures, type AccountProfile, latencyOf } from './account-load.js'
import { type BenchRedis, type Figure, progress, REDIS_URL } from './support.js'

interface Account {
  name: string
  redis: BenchRedis
  /** The server holding the account's keys, whose memory is read. */
  memoryUrl: string
}

/**
 * Several accounts on one Redis Cluster: the pipeline and timer load of one account on the single
 * Redis (the baseline, from the same run), then the same load on three accounts at once, each its
 * own process and hash tag on its own master of a 3-master/3-replica cluster of redis-servers on
 * loopback (test/support/redis-cluster.ts, the HA tests' own). Per account: throughput, reply-timer
 * lateness, Redis memory on the node that holds it, the bot process's CPU and size.
 */
export async function clusterFigures(profile: AccountProfile): Promise<Figure[]> {
  progress(
    `cluster: ${profile.customers} × ${profile.messagesPerCustomer} messages, then ${profile.conversations} waiting: one account on the single Redis`,
  )
  const single: Account = {
    name: 'single Redis',
    redis: { url: REDIS_URL, prefix: `bench-${randomBytes(4).toString('hex')}` },
    memoryUrl: REDIS_URL,
  }
  const [baseline] = await sideBySide([single], profile)
  progress('cluster: starting 3 masters + 3 replicas')
  const cluster = await RedisCluster.start()
  try {
    const accounts = await onThreeMasters(cluster)
    progress(`cluster: three accounts at once, ${accounts.map((account) => account.name).join(', ')}`)
    const figures = await sideBySide(accounts, profile)
    const together = figures.reduce((sum, account) => sum + account.messagesPerSecond, 0)
    return [
      ...rows(single.name, baseline as AccountFigures, false),
      ...accounts.flatMap((account, n) => rows(account.name, figures[n] as AccountFigures, true)),
      {
        section: 'cluster',
        measure: `3 accounts on the cluster: messages/s together (1 account alone: ${baseline?.messagesPerSecond})`,
        value: `${together}`,
      },
    ]
  } finally {
    await cluster.close()
  }
}

/** Three hash-tagged prefixes whose slots lie on three different masters (CLUSTER KEYSLOT). */
async function onThreeMasters(cluster: RedisCluster): Promise<Account[]> {
  const accounts: Account[] = []
  const masters = new Set<number>()
  while (accounts.length < 3) {
    const prefix = `{bench-${randomBytes(3).toString('hex')}}`
    const master = await cluster.masterOf(prefix)
    if (masters.has(master.port)) continue
    masters.add(master.port)
    accounts.push({
      name: `account ${'abc'[accounts.length]} (master :${master.port})`,
      redis: { cluster: { nodes: cluster.nodes }, prefix },
      memoryUrl: master.url,
    })
  }
  return accounts
}

/** Each account in a process of its own; every phase starts once all are ready for it. */
function sideBySide(accounts: Account[], profile: AccountProfile): Promise<AccountFigures[]> {
  const figures: (AccountFigures | undefined)[] = accounts.map(() => undefined)
  const ready = new Map<string, number>()
  return new Promise((resolve, reject) => {
    const children = accounts.map((account, n) => {
      const child = fork(
        new URL('./account-run.ts', import.meta.url).pathname,
        [JSON.stringify({ ...account, profile })],
        { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
      )
      child.on('message', (message: { ready?: string; figures?: AccountFigures }) => {
        if (message.figures) figures[n] = message.figures
        if (message.ready === undefined) return
        const count = (ready.get(message.ready) ?? 0) + 1
        ready.set(message.ready, count)
        if (count === accounts.length) for (const each of children) each.send('go')
      })
      child.on('exit', (code) => {
        if (!figures[n]) {
          // The others would run on against a cluster about to be closed.
          for (const each of children) if (each !== child) each.kill()
          reject(new Error(`${account.name} exited with ${code}`))
        } else if (figures.every(Boolean)) resolve(figures as AccountFigures[])
      })
      return child
    })
  })
}

function rows(name: string, figures: AccountFigures, onCluster: boolean): Figure[] {
  const section = 'cluster'
  const { p50, p99, max } = latencyOf(figures)
  return [
    { section, measure: `${name}: messages/s, as the pipeline rows`, value: `${figures.messagesPerSecond}` },
    {
      section,
      measure: `${name}: bot process CPU per message`,
      value: `${figures.cpuMicrosPerMessage} µs`,
    },
    {
      section,
      measure: `${name}: reply-timer lateness p50 / p99 / max`,
      value: `${p50} / ${p99} / ${max} ms`,
      target: 'p99 ≤ 1000 ms',
      met: p99 <= 1000,
    },
    {
      section,
      measure: `${name}: waits never escalated / escalated twice`,
      value: `${figures.missed} / ${figures.twice}`,
      target: '0 / 0',
      met: figures.missed === 0 && figures.twice === 0,
    },
    {
      section,
      measure: `${name}: Redis bytes per open conversation`,
      value: `${figures.bytesPerConversation}`,
    },
    {
      section,
      measure: `${name}: Redis bytes per open conversation in queued messages`,
      value: `${figures.queuedBytesPerConversation}`,
    },
    {
      section,
      measure: `${name}: Redis bytes per queued send (${figures.queuedSends} queued)`,
      value: `${figures.bytesPerQueuedSend}`,
    },
    // The single Redis is shared with whatever else runs on it; a cluster node holds this account only.
    ...(onCluster
      ? [
          {
            section,
            measure: `${name}: its master's CPU per message (INFO cpu)`,
            value: `${figures.redisCpuMicrosPerMessage} µs`,
          },
          {
            section,
            measure: `${name}: node used_memory growth per open conversation, its sends included`,
            value: `${figures.nodeBytesPerConversation}`,
          },
        ]
      : []),
    { section, measure: `${name}: bot process resident memory`, value: `${figures.rssMiB} MiB` },
  ]
}
