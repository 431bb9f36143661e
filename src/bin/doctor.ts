import { loadConfig, openStore, pingRedis, redisDurability } from '../app.js'
import { type Config, ConfigError } from '../domain/config.js'
import { parseOrExplain, type Streams } from './args.js'
import { DOCTOR } from './commands.js'

/** What a check found: whether the bot can rely on it, and lines saying what (a failure's reason first). */
export interface CheckResult {
  ok: boolean
  findings: string[]
}

interface Check {
  name: string
  run(config: Config): Promise<CheckResult>
}

/** Each check gets this long: a server that never answers is a failure, not a hang. */
const CHECK_TIMEOUT_MS = 10_000

/** Run in order once the configuration has loaded; a new check is one more entry. */
const CHECKS: readonly Check[] = [
  {
    name: 'redis',
    async run(config) {
      await pingRedis(config)
      return { ok: true, findings: [`answered PING; keys under ${config.redis.prefix}:`] }
    },
  },
  {
    // Every promise of durability (messages, timers, the outbox) rests on these two settings.
    name: 'durability',
    async run(config) {
      const { findings } = await redisDurability(config)
      const forbidden = findings.find((finding) => finding.field === 'CONFIG')
      if (forbidden)
        return { ok: true, findings: [`not checked: this Redis forbids CONFIG (${forbidden.why})`] }
      if (findings.length === 0)
        return { ok: true, findings: ['appendonly yes, maxmemory-policy noeviction'] }
      return {
        ok: false,
        findings: findings.map(
          ({ field, value, expected, why }) => `${field} is ${value}, expected ${expected}: ${why}`,
        ),
      }
    },
  },
  {
    name: 'store',
    async run(config) {
      await openStore(config)
      const where = config.store.mongodbUri ? 'MongoDB' : config.store.file
      return { ok: true, findings: [`${where} opened`] }
    },
  },
]

/** `kefu doctor`: resolves to 0 when every check passed, 1 when one failed. */
export async function doctor(args: readonly string[], io: Streams & { env: NodeJS.ProcessEnv }) {
  const line = parseOrExplain(DOCTOR, args, io)
  if ('exit' in line) return line.exit
  const width = Math.max('config'.length, ...CHECKS.map((check) => check.name.length))
  const say = (status: 'ok' | 'FAIL' | 'skip', name: string, findings: readonly string[]) => {
    const [first = '', ...rest] = findings
    io.stdout.write(`${status.padEnd(4)}  ${name.padEnd(width)}  ${first}\n`)
    for (const more of rest) io.stdout.write(`${' '.repeat(width + 8)}${more}\n`)
  }

  let config: Config
  try {
    config = loadConfig(io.env)
  } catch (error) {
    say('FAIL', 'config', error instanceof ConfigError ? error.problems : [String(error)])
    for (const check of CHECKS) say('skip', check.name, ['needs the configuration'])
    return 1
  }
  say('ok', 'config', [`${config.staff.length} staff, locale ${config.locale}, time zone ${config.timeZone}`])
  let failed = 0
  for (const check of CHECKS) {
    const result = await within(CHECK_TIMEOUT_MS, check.run(config)).catch(
      (error: unknown): CheckResult => ({
        ok: false,
        findings: [(error as Error)?.message ?? String(error)],
      }),
    )
    say(result.ok ? 'ok' : 'FAIL', check.name, result.findings)
    if (!result.ok) failed++
  }
  return failed ? 1 : 0
}

function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms)
  })
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}
