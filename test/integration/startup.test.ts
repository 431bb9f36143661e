import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createBot } from '../../src/app.js'
import { MockWorld } from '../../src/demo/mock-world.js'
import { ConfigError } from '../../src/domain/config.js'
import { memoryLog } from '../../src/log/log.js'
import { RedisUnreachableError } from '../../src/queue/connection.js'
import { splitText } from '../../src/queue/work-queues.js'
import { closedPort } from '../support/closed-port.js'

describe('start-up', () => {
  it('refuses a malformed configuration before touching anything, naming the field', () => {
    expect(() => createBot({ staff: [{ id: 'a' }], sla: { replyTimeout: 'soon' } })).toThrow(ConfigError)
    expect(() => createBot({ staff: [{ id: 'a' }], sla: { replyTimeout: 'soon' } })).toThrow(
      /sla\.replyTimeout/,
    )
  })

  it('refuses a store path under an existing file before creating anything, naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kefu-startup-'))
    writeFileSync(join(dir, 'data'), 'a file, not a directory')
    expect(() => createBot({ staff: [{ id: 'a' }], store: { file: join(dir, 'data', 't.db') } })).toThrow(
      /store\.file: .*data\/t\.db cannot be created: .*data is a file, not a directory/,
    )
    rmSync(dir, { recursive: true, force: true })
  })

  it('fails fast with a clear message when Redis is unreachable', async () => {
    const world = new MockWorld()
    const bot = createBot(
      {
        staff: [{ id: 'a' }],
        redis: { url: 'redis://127.0.0.1:1', prefix: 'never' },
        store: { file: ':memory:' },
      },
      { puppet: world.puppet, log: memoryLog() },
    )
    const started = Date.now()
    const failure = await bot.start().then(
      () => undefined,
      (error: unknown) => error,
    )
    expect(failure).toBeInstanceOf(RedisUnreachableError)
    expect((failure as Error).message).toMatch(
      /Redis is unreachable at redis:\/\/127\.0\.0\.1:1 .*ECONNREFUSED/,
    )
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it.each([
    [
      'sentinels',
      (port: number) => ({ sentinels: [{ host: '127.0.0.1', port }], name: 'kefu-master', prefix: 'never' }),
      /^no Sentinel answered at 127\.0\.0\.1:\d+ \(All sentinels are unreachable/,
    ],
    [
      'a cluster',
      (port: number) => ({ cluster: { nodes: [{ host: '127.0.0.1', port }] }, prefix: '{never}' }),
      /^the cluster at 127\.0\.0\.1:\d+ did not become ready \(/,
    ],
  ])('names the topology when %s do not answer', async (_, redis, message) => {
    const bot = createBot(
      { staff: [{ id: 'a' }], redis: redis(await closedPort()), store: { file: ':memory:' } },
      { puppet: new MockWorld().puppet, log: memoryLog() },
    )
    const started = Date.now()
    const failure = await bot.start().then(
      () => undefined,
      (error: unknown) => error,
    )
    expect(failure).toBeInstanceOf(RedisUnreachableError)
    expect((failure as Error).message).toMatch(message)
    expect(Date.now() - started).toBeLessThan(5000)
  })
})

describe('long messages', () => {
  it('go out in numbered parts that together hold the whole text', () => {
    const text = Array.from({ length: 30 }, (_, line) => `第${line}行：${'很长的内容'.repeat(10)}`).join('\n')
    const parts = splitText(text, 400)
    expect(parts.length).toBeGreaterThan(1)
    expect(parts.every((part) => [...part].length <= 400)).toBe(true)
    expect(parts[0]).toMatch(/ \(1\/\d+\)$/)
    const rejoined = parts.map((part) => part.replace(/ \(\d+\/\d+\)$/, '')).join('\n')
    expect(rejoined.replace(/\n/g, '')).toBe(text.replace(/\n/g, ''))
    expect(splitText('短消息', 400)).toEqual(['短消息'])
  })
})
