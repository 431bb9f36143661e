import { type Job, Queue, Worker } from 'bullmq'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { eventually, sleep } from '../../src/demo/wait.js'
import { memoryLog } from '../../src/log/log.js'
import { type Processor, WorkerWatchdog } from '../../src/queue/worker-watchdog.js'
import { LaggingLink } from '../support/lagging-link.js'
import { deletePrefix, testPrefix, testRedis } from '../support/redis.js'

// Fast enough for a test; the bot's own timing is 5 s / 20 s.
const TIMING = { checkMs: 100, idleMs: 500, closeMs: 1000 }
const REDIS_PORT = Number(new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379').port || 6379)

const redis = testRedis()
let prefix: string
let queue: Queue
let link: LaggingLink
let log: ReturnType<typeof memoryLog>
let replaced: string[]
let watchdog: WorkerWatchdog
let made: Worker[]
let handled: string[]

beforeEach(async () => {
  prefix = testPrefix('watchdog')
  queue = new Queue('work', { connection: redis, prefix })
  link = await LaggingLink.start(REDIS_PORT, 0)
  log = memoryLog()
  replaced = []
  made = []
  handled = []
  watchdog = new WorkerWatchdog(log, (name) => replaced.push(name), TIMING)
})

afterEach(async () => {
  watchdog.stop()
  await link.close()
  await Promise.all(made.map((worker) => worker.close(true).catch(() => undefined)))
  await queue.close()
  await deletePrefix(redis, prefix)
})

/**
 * Workers reach Redis over `link`, the first one only if `firstOverLink`; the rest directly. With
 * `oneEveryMs`, a worker takes one job in that long at most.
 */
function watch(processor: Processor, { concurrency = 1, firstOverLink = false, oneEveryMs = 0 } = {}): void {
  const limiter = oneEveryMs > 0 ? { max: 1, duration: oneEveryMs } : undefined
  watchdog.add(
    queue,
    concurrency,
    processor,
    (process) => {
      const port = firstOverLink && made.length === 0 ? link.port : REDIS_PORT
      const worker = new Worker(queue.name, process, {
        connection: { host: '127.0.0.1', port, maxRetriesPerRequest: null },
        prefix,
        concurrency,
        ...(limiter ? { limiter } : {}),
      })
      worker.on('error', () => undefined)
      made.push(worker)
      return worker
    },
    limiter?.duration,
  )
}

const record: Processor = async (job: Job) => {
  handled.push(job.name)
}

describe('the worker watchdog', () => {
  it('replaces a worker whose connection went silent, and the waiting job is done', async () => {
    watch(record, { firstOverLink: true })
    await queue.add('before', {})
    await eventually(() => handled.join() === ['before'].join())

    link.silence()
    await queue.add('after', {})

    await eventually(() => handled.join() === ['before', 'after'].join(), 10_000, 'both jobs done')
    expect(replaced).toEqual(['work'])
    expect(made).toHaveLength(2)
    expect(log.lines.some((line) => line.message === 'worker stopped taking due work; replacing it')).toBe(
      true,
    )
  })

  it('replaces a silent worker whose delayed job is overdue', async () => {
    watch(record, { firstOverLink: true })
    await queue.add('soon', {}, { delay: 200 })
    await sleep(50)
    link.silence()

    await eventually(() => handled.join() === ['soon'].join(), 10_000, 'the delayed job done')
    expect(replaced).toEqual(['work'])
  })

  it('leaves alone a healthy worker that has been idle, and one busy with a long job', async () => {
    let finishLong: () => void = () => undefined
    watch(async (job) => {
      if (job.name === 'long') await new Promise<void>((resolve) => (finishLong = resolve))
      handled.push(job.name)
    })
    await sleep(TIMING.idleMs * 3)
    await queue.add('after idling', {})
    await eventually(() => handled.join() === ['after idling'].join())

    await queue.add('long', {})
    await queue.add('behind it', {})
    await sleep(TIMING.idleMs * 3)
    expect(handled).toEqual(['after idling'])
    finishLong()
    await eventually(() => handled.join() === ['after idling', 'long', 'behind it'].join())
    expect(replaced).toEqual([])
    expect(made).toHaveLength(1)
  })

  it('leaves alone a rate-limited worker resting between jobs', async () => {
    watch(record, { oneEveryMs: TIMING.idleMs * 3 })
    for (const name of ['first', 'second', 'third']) await queue.add(name, {})
    await eventually(() => handled.join() === 'first,second,third', 10_000, 'the three jobs done in turn')
    expect(replaced).toEqual([])
    expect(made).toHaveLength(1)
  })

  it('leaves alone a paused worker with jobs waiting', async () => {
    watch(record)
    await made[0]?.pause()
    await queue.add('while paused', {})
    await sleep(TIMING.idleMs * 3)
    expect(replaced).toEqual([])
    made[0]?.resume()
    await eventually(() => handled.join() === ['while paused'].join())
  })
})
