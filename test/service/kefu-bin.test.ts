import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { removeDeployment } from '../../src/app.js'
import { RedisServer } from '../faults/redis-server.js'
import { REDIS_URL, testPrefix } from '../support/redis.js'
import { buildInstall, closedPort, ROOT, type Running, run, start, writeConfig } from './kefu.js'

/**
 * The built `kefu` as an operator meets it: plain `node dist/…/kefu.js`, no tsx, a real process, the
 * real Redis. WeChat is the mock puppet, named by WECHATY_PUPPET as a real puppet would be.
 */
let install: string
let kefu: string
const prefix = testPrefix('kefu-bin')
const running: Running[] = []

beforeAll(async () => {
  install = await buildInstall()
  kefu = join(install, 'dist/src/bin/kefu.js')
}, 180_000)

afterAll(async () => {
  for (const bot of running) bot.child.kill('SIGKILL')
  await removeDeployment({ redis: { url: REDIS_URL, prefix, batchWrites: false, lockTtl: 15_000 } })
  if (install) rmSync(install, { recursive: true, force: true })
})

function env(config: string, more: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, REDIS_URL, KEFU_CONFIG: config, LOG_LEVEL: 'info', ...more }
}

/** A bot run by `kefu start` from the build, logged in to the mock WeChat. */
async function startBot(config: string, staff = 2): Promise<Running> {
  writeConfig(config, prefix, join(install, 'transcripts.db'), staff)
  const bot = start(
    process.execPath,
    [kefu, 'start'],
    install,
    env(config, { WECHATY_PUPPET: join(install, 'dist/test/service/logged-in-puppet.js') }),
  )
  running.push(bot)
  await bot.logged('bot started', 20_000)
  return bot
}

