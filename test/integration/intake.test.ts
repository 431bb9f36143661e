import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { memoryLog } from '../../src/log/log.js'
import { Intake } from '../../src/queue/intake.js'
import { InboundSpool } from '../../src/queue/spool.js'
import { eventually } from '../support/harness.js'
import { customerText } from '../support/inbound.js'
import { testRedis } from '../support/redis.js'

/** The intake's spool on the machine's Redis: what WeChat was told arrived reaches the queue. */
const dir = mkdtempSync(join(tmpdir(), 'kefu-intake-'))
const redis = testRedis()
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  await redis.quit()
})

const message = (n: number) => customerText(`wx-${n}`, { id: `customer-${n}`, name: `客户${n}` }, `消息 ${n}`)

describe('the intake spool', () => {
  it('drains anyway when a command before the drain never gets an answer', async () => {
    await redis.ping()
    const log = memoryLog()
    const enqueued: string[] = []
    let prepared = 0
    const intake = new Intake({
      redis,
      spool: new InboundSpool(join(dir, 'spool.jsonl'), 100),
      log,
      async enqueue(inbound) {
        enqueued.push(inbound.id)
        return true
      },
      // The first answer never comes; every later one does.
      beforeDrain: () => (prepared++ === 0 ? new Promise<void>(() => undefined) : Promise.resolve()),
    })
    // Closed: what arrives is spooled, in order.
    for (const n of [1, 2, 3]) await intake.receive(message(n))
    expect(intake.spooled).toBe(3)
    intake.opened()
    await eventually(() => intake.spooled === 0, 10_000, 'the spool to drain')
    expect(enqueued).toEqual(['wx-1', 'wx-2', 'wx-3'])
    expect(log.lines.map((line) => line.message)).toContain('spool drain paused')
  })
})
