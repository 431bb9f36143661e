import { Redis } from 'ioredis'
import type { Log } from '../log/log.js'
import { WriteBatchingConnector } from './write-batching.js'

export class RedisUnreachableError extends Error {
  constructor(url: string, cause: unknown) {
    super(
      `Redis is unreachable at ${redact(url)} (${(cause as Error)?.message ?? cause}). ` +
        'Start Redis, or point REDIS_URL (redis.url) at a running server. To get Redis: ' +
        'Debian/Ubuntu `sudo apt-get install redis-server`, macOS `brew install redis && brew services start redis`, ' +
        'Docker `docker run -d -p 6379:6379 redis:7`.',
    )
    this.name = 'RedisUnreachableError'
  }
}

/**
 * One connection for commands and queues. Commands wait for a reconnect instead of failing
 * (`maxRetriesPerRequest: null`, which BullMQ requires), so a Redis restart delays work and loses none.
 * It connects in `connectRedis`, at start-up, and not before.
 */
export function createRedis(url: string, options: { batchWrites?: boolean } = {}): Redis {
  const batching = options.batchWrites && new URL(url).protocol === 'redis:'
  return new Redis(url, {
    maxRetriesPerRequest: null,
    lazyConnect: true,
    ...(batching ? { Connector: WriteBatchingConnector } : {}),
  })
}

/** Hears once when a connection that was up goes away, and once when it is back. */
export interface RedisWatcher {
  lost(): void
  back(): void
}

/** Redis reconnects on its own; the log (and `watcher`) hear when it went away and when it is back. */
export function watchRedis(redis: Redis, log: Log, watcher?: RedisWatcher): void {
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
export async function connectRedis(redis: Redis, url: string, timeoutMs = 3000): Promise<void> {
  let lastError: unknown
  const remember = (error: unknown) => {
    lastError = error
  }
  redis.on('error', remember)
  let timer: NodeJS.Timeout | undefined
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)
    })
    await Promise.race([redis.connect().then(() => redis.ping()), timeout])
  } catch (error) {
    redis.disconnect()
    throw new RedisUnreachableError(url, lastError ?? error)
  } finally {
    clearTimeout(timer)
    redis.off('error', remember)
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@')
}

/** Removes every key of one deployment: what the demo, tests and benchmarks leave behind. */
export async function deletePrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0'
  let deleted = 0
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000)
    if (keys.length) deleted += await redis.unlink(...keys)
    cursor = next
  } while (cursor !== '0')
  return deleted
}
