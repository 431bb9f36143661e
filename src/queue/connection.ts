import { Redis } from 'ioredis'

export class RedisUnreachableError extends Error {
  constructor(url: string, cause: unknown) {
    super(
      `Redis is unreachable at ${redact(url)} (${(cause as Error)?.message ?? cause}). ` +
        'Start Redis or point REDIS_URL at a running server.',
    )
    this.name = 'RedisUnreachableError'
  }
}

/**
 * One connection for commands and queues. Commands wait for a reconnect instead of failing
 * (`maxRetriesPerRequest: null`, which BullMQ requires), so a Redis restart delays work and loses none.
 * It connects in `connectRedis`, at start-up, and not before.
 */
export function createRedis(url: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true })
  redis.on('connect', () => writeOncePerTurn(redis.stream))
  return redis
}

/**
 * Up to this many commands issued in one turn of the event loop leave in one system call. Holding
 * a whole turn's commands saved more writes but left Redis idle while Node built them, and lost
 * throughput; 4 to 8 did best on 2 cores.
 */
const COMMANDS_PER_WRITE = 8

/**
 * Commands issued together leave together: a message's handling issues a dozen commands from one
 * promise chain, and on a small virtual machine each socket write costs about as much as building
 * the command. Unlike ioredis' auto-pipelining, nothing waits for the next loop iteration: what is
 * held goes out once the current turn's callbacks have run, or at COMMANDS_PER_WRITE.
 */
function writeOncePerTurn(socket: Redis['stream']): void {
  if (!('cork' in socket)) return
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean
  let corked = false
  let held = 0
  const release = () => {
    if (!corked) return
    corked = false
    socket.uncork()
  }
  socket.write = ((...args: unknown[]) => {
    if (!corked) {
      corked = true
      held = 0
      socket.cork()
      process.nextTick(release)
    }
    const result = write(...args)
    if (++held >= COMMANDS_PER_WRITE) release()
    return result
  }) as typeof socket.write
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
