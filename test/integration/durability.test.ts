import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBot, redisDurability } from '../../src/app.js'
import { memoryLog } from '../../src/log/log.js'
import { checkDurability } from '../../src/queue/durability.js'
import { RedisServer } from '../faults/redis-server.js'

/** Redis servers of this test's own, each set up as some production Redis is. */
let durable: RedisServer
let forgetful: RedisServer
let locked: RedisServer
const dir = mkdtempSync(join(tmpdir(), 'kefu-durability-'))

beforeAll(async () => {
  ;[durable, forgetful, locked] = await Promise.all([
    RedisServer.start(),
    RedisServer.start(['--appendonly', 'no', '--maxmemory-policy', 'allkeys-lru']),
    RedisServer.start(['--rename-command', 'CONFIG', '""']),
  ])
}, 30_000)
afterAll(async () => {
  await Promise.all([durable, forgetful, locked].map((server) => server?.close()))
  rmSync(dir, { recursive: true, force: true })
})

async function check(server: RedisServer) {
  const redis = new Redis(server.url)
  try {
    return await checkDurability(redis)
  } finally {
    await redis.quit()
  }
}

describe('the durability check', () => {
  it('finds nothing wrong with AOF on and noeviction', async () => {
    expect(await check(durable)).toEqual({ ok: true, findings: [] })
  })

  it('names AOF off and an evicting policy, with what is expected and why', async () => {
    const result = await check(forgetful)
    expect(result.ok).toBe(false)
    expect(result.findings).toEqual([
      {
        field: 'appendonly',
        value: 'no',
        expected: 'yes',
        why: expect.stringContaining('loses the queued messages'),
      },
      {
        field: 'maxmemory-policy',
        value: 'allkeys-lru',
        expected: 'noeviction',
        why: expect.stringContaining('evict'),
      },
    ])
  })

  it('is there for a doctor, from the configuration alone', async () => {
    const result = await redisDurability({
      redis: { url: forgetful.url, prefix: 'doctor', batchWrites: true, lockTtl: 15_000 },
    })
    expect(result.findings.map((finding) => finding.field)).toEqual(['appendonly', 'maxmemory-policy'])
  })

  it('says it could not look where CONFIG is forbidden', async () => {
    const result = await check(locked)
    expect(result.ok).toBe(false)
    expect(result.findings).toEqual([
      expect.objectContaining({ field: 'CONFIG', value: expect.stringMatching(/unknown command/i) }),
    ])
  })
})

describe('start-up', () => {
  async function startOn(server: RedisServer) {
    const log = memoryLog()
    const bot = createBot(
      {
        redis: { url: server.url, prefix: 'durability' },
        store: { file: join(dir, `${server.port}.db`) },
        staff: [{ id: 'agent-a' }],
      },
      {
        log,
        channel: {
          start: async () => undefined,
          stop: async () => undefined,
          findContacts: async () => [],
          send: async () => undefined,
        },
      },
    )
    await bot.start()
    await bot.stop()
    return log.lines.filter((line) => line.level === 'warn')
  }

  it('warns of each setting that may lose the bot its work, and starts', async () => {
    const warnings = await startOn(forgetful)
    expect(warnings.map((line) => line.fields)).toEqual([
      expect.objectContaining({ field: 'appendonly', value: 'no', expected: 'yes' }),
      expect.objectContaining({ field: 'maxmemory-policy', value: 'allkeys-lru', expected: 'noeviction' }),
    ])
    expect(await startOn(durable)).toEqual([])
  })

  it('says once that CONFIG is forbidden, and starts', async () => {
    const warnings = await startOn(locked)
    expect(warnings.map((line) => line.message)).toEqual([
      'Redis does not allow CONFIG GET: durability not checked',
    ])
  })
})
