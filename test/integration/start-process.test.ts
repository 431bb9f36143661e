import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { closedPort } from '../support/closed-port.js'
import { deletePrefix, REDIS_URL, testPrefix, testRedis } from '../support/redis.js'

/**
 * `npm start` and `npm run demo` as a user runs them: real processes, their real stdout and
 * stderr, the real Redis (or a closed port where Redis is missing). The bot logs in to
 * `wechaty-puppet-mock`, which never logs in on its own: the bot waits for WeChat, as on a fresh start.
 */

const dir = mkdtempSync(join(tmpdir(), 'kefu-process-'))
const prefixes: string[] = []

afterAll(async () => {
  const redis = testRedis()
  for (const prefix of prefixes) await deletePrefix(redis, prefix)
  await redis.quit()
  rmSync(dir, { recursive: true, force: true })
})

function configFile(name: string, redisUrl: string): { file: string; store: string } {
  const prefix = testPrefix(name)
  prefixes.push(prefix)
  const store = join(dir, `${name}.db`)
  const file = join(dir, `${name}.yaml`)
  writeFileSync(
    file,
    `staff:\n  - id: wxid_agent\n    name: 小王\nredis:\n  url: ${redisUrl}\n  prefix: ${prefix}\nstore:\n  file: ${store}\n`,
  )
  return { file, store }
}

function run(args: string[], env: NodeJS.ProcessEnv): ChildProcess & { stderrText: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    env: { ...process.env, WECHATY_PUPPET: 'wechaty-puppet-mock', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  return Object.assign(child, { stderrText: () => stderr })
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode)
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)))
}

async function until(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe('kefu start', () => {
  it('goes on when its stdout is closed (npm start | head), and still stops cleanly on SIGTERM', async () => {
    const { file, store } = configFile('epipe', REDIS_URL)
    const bot = run(['src/bin/kefu.ts', 'start'], { KEFU_CONFIG: file })
    // The store file exists once Redis has answered and the store is open: the bot is up, waiting for WeChat.
    await until(() => existsSync(store), 20_000)
    bot.stdout?.destroy()
    // Each reload of the staff list logs a line, into the closed pipe.
    bot.kill('SIGHUP')
    await new Promise((resolve) => setTimeout(resolve, 1000))
    bot.kill('SIGHUP')
    await new Promise((resolve) => setTimeout(resolve, 1000))
    expect(bot.exitCode).toBeNull()
    bot.kill('SIGTERM')
    expect(await exited(bot)).toBe(0)
    expect(bot.stderrText()).not.toMatch(/EPIPE|Error/)
  }, 40_000)

  it('without Redis, fails within 5 s in one line saying how to get Redis', async () => {
    const port = await closedPort()
    const { file, store } = configFile('noredis', `redis://127.0.0.1:${port}`)
    const started = Date.now()
    const bot = run(['src/bin/kefu.ts', 'start'], { KEFU_CONFIG: file })
    expect(await exited(bot)).toBe(1)
    expect(Date.now() - started).toBeLessThan(5000)
    expectOneRedisLine(bot.stderrText(), port)
    expect(existsSync(store)).toBe(false)
  }, 20_000)

  it('refuses an unknown LOG_LEVEL in one line listing the levels', async () => {
    const { file } = configFile('level', REDIS_URL)
    const bot = run(['src/bin/kefu.ts', 'start'], { KEFU_CONFIG: file, LOG_LEVEL: 'verbose' })
    expect(await exited(bot)).toBe(1)
    expect(bot.stderrText()).toBe(
      'LOG_LEVEL: "verbose" is not a log level; use one of debug, info, warn, error, silent\n',
    )
  }, 20_000)
})

describe('npm run demo', () => {
  it('without Redis, fails within 5 s in one line saying how to get Redis', async () => {
    const port = await closedPort()
    const started = Date.now()
    const demo = run(['src/demo/main.ts'], { REDIS_URL: `redis://127.0.0.1:${port}` })
    expect(await exited(demo)).toBe(1)
    expect(Date.now() - started).toBeLessThan(5000)
    expectOneRedisLine(demo.stderrText(), port)
  }, 20_000)
})

describe('npm run demo -- --console', () => {
  it('keeps a floor going with the console on, prints login links that open it, and stops on Ctrl-C leaving no keys', async () => {
    const demo = run(['src/demo/main.ts', '--console', '--port', '0'], {})
    let stdout = ''
    demo.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
    })
    await until(() => /周经理: http\S+\/login\/\S+/.test(stdout), 30_000)
    const link = stdout.match(/陈主管: (http\S+\/login\/\S+)/)?.[1] ?? ''
    const prefix = stdout.match(/Redis prefix (\S+)\)/)?.[1] ?? ''
    expect(prefix).toMatch(/^kefu-demo-/)
    const page = await fetch(link)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('data-login')
    // A customer arrives at once, and is handed to an agent.
    await until(() => /【A1】/.test(stdout), 10_000)

    demo.kill('SIGINT')
    expect(await exited(demo)).toBe(0)
    const redis = testRedis()
    try {
      expect(await redis.keys(`${prefix}*`)).toEqual([])
    } finally {
      await redis.quit()
    }
  }, 60_000)
})

function expectOneRedisLine(stderr: string, port: number): void {
  const lines = stderr.trimEnd().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toContain(`Redis is unreachable at redis://127.0.0.1:${port} (connect ECONNREFUSED`)
  expect(lines[0]).toContain('apt-get install redis-server')
  expect(lines[0]).toContain('brew install redis')
  expect(lines[0]).toMatch(/docker run .*-p 6379:6379 redis:7/)
}