describe('kefu on the command line', () => {
  it('--help lists the commands and exits 0; each command has its own help', async () => {
    const help = await run(kefu, ['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/^Usage: kefu <command>/)
    for (const command of ['start', 'report', 'doctor', 'backup'])
      expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'))
    for (const command of ['start', 'report', 'doctor', 'backup']) {
      const own = await run(kefu, [command, '--help'])
      expect(own.code).toBe(0)
      expect(own.stdout).toContain(`Usage: kefu ${command}`)
    }
  })

  it('refuses an unknown command or option with the reason and the help, exit 2', async () => {
    const command = await run(kefu, ['strat'])
    expect(command.code).toBe(2)
    expect(command.stderr).toMatch(/^kefu: unknown command 'strat'\n\nUsage: kefu <command>/)
    const option = await run(kefu, ['start', '--daemon'])
    expect(option.code).toBe(2)
    expect(option.stderr).toMatch(/^kefu start: unknown option '--daemon'\n\nUsage: kefu start/)
    const none = await run(kefu, [])
    expect(none.code).toBe(2)
    expect(none.stderr).toMatch(/^kefu: no command given/)
  })

  it('npm run demo -- --help says what the demo does, without running it', async () => {
    const help = await run(process.execPath, ['--import', 'tsx', 'src/demo/main.ts', '--help'], { cwd: ROOT })
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/^Usage: npm run demo -- \[options\]/)
    expect(help.stdout).toContain('--en')
  })
})

describe('kefu doctor', () => {
  it('says ok for each check when the configuration, a durable Redis and the store are there', async () => {
    const config = join(install, 'doctor-ok.json')
    writeConfig(config, prefix, join(install, 'doctor.db'), 1)
    // AOF on and no eviction, as a deployment's Redis must be.
    const durable = await RedisServer.start()
    try {
      const doctor = await run(kefu, ['doctor'], { env: env(config, { REDIS_URL: durable.url }) })
      expect(doctor.stdout).toMatch(/^ok {4}config {6}1 staff/m)
      expect(doctor.stdout).toMatch(/^ok {4}redis {7}answered PING/m)
      expect(doctor.stdout).toMatch(/^ok {4}durability {2}appendonly yes, maxmemory-policy noeviction/m)
      expect(doctor.stdout).toMatch(/^ok {4}store {7}.*doctor\.db opened/m)
      expect(doctor.code).toBe(0)
    } finally {
      await durable.close()
    }
  })

  it("fails when Redis would lose the bot's work: AOF off, keys evicted", async () => {
    const config = join(install, 'doctor-volatile.json')
    writeConfig(config, prefix, join(install, 'doctor.db'), 1)
    const volatile = await RedisServer.start(['--appendonly', 'no', '--maxmemory-policy', 'allkeys-lru'])
    try {
      const doctor = await run(kefu, ['doctor'], { env: env(config, { REDIS_URL: volatile.url }) })
      expect(doctor.code).toBe(1)
      expect(doctor.stdout).toMatch(/^FAIL {2}durability {2}appendonly is no, expected yes/m)
      expect(doctor.stdout).toMatch(/maxmemory-policy is allkeys-lru, expected noeviction/)
    } finally {
      await volatile.close()
    }
  })

  it('fails with a line naming Redis when nothing answers at its address', async () => {
    const config = join(install, 'doctor-no-redis.json')
    writeConfig(config, prefix, join(install, 'doctor.db'), 1)
    const port = await closedPort()
    const started = Date.now()
    const doctor = await run(kefu, ['doctor'], {
      env: env(config, { REDIS_URL: `redis://127.0.0.1:${port}` }),
    })
    expect(doctor.code).toBe(1)
    expect(doctor.stdout).toMatch(
      new RegExp(
        `^FAIL  redis {7}Redis is unreachable at redis://127\\.0\\.0\\.1:${port} .*ECONNREFUSED`,
        'm',
      ),
    )
    expect(doctor.stdout).toMatch(/^ok {4}store/m)
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  it('fails on a configuration that does not load, and skips what needs it', async () => {
    const doctor = await run(kefu, ['doctor'], { env: env(join(install, 'missing.yaml')) })
    expect(doctor.code).toBe(1)
    expect(doctor.stdout).toMatch(/^FAIL {2}config {6}.*missing\.yaml \(from KEFU_CONFIG\): no such file/m)
    expect(doctor.stdout).toMatch(/^skip {2}redis {7}needs the configuration/m)
  })
})

describe('kefu start, signalled by pid', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s stops the bot gracefully: exit 0, "bot stopped"',
    async (signal) => {
      const bot = await startBot(join(install, `start-${signal}.json`))
      const sent = Date.now()
      process.kill(bot.pid, signal)
      const { code, ms } = await bot.exit(sent, 15_000)
      expect(code).toBe(0)
      expect(ms).toBeLessThan(10_000)
      expect(bot.messages().slice(-2)).toEqual(['logged out: the bot is stopping', 'bot stopped'])
      expect(bot.lines.find((line) => line.msg === 'stopping')).toMatchObject({ signal })
    },
    60_000,
  )

  it('SIGHUP applies the staff list the file holds now, and the bot runs on', async () => {
    const config = join(install, 'start-hup.json')
    const bot = await startBot(config, 2)
    expect(await bot.logged('bot started', 0)).toMatchObject({ staff: 2 })
    writeConfig(config, prefix, join(install, 'transcripts.db'), 3)
    process.kill(bot.pid, 'SIGHUP')
    await bot.logged('staff list updated', 10_000, { staff: 3 })
    // A file that no longer loads changes nothing and stops nothing.
    writeConfig(config, prefix, join(install, 'transcripts.db'), 0)
    process.kill(bot.pid, 'SIGHUP')
    expect(await bot.logged('staff list not reloaded', 10_000)).toMatchObject({
      err: expect.stringMatching(/staff/),
    })
    const sent = Date.now()
    process.kill(bot.pid, 'SIGTERM')
    expect((await bot.exit(sent, 15_000)).code).toBe(0)
  }, 60_000)
})

describe('npm start', () => {
  it('runs the bot as npm’s own child, so SIGTERM to npm reaches it and both exit 0', async () => {
    const config = join(install, 'npm-start.json')
    writeConfig(config, prefix, join(install, 'transcripts.db'), 2)
    const npm = start(
      'npm',
      ['start', '--silent'],
      ROOT,
      env(config, { WECHATY_PUPPET: join(ROOT, 'test/service/logged-in-puppet.ts') }),
    )
    running.push(npm)
    await npm.logged('bot started', 30_000)
    const children = await run('ps', ['-o', 'pid=,args=', '--ppid', String(npm.pid)])
    expect(children.stdout.trim()).toMatch(/^\d+ node --import tsx src\/bin\/kefu\.ts start$/)
    const sent = Date.now()
    process.kill(npm.pid, 'SIGTERM')
    const { code } = await npm.exit(sent, 15_000)
    expect(code).toBe(0)
    expect(npm.messages().at(-1)).toBe('bot stopped')
  }, 60_000)
})
