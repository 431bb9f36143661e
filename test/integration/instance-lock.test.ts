import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { type Bot, createBot, InstanceLockedError } from '../../src/app.js'
import type { Channel } from '../../src/channel/port.js'
import type { ConfigInput } from '../../src/domain/config.js'
import { memoryLog } from '../../src/log/log.js'
import { keysFor } from '../../src/queue/keys.js'
import { eventually } from '../support/harness.js'
import { customerText } from '../support/inbound.js'
import { deletePrefix, REDIS_URL, testPrefix, testRedis } from '../support/redis.js'

/** A transport that takes nothing in and sends nowhere: these bots only start and stop. */
const quiet = (): Channel => ({
  start: async () => undefined,
  stop: async () => undefined,
  findContacts: async () => [],
  send: async () => undefined,
})

const redis = testRedis()
const dir = mkdtempSync(join(tmpdir(), 'kefu-lock-'))
const prefixes: string[] = []
const bots: Bot[] = []
const children: ChildProcess[] = []

function config(prefix: string, lockTtl = '1500ms'): ConfigInput {
  return {
    redis: { url: REDIS_URL, prefix, lockTtl },
    store: { file: join(dir, `${prefix}-${bots.length}.db`) },
    staff: [{ id: 'agent-a', roles: ['agent'] }],
  }
}

function bot(prefix: string, log = memoryLog()) {
  const created = createBot(config(prefix), { channel: quiet(), log })
  bots.push(created)
  return Object.assign(created, { log })
}

function newPrefix(): string {
  const prefix = testPrefix('lock')
  prefixes.push(prefix)
  return prefix
}

afterEach(async () => {
  await Promise.all(bots.splice(0).map((started) => started.stop().catch(() => undefined)))
  for (const child of children.splice(0)) child.kill('SIGKILL')
})
afterAll(async () => {
  for (const prefix of prefixes) await deletePrefix(redis, prefix)
  await redis.quit()
  rmSync(dir, { recursive: true, force: true })
})

describe('one bot per prefix', () => {
  it('refuses a second bot on the prefix, naming the first; a clean stop lets the next one start at once', async () => {
    const prefix = newPrefix()
    const first = bot(prefix)
    await first.start()

    const second = bot(prefix)
    const started = Date.now()
    const refusal = await second.start().then(
      () => undefined,
      (error: unknown) => error,
    )
    expect(refusal).toBeInstanceOf(InstanceLockedError)
    expect((refusal as Error).message).toMatch(
      new RegExp(
        `another bot runs on Redis prefix "${prefix}": pid ${process.pid} on host ${hostname()}, since \\d{4}-`,
      ),
    )
    // Refused once the first was seen renewing its lock: within one renewal interval (a third of 1.5 s).
    expect(Date.now() - started).toBeLessThan(1500)

    await first.stop()
    const third = bot(prefix)
    const before = Date.now()
    await third.start()
    expect(Date.now() - before).toBeLessThan(500)
    expect(third.log.lines.map((line) => line.message)).not.toContain(
      'another process holds the instance lock of this prefix: waiting to see whether it renews it',
    )
  })

  it('stops taking work when another process holds its lock, and says who', async () => {
    const prefix = newPrefix()
    const first = bot(prefix)
    await first.start()
    const lost = new Promise((resolve) => first.events.once('lock-lost', resolve))
    // As if the first bot had been cut off from Redis past its lock's TTL and another had started.
    await redis.del(keysFor(prefix).instanceLock)
    const second = bot(prefix)
    await second.start()

    const holder = await lost
    expect(holder).toMatchObject({ pid: process.pid, host: hostname() })
    expect(first.log.lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'another process took over the instance lock of this prefix: this bot stops taking work',
      }),
    )
    // What still reaches it is kept for its next start, not handed to the other bot's queues.
    await first.receive(customerText('late-1', { id: 'cust-1', name: 'c' }, '在吗'))
    expect(readFileSync(join(dir, `inbound-spool-${prefix}.jsonl`), 'utf8')).toContain('late-1')
    expect(await second.pendingWork()).toBe(0)
    await eventually(
      () => first.log.lines.some((line) => line.message === 'bot stopped'),
      5000,
      'the bot to stop',
    )
    // The lock stays the second bot's: the first did not take it with it.
    expect(JSON.parse((await redis.get(keysFor(prefix).instanceLock)) ?? '{}')).toEqual(holder)
    await second.stop()
    expect(await redis.exists(keysFor(prefix).instanceLock)).toBe(0)
  })
})

/** `npm start` in a process of its own, on the mock puppet (which never logs in: the lock comes first). */
class BotProcess {
  readonly out: string[] = []
  readonly err: string[] = []
  readonly exited: Promise<number | null>
  readonly child: ChildProcess

  constructor(configFile: string) {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'src/bin/kefu.ts', 'start'], {
      env: {
        ...process.env,
        KEFU_CONFIG: configFile,
        WECHATY_PUPPET: 'wechaty-puppet-mock',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    children.push(this.child)
    this.child.stdout?.on('data', (chunk: Buffer) => this.out.push(...chunk.toString().split('\n')))
    this.child.stderr?.on('data', (chunk: Buffer) => this.err.push(chunk.toString()))
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)))
  }

  /** When the line with this message was logged (epoch ms). */
  /** When the line was logged, in epoch ms (the log writes ISO times). */
  timeLogged(message: string): number {
    const line = this.out.find((text) => text.includes(`"msg":"${message}"`))
    return line ? Date.parse((JSON.parse(line) as { time: string }).time) : Number.NaN
  }

  logged(message: string): boolean {
    return this.out.some((line) => line.includes(`"msg":"${message}"`))
  }

  async untilLogged(message: string, timeoutMs = 20_000): Promise<void> {
    await eventually(() => this.logged(message), timeoutMs, `"${message}" in the bot's log`)
  }
}

describe('one bot per prefix, across processes', () => {
  it('refuses a second process; after kill -9 of the first the next starts once its lock expired; SIGTERM gives it back at once', async () => {
    const prefix = newPrefix()
    const configFile = join(dir, `${prefix}.json`)
    writeFileSync(
      configFile,
      JSON.stringify({ ...config(prefix, '6s'), store: { file: join(dir, `${prefix}.db`) } }),
    )

    const first = new BotProcess(configFile)
    await first.untilLogged('instance lock taken')

    const second = new BotProcess(configFile)
    expect(await second.exited).toBe(1)
    expect(second.err.join('')).toMatch(
      new RegExp(
        `another bot runs on Redis prefix "${prefix}": pid ${first.child.pid} on host ${hostname()}, since`,
      ),
    )

    first.child.kill('SIGKILL')
    await first.exited
    // Its lock outlives it until its TTL runs out; the next bot takes it then (waiting for it, if it
    // starts sooner than that), with no operator.
    const expiresAt = Date.now() + (await redis.pttl(keysFor(prefix).instanceLock))
    const third = new BotProcess(configFile)
    await third.untilLogged('instance lock taken')
    expect(third.timeLogged('instance lock taken')).toBeGreaterThanOrEqual(expiresAt - 50)
    expect(Date.now() - expiresAt).toBeLessThan(10_000)

    third.child.kill('SIGTERM')
    expect(await third.exited).toBe(0)
    const fourth = new BotProcess(configFile)
    await fourth.untilLogged('instance lock taken')
    expect(
      fourth.logged(
        'another process holds the instance lock of this prefix: waiting to see whether it renews it',
      ),
    ).toBe(false)
    fourth.child.kill('SIGTERM')
    expect(await fourth.exited).toBe(0)
  }, 60_000)
})
