import { writeFileSync } from 'node:fs'
import { userInfo } from 'node:os'
import {
  eraseCustomerData,
  exportCustomerData,
  loadConfig,
  MongoUnavailableError,
  type Operator,
  RedisUnreachableError,
  StoreNotFoundError,
} from '../app.js'
import { ConfigError } from '../domain/config.js'
import { parseOrExplain, type Streams, USAGE_EXIT } from './args.js'
import { ERASE, EXPORT } from './commands.js'

/**
 * `kefu export` and `kefu erase`: a customer's PIPL rights when nobody can send `/export` or
 * `/erase` on WeChat (the bot account logged out). The same store methods, the same audit.
 */

type IO = Streams & { env: NodeJS.ProcessEnv }

/** The OS user, unless `--by` names someone: the audit must say who it was. */
function operatorOf(values: Record<string, string | boolean | undefined>, customerId: string): Operator {
  const by = typeof values.by === 'string' && values.by.trim() ? values.by.trim() : userInfo().username
  return { customerId, by, at: Date.now() }
}

const when = (at: number | undefined) => (at === undefined ? '—' : new Date(at).toISOString())

/** A problem the operator can fix is one line and exit 1, not a stack trace. */
async function explained(name: string, io: IO, run: () => Promise<number>): Promise<number> {
  try {
    return await run()
  } catch (error) {
    const known = [ConfigError, StoreNotFoundError, RedisUnreachableError, MongoUnavailableError]
    if (!known.some((kind) => error instanceof kind)) throw error
    io.stderr.write(`${name}: ${(error as Error).message}\n`)
    return 1
  }
}

export function exportCommand(args: readonly string[], io: IO): Promise<number> {
  return explained(EXPORT.name, io, () => runExport(args, io))
}

export function eraseCommand(args: readonly string[], io: IO): Promise<number> {
  return explained(ERASE.name, io, () => runErase(args, io))
}

async function runExport(args: readonly string[], io: IO): Promise<number> {
  const line = parseOrExplain(EXPORT, args, io)
  if ('exit' in line) return line.exit
  const [customerId = ''] = line.positionals
  const operator = operatorOf(line.values, customerId)
  const exported = await exportCustomerData(loadConfig(io.env), operator)
  if (!exported) {
    io.stderr.write(`kefu export: no record of customer ${customerId}\n`)
    return 1
  }
  const { conversations, entries, from, to } = exported.summary
  if (typeof line.values.to === 'string')
    writeFileSync(line.values.to, `${exported.document}\n`, { mode: 0o600 })
  else io.stdout.write(`${exported.document}\n`)
  io.stderr.write(
    `kefu export: customer ${customerId}: ${conversations} conversations, ${entries} entries, ${when(from)} to ${when(to)}; audited as ${operator.by}\n`,
  )
  return 0
}

async function runErase(args: readonly string[], io: IO): Promise<number> {
  const line = parseOrExplain(ERASE, args, io)
  if ('exit' in line) return line.exit
  const [customerId = ''] = line.positionals
  if (line.values.confirm !== true) {
    io.stderr.write(`kefu erase: add --confirm to erase customer ${customerId}: it cannot be undone\n`)
    return USAGE_EXIT
  }
  const operator = operatorOf(line.values, customerId)
  const outcome = await eraseCustomerData(loadConfig(io.env), operator)
  switch (outcome.status) {
    case 'not-found':
      io.stderr.write(`kefu erase: no record of customer ${customerId}\n`)
      return 1
    case 'refused':
      io.stderr.write(
        outcome.reason === 'open'
          ? `kefu erase: customer ${customerId} has the open conversation ${outcome.code}: close it first (/close ${outcome.code})\n`
          : `kefu erase: customer ${customerId} waits for an answer in the group ${outcome.code}: answer them first (${outcome.code} …)\n`,
      )
      return 1
    case 'erased':
      io.stdout.write(
        `kefu erase: customer ${customerId} erased: ${outcome.counts.conversations} conversations, ${outcome.counts.entries} entries; audited as ${operator.by}\n`,
      )
      return 0
  }
}
