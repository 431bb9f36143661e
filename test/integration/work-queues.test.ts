import { Worker } from 'bullmq'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { eventually, sleep } from '../../src/demo/wait.js'
import type { Outgoing } from '../../src/domain/outgoing.js'
import type { Timer } from '../../src/domain/timers.js'
import { memoryLog } from '../../src/log/log.js'
import { jobIds, keysFor, queueNames } from '../../src/queue/keys.js'
import { type Processors, partitionOf, WorkQueues } from '../../src/queue/work-queues.js'
import { customerText } from '../support/inbound.js'
import { deletePrefix, testPrefix, testRedis } from '../support/redis.js'

const redis = testRedis()
let prefix: string
let queues: WorkQueues
let sent: { message: Outgoing; at: number }[]
let fired: Timer[]
let handled: string[]
let failed: string[]
let sendFailures: number

async function start(rate = { max: 1000, per: 1000 }): Promise<WorkQueues> {
  const log = memoryLog()
  queues = new WorkQueues(
    redis,
    keysFor(prefix),
    { partitions: 2, outbox: { rate, attempts: 4, backoff: 20, maxTextLength: 2000 }, clock: Date.now },
    log,
  )
  const processors: Processors = {
    inbound: async (message) => {
      handled.push(message.id)
    },
    timer: async (timer) => {
      fired.push(timer)
      return undefined
    },
    send: async (message) => {
      if (sendFailures > 0) {
        sendFailures--
        throw new Error('WeChat said no')
      }
      sent.push({ message, at: Date.now() })
    },
    sendFailed: async (id) => {
      failed.push(id)
    },
    write: async () => undefined,
  }
  await queues.start(processors)
  return queues
}

beforeEach(() => {
  prefix = testPrefix('queues')
  sent = []
  fired = []
  failed = []
  handled = []
  sendFailures = 0
})
afterEach(async () => {
  await queues.close()
  await deletePrefix(redis, prefix)
})
afterAll(() => redis.quit())

describe('outbox', () => {
  it('sends a message once however often the same id is handed to it', async () => {
    await start()
    const message: Outgoing = { kind: 'text', to: 'cust-1', text: '您好' }
    await queues.send([{ id: 'out-reply-m1-cust-1', message }])
    await eventually(() => sent.length === 1)
    await queues.send([{ id: 'out-reply-m1-cust-1', message }])
    await sleep(300)
    expect(sent).toHaveLength(1)
  })

  it('retries a failed send with backoff and delivers it once', async () => {
    await start()
    sendFailures = 2
    await queues.send([{ id: 'out-x', message: { kind: 'text', to: 'cust-1', text: '稍等' } }])
    await eventually(() => sent.length === 1, 5000)
    await sleep(200)
    expect(sent).toHaveLength(1)
    expect(failed).toEqual([])
  })

  it('reports a message that could not be sent after every attempt', async () => {
    await start()
    sendFailures = 100
    await queues.send([{ id: 'out-doomed', message: { kind: 'text', to: 'cust-1', text: '发不出去' } }])
    await eventually(() => failed.length === 1, 5000)
    expect(failed).toEqual(['out-doomed'])
    expect(sent).toEqual([])
  })

  it('never sends faster than the configured rate', async () => {
    await start({ max: 5, per: 500 })
    await queues.send(
      Array.from({ length: 15 }, (_, n) => ({
        id: `out-burst-${n}`,
        message: { kind: 'text' as const, to: 'cust-1', text: `${n}` },
      })),
    )
    await eventually(() => sent.length === 15, 5000)
    const times = sent.map((send) => send.at)
    // The limiter counts job starts in Redis; a send is stamped here once the worker has it, which
    // under load comes tens of milliseconds late, and may shorten a gap by as much. Without the
    // limit all 15 would go within a few milliseconds, so 400 ms per 5 still proves it.
    for (let n = 0; n + 5 < times.length; n++) {
      expect((times[n + 5] ?? 0) - (times[n] ?? 0)).toBeGreaterThanOrEqual(400)
    }
    expect((times[14] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(900)
    // Order is kept: messages to one person arrive as they were said.
    expect(sent.map((send) => (send.message.kind === 'text' ? send.message.text : ''))).toEqual(
      Array.from({ length: 15 }, (_, n) => `${n}`),
    )
  })
})

describe('timers', () => {
  it('fires an armed timer at its time, once, and never a cancelled one', async () => {
    await start()
    const now = Date.now()
    const timer = (conversationId: string) => ({
      kind: 'reply' as const,
      conversationId,
      version: 1,
      step: 0,
    })
    await queues.arm(timer('c1'), now + 300)
    await queues.arm(timer('c1'), now + 300)
    await queues.arm(timer('c2'), now + 300)
    await queues.cancel(timer('c2'))
    await queues.arm({ kind: 'day-end', day: '2026-11-26' }, now + 300)
    await eventually(() => fired.length >= 2, 3000)
    await sleep(400)
    // Timers due at the same time run side by side, in no particular order.
    expect(fired).toHaveLength(2)
    expect(fired).toEqual(expect.arrayContaining([timer('c1'), { kind: 'day-end', day: '2026-11-26' }]))
  })
})

describe('a restart after a kill', () => {
  it('handles the message the killed process was handling before the sender’s later ones', async () => {
    // The killed process: it took m1 (active, locked for seconds) and died before finishing it.
    const before = new WorkQueues(
      redis,
      keysFor(prefix),
      {
        partitions: 2,
        outbox: { rate: { max: 1000, per: 1000 }, attempts: 4, backoff: 20, maxTextLength: 2000 },
        clock: Date.now,
      },
      memoryLog(),
    )
    await before.enqueueInbound(customerText('m1'))
    const queue = queueNames.ingest(partitionOf('cust-1', 2))
    const killed = new Worker(queue, null, {
      connection: redis,
      prefix: keysFor(prefix).bullPrefix,
      autorun: false,
    })
    expect((await killed.getNextJob('dead-process'))?.id).toBe(jobIds.ingest('m1'))
    await before.enqueueInbound(customerText('m2'))
    await before.enqueueInbound(customerText('m3'))
    await before.close()
    await start()
    await eventually(() => handled.length === 3)
    expect(handled).toEqual(['m1', 'm2', 'm3'])
    await killed.close(true)
  })
})
