import { Redis } from 'ioredis'

/** Redis bytes held under one prefix, by what holds them (`MEMORY USAGE` of every key). */
export interface KeyMemory {
  /** Conversation hashes, code and customer keys, sets, replay records. */
  live: number
  /** Reply timers: the delayed jobs and their entries in the delayed set. */
  timer: number
  /** Everything queued: ingest, outbox and transcript-retry queues. */
  queues: number
  /** The outbox queue alone. */
  outbox: number
  /** Messages waiting in the outbox. */
  outboxJobs: number
}

/**
 * Reads every key under `prefix` on one server. In a Cluster that is the master serving the
 * prefix's hash tag: SCAN sees only the node's own keys, and all of one account's are there.
 */
export async function keyMemory(url: string, prefix: string): Promise<KeyMemory> {
  const redis = new Redis(url)
  const bytes: KeyMemory = { live: 0, timer: 0, queues: 0, outbox: 0, outboxJobs: 0 }
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 2000)
    cursor = next
    const pipeline = redis.pipeline()
    for (const key of keys) pipeline.memory('USAGE', key, 'SAMPLES', '0')
    const sizes = (await pipeline.exec()) ?? []
    keys.forEach((key, n) => {
      const size = Number(sizes[n]?.[1] ?? 0)
      const rest = key.slice(prefix.length + 1)
      if (rest.startsWith('sla:')) bytes.timer += size
      else if (/^(ingest-\d+|outbox|transcript):/.test(rest)) bytes.queues += size
      else bytes.live += size
      if (rest.startsWith('outbox:')) {
        bytes.outbox += size
        // A job is `outbox:<id>` (outbox ids hold no colon); the queue's own keys have a known name.
        if (
          !/^outbox:(wait|paused|active|delayed|prioritized|completed|failed|stalled|meta|events|id|marker|limiter|pc|stalled-check)$/.test(
            rest,
          )
        )
          bytes.outboxJobs++
      }
    })
  } while (cursor !== '0')
  await redis.quit()
  return bytes
}
