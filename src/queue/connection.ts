import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis'
import { DEFAULT_REDIS_URL, describeRedis, type RedisTarget, type RedisTls } from '../domain/redis-config.js'
import type { Log } from '../log/log.js'
import { WriteBatchingConnector } from './write-batching.js'

/** The bot's connection: one server or a Sentinel group (`Redis`), or a Redis Cluster (`Cluster`). */
export type RedisConnection = Redis | Cluster

export class RedisUnreachableError extends Error {
  constructor(target: RedisTarget, cause: unknown) {
    super(unreachable(target, (cause as Error)?.message ?? String(cause)))
    this.name = 'RedisUnreachableError'
  }
}

/** What to say when the configured Redis does not answer, by topology. */
function unreachable(target: RedisTarget, cause: string): string {
  const where = describeRedis(target)
  if (target.cluster)
    return (
      `${where.replace(/^the Redis Cluster/, 'the cluster')} did not become ready (${cause}). ` +
      'Check redis.cluster.nodes, and that `redis-cli -p <port> cluster info` says cluster_state:ok.'
    )
  if (target.sentinels)
    return /sentinels are unreachable/i.test(cause)
      ? `no Sentinel answered at ${target.sentinels.map(({ host, port }) => `${host}:${port}`).join(', ')} (${cause}). Check redis.sentinels.`
      : `${where} gave no master that answers (${cause}). Check redis.name against \`sentinel masters\`, and redis.password.`
  return (
    `Redis is unreachable at ${where} (${cause}). ` +
    'Start Redis, or point REDIS_URL (redis.url) at a running server. To get Redis: ' +
    'Debian/Ubuntu `sudo apt-get install redis-server`, macOS `brew install redis && brew services start redis`, ' +
    'Docker `docker run -d -p 6379:6379 redis:7`.'
  )
}

/**
 * One connection for commands and queues. Commands wait for a reconnect instead of failing
 * (`maxRetriesPerRequest: null`, which BullMQ requires), so a Redis restart or a failover delays
 * work and loses none. It connects in `connectRedis`, at start-up, and not before.
 *
 * A Sentinel connection asks the sentinels for the master on every (re)connect and hears of a
 * failover from them (`failoverDetector`); a demoted master's READONLY reply reconnects it too. A
 * Cluster connection follows MOVED replies and refreshes its slot map. Write batching is for plain
 * TCP to one server: the Sentinel and Cluster connectors are ioredis' own.
 */
export function createRedis(target: RedisTarget & { batchWrites?: boolean }): RedisConnection {
  const common = { maxRetriesPerRequest: null, lazyConnect: true } satisfies RedisOptions
  const tls = tlsOptions(target.tls)
  if (target.cluster) {
    const { slotsRefreshTimeout, slotsRefreshInterval, maxRedirections } = target.cluster.options
    return new Cluster(target.cluster.nodes, {
      lazyConnect: true,
      enableReadyCheck: true,
      redisOptions: { maxRetriesPerRequest: null, password: target.password, tls },
      ...definedOnly({ slotsRefreshTimeout, slotsRefreshInterval, maxRedirections }),
    } satisfies ClusterOptions)
  }
  if (target.sentinels) {
    return new Redis({
      ...common,
      sentinels: target.sentinels,
      name: target.name,
      password: target.password,
      sentinelPassword: target.sentinelPassword,
      failoverDetector: true,
      reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 2 : false),
      ...(tls ? { tls, sentinelTLS: tls, enableTLSForSentinelMode: true } : {}),
    })
  }
  const url = target.url ?? DEFAULT_REDIS_URL
  const batching = target.batchWrites && new URL(url).protocol === 'redis:'
  return new Redis(url, { ...common, ...(batching ? { Connector: WriteBatchingConnector } : {}) })
}

function tlsOptions(
  tls: RedisTls | undefined,
): { servername?: string; rejectUnauthorized?: boolean } | undefined {
  if (!tls) return undefined
  return tls === true ? {} : tls
}

function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>
}

/** Hears once when a connection that was up goes away, and once when it is back. */
export interface RedisWatcher {
  lost(): void
  back(): void
}

/** Redis reconnects on its own; the log (and `watcher`) hear when it went away and when it is back. */
export function watchRedis(redis: RedisConnection, log: Log, watcher?: RedisWatcher): void {
  let connected = false
  let down = false
  redis.on('error', (error: Error) => {
    if (connected && !down) {
      log.error({ err: error.message }, 'Redis connection lost; reconnecting')
      watcher?.lost()
    }
    down = connected
  })
  redis.on('ready', () => {
    if (down) {
      log.info({}, 'Redis connection back')
      watcher?.back()
    }
    connected = true
    down = false
  })
}

/** Fails fast at start-up: an unreachable Redis is a clear error, not a hang. */
export async function connectRedis(
  redis: RedisConnection,
  target: RedisTarget,
  timeoutMs = 3000,
): Promise<void> {
  let lastError: unknown
  const remember = (error: unknown) => {
    lastError = error
  }
  redis.on('error', remember)
  // A Cluster reports a node it cannot reach here, not as 'error'.
  redis.on('node error', remember)
  let timer: NodeJS.Timeout | undefined
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)
    })
    await Promise.race([redis.connect().then(() => redis.ping()), timeout])
  } catch (error) {
    redis.disconnect()
    throw new RedisUnreachableError(target, lastError ?? error)
  } finally {
    clearTimeout(timer)
    redis.off('error', remember)
    redis.off('node error', remember)
  }
}

/**
 * The servers that hold keys: every master of a Cluster (each holds its own slots), or the one
 * server (or Sentinel master) otherwise.
 */
export function keyHolders(redis: RedisConnection): Redis[] {
  return redis instanceof Cluster ? redis.nodes('master') : [redis]
}

/** Removes every key of one deployment: what the demo, tests and benchmarks leave behind. */
export async function deletePrefix(redis: RedisConnection, prefix: string): Promise<number> {
  let deleted = 0
  // SCAN walks one server's keys: in a Cluster, each master's. One batch of keys may go in one
  // UNLINK there too: they all start with the prefix, so they share its hash tag and its slot.
  for (const server of keyHolders(redis)) {
    let cursor = '0'
    do {
      const [next, keys] = await server.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000)
      if (keys.length) deleted += await server.unlink(...keys)
      cursor = next
    } while (cursor !== '0')
  }
  return deleted
}
