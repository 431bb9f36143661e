import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { eventually, sleep } from '../../src/demo/wait.js'
import { memoryLog } from '../../src/log/log.js'
import { connectRedis, createRedis, type RedisConnection, watchRedis } from '../../src/queue/connection.js'
import { keysFor, queueNames } from '../../src/queue/keys.js'
import { WorkQueues } from '../../src/queue/work-queues.js'
import { RedisServer } from '../faults/redis-server.js'
import { customerText } from '../support/inbound.js'
import { testPrefix } from '../support/redis.js'

/** The queues on a Redis server of this test's own, which it takes away and brings back. */
let server: RedisServer
let redis: RedisConnection
let queues: WorkQueues
const log = memoryLog()
const handled: string[] = []

beforeAll(async () => {
  server = await RedisServer.start()
  const target = { url: server.url }
  redis = createRedis(target)
  watchRedis(redis, log)
  await connectRedis(redis, target)
  queues = new WorkQueues(
    redis,
    keysFor(testPrefix('outage')),
    {
      partitions: 2,
      outbox: { rate: { max: 1000, per: 1000 }, attempts: 4, backoff: 20, maxTextLength: 2000 },
      clock: Date.now,
    },
    log,
  )
  await queues.start({
    inbound: async (message) => {
      handled.push(message.id)
    },
    timer: async () => undefined,
    send: async () => undefined,
    sendFailed: async () => undefined,
    write: async () => undefined,
  })
}, 30_000)
afterAll(async () => {
  // Closing waits on Redis: a test that failed mid-outage still closes.
  if (!server.running) await server.up()
  await queues.close()
  await redis.quit()
  await server.close()
})

describe('the queues during a Redis outage', () => {
  it('log each queue’s error once, print nothing raw, and work again once Redis is back', async () => {
    const raw = [
      vi.spyOn(console, 'error'),
      vi.spyOn(console, 'warn'),
      vi.spyOn(console, 'log'),
      vi.spyOn(process.stderr, 'write'),
    ]
    const names = [
      queueNames.ingest(0),
      queueNames.ingest(1),
      queueNames.timers,
      queueNames.outbox,
      queueNames.transcript,
    ].sort()
    const errors = () =>
      log.lines
        .filter((line) => line.message === 'queue error' || line.message === 'worker error')
        .map((line) => ({ message: line.message, ...(line.fields as { queue: string; err: string }) }))
    const named = (message: string) => [
      ...new Set(errors().flatMap((line) => (line.message === message ? [line.queue] : []))),
    ]

    await server.down()
    await eventually(() => named('queue error').length === names.length, 10_000, 'every queue’s error')
    // ioredis retries several times a second meanwhile, each failure an error event on every queue
    // and worker: each says what went wrong once (the moment of loss may read differently, as
    // "Connection is closed." or ECONNRESET, from the refusals after it).
    await sleep(3000)
    expect(named('queue error').sort()).toEqual(names)
    expect(named('worker error').sort()).toEqual(names)
    const lines = errors().map(({ message, queue, err }) => `${message} ${queue}: ${err}`)
    expect(lines).toEqual([...new Set(lines)])
    expect(lines).toContainEqual(expect.stringMatching(/^queue error outbox: connect ECONNREFUSED/))
    for (const spy of raw) expect(spy).not.toHaveBeenCalled()

    await server.up()
    await queues.enqueueInbound(customerText('after-the-outage'))
    // Redis went away while the workers' blocking connections were still connecting. In about half
    // the runs BullMQ leaves such a connection broken for good (its first connect failed); the
    // watchdog replaces that worker once it has taken nothing for 20 s (worker-watchdog.ts).
    await eventually(() => handled.includes('after-the-outage'), 40_000, 'the message sent after the outage')
    for (const spy of raw) {
      expect(spy).not.toHaveBeenCalled()
      spy.mockRestore()
    }
  }, 70_000)
})
