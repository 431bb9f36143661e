import { realpathSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { pathToFileURL } from 'node:url'
import { z } from 'zod'
import { type Locale, locales } from '../templates/index.js'
import { AccountsClashError, loadConfig, readAccountsReport, readReport, StoreNotFoundError } from './app.js'
import { accountLabel } from './domain/account-config.js'
import { type Config, ConfigError } from './domain/config.js'
import { isLocalDate } from './domain/report.js'
import { StaffDirectory } from './domain/staff.js'
import { renderAccounts, renderCsv, renderMarkdown } from './text/report.js'
import { Text, type TextKey, type TextVars } from './text/text.js'

/**
 * Command-line entries (`tsx src/cli.ts <command> …`): a dispatcher on the first argument.
 * `report` prints the KPI report per agent and day, and per watched room when groups had anything
 * (`npm run report -- --from … --to …`).
 * The report goes to stdout or `--out`; progress and errors go to stderr. Exit codes: 0 done,
 * 1 configuration or store problem, 2 bad arguments.
 */

export interface CliIO {
  stdout: { write(chunk: string): unknown }
  stderr: { write(chunk: string): unknown }
  env: NodeJS.ProcessEnv
}

type Command = (args: string[], io: CliIO) => Promise<number>

const COMMANDS: Record<string, Command> = { report }

/** Runs one command; resolves to the process exit code. */
export async function main(argv: readonly string[], io: Partial<CliIO> = {}): Promise<number> {
  const full: CliIO = {
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    env: io.env ?? process.env,
  }
  const [name, ...args] = argv
  const command = name === undefined ? undefined : COMMANDS[name]
  if (!command) {
    const text = new Text(envLocale(full.env) ?? 'zh-CN', 'UTC')
    const commands = Object.keys(COMMANDS).join(', ')
    if (name !== undefined && name !== '--help' && name !== '-h') {
      full.stderr.write(`${text.t('report.cli.unknownCommand', { command: name, commands })}\n`)
    }
    full.stderr.write(`${text.t('report.cli.commands', { commands })}\n`)
    return name === undefined || name === '--help' || name === '-h' ? 0 : 2
  }
  return command(args, full)
}

// ── report ────────────────────────────────────────────────────────────────────────────────────

const REPORT_OPTIONS = ['from', 'to', 'format', 'by', 'out', 'locale', 'config'] as const
type ReportOption = (typeof REPORT_OPTIONS)[number]

interface Problem {
  key: TextKey
  vars?: TextVars
}

/** Splits `--name value` / `--name=value` pairs; structural problems come back as sentences to say. */
function tokenize(args: readonly string[]): {
  values: Partial<Record<Exclude<ReportOption, 'config'>, string>>
  /** `--config` may be given once per account. */
  configs: string[]
  help: boolean
  problems: Problem[]
} {
  const values: Partial<Record<ReportOption, string>> = {}
  const configs: string[] = []
  const problems: Problem[] = []
  let help = false
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string
    if (arg === '--help' || arg === '-h') {
      help = true
      continue
    }
    if (!arg.startsWith('--')) {
      problems.push({ key: 'report.cli.unexpectedArgument', vars: { value: arg } })
      continue
    }
    const equals = arg.indexOf('=')
    const name = arg.slice(2, equals < 0 ? undefined : equals)
    const option = `--${name}`
    if (!(REPORT_OPTIONS as readonly string[]).includes(name)) {
      problems.push({ key: 'report.cli.unknownOption', vars: { option } })
      if (equals < 0 && args[index + 1] !== undefined && !args[index + 1]?.startsWith('--')) index++
      continue
    }
    let value: string | undefined
    if (equals >= 0) value = arg.slice(equals + 1)
    else if (args[index + 1] !== undefined && !args[index + 1]?.startsWith('--')) value = args[++index]
    if (value === undefined || value === '') {
      problems.push({ key: 'report.cli.missingValue', vars: { option } })
      continue
    }
    if (name === 'config') {
      configs.push(value)
      continue
    }
    if (values[name as ReportOption] !== undefined) {
      problems.push({ key: 'report.cli.repeated', vars: { option } })
      continue
    }
    values[name as ReportOption] = value
  }
  return { values, configs, help, problems }
}

function reportArgsSchema(text: Text) {
  const date = (option: string) =>
    z.string({ error: () => text.t('report.cli.missingOption', { option }) }).refine(isLocalDate, {
      error: (issue) => text.t('report.cli.badDate', { option, value: String(issue.input) }),
    })
  return z
    .object({
      from: date('--from'),
      to: date('--to'),
      format: z
        .enum(['md', 'csv'], {
          error: (issue) => text.t('report.cli.badFormat', { value: String(issue.input) }),
        })
        .default('md'),
      by: z
        .enum(['day', 'range'], {
          error: (issue) => text.t('report.cli.badBy', { value: String(issue.input) }),
        })
        .default('day'),
      out: z.string().min(1).optional(),
      locale: z
        .enum(Object.keys(locales) as [Locale, ...Locale[]], {
          error: (issue) => text.t('report.cli.badLocale', { value: String(issue.input) }),
        })
        .optional(),
    })
    .refine((args) => args.from <= args.to, {
      path: ['from'],
      error: (issue) => {
        const args = issue.input as { from: string; to: string }
        return text.t('report.cli.fromAfterTo', { from: args.from, to: args.to })
      },
    })
}

function isLocale(value: string | undefined): value is Locale {
  return value !== undefined && Object.hasOwn(locales, value)
}

function envLocale(env: NodeJS.ProcessEnv): Locale | undefined {
  return isLocale(env.KEFU_LOCALE) ? env.KEFU_LOCALE : undefined
}

/**
 * `report --from YYYY-MM-DD --to YYYY-MM-DD [--format md|csv] [--by day|range] [--out file] [--locale …]
 * [--config file …]`: the configured account's report (KEFU_CONFIG, or one `--config`); with several
 * `--config`, each account's report and their total.
 */
async function report(args: string[], io: CliIO): Promise<number> {
  const { values, configs: files, help, problems } = tokenize(args)
  const configs: Config[] = []
  let configProblem: unknown
  try {
    if (files.length === 0) configs.push(loadConfig(io.env))
    for (const file of files) configs.push(loadConfig({ ...io.env, KEFU_CONFIG: file }))
  } catch (error) {
    configProblem = error
  }
  const config = configProblem === undefined ? configs[0] : undefined
  // Messages are said in the language asked for, else the configured one.
  const locale =
    (isLocale(values.locale) ? values.locale : undefined) ?? config?.locale ?? envLocale(io.env) ?? 'zh-CN'
  const text = new Text(locale, config?.timeZone ?? 'UTC')
  const say = (line: string) => io.stderr.write(`${line}\n`)

  if (help) {
    io.stdout.write(`${text.t('report.cli.usage')}\n`)
    return 0
  }
  const parsed = reportArgsSchema(text).safeParse(values)
  if (problems.length || !parsed.success) {
    for (const problem of problems) say(text.t(problem.key, problem.vars))
    for (const issue of parsed.error?.issues ?? []) say(issue.message)
    say(text.t('report.cli.usage'))
    return 2
  }
  if (!config) {
    const message =
      configProblem instanceof ConfigError
        ? `${configProblem.file ? `${configProblem.file}: ` : ''}${configProblem.problems.join('; ')}`
        : String(configProblem)
    say(text.t('report.cli.configError', { message }))
    return 1
  }
  const options = parsed.data
  const progress = (key: TextKey, vars?: TextVars) => say(text.t(key, vars))
  let content: string
  try {
    if (configs.length > 1) {
      const { accounts, total } = await readAccountsReport(configs, options, progress)
      const sections = accounts.map(({ config: account, report: kpis }) => ({
        name: account.account.name,
        label: accountLabel(account.account),
        report: kpis,
        nameOf: namesOf(account),
      }))
      content = renderAccounts(sections, total, text, options.format)
    } else {
      const kpis = await readReport(config, options, progress)
      const nameOf = namesOf(config)
      content = options.format === 'csv' ? renderCsv(kpis, text, nameOf) : renderMarkdown(kpis, text, nameOf)
    }
  } catch (error) {
    if (error instanceof StoreNotFoundError) say(text.t('report.cli.noStore', { file: error.file }))
    else if (error instanceof AccountsClashError) say(clash(error, text))
    else say(text.t('report.cli.storeError', { message: (error as Error).message ?? String(error) }))
    return 1
  }

  if (!options.out) {
    io.stdout.write(content)
    return 0
  }
  try {
    // A byte-order mark lets spreadsheet programs read the Chinese in a CSV file as UTF-8.
    await writeFile(options.out, options.format === 'csv' ? `\uFEFF${content}` : content, 'utf8')
  } catch (error) {
    say(text.t('report.cli.writeError', { file: options.out, message: (error as Error).message }))
    return 1
  }
  say(text.t('report.cli.written', { file: options.out }))
  return 0
}

/** Staff names of one account's config, by id. */
function namesOf(config: Config): (id: string) => string {
  const staff = new StaffDirectory(config.staff)
  return (id) => staff.nameOf(id)
}

function clash(error: AccountsClashError, text: Text): string {
  const { first, second } = error
  if (error.clash === 'name') return text.t('report.cli.sameAccount', { first, second })
  if (error.clash === 'store') return text.t('report.cli.sameStore', { first, second })
  const field = { timeZone: 'timeZone', tally: 'tally', groupReplyTimeout: 'groups.replyTimeout' }[
    error.clash
  ]
  return text.t('report.cli.differentRule', { first, second, field })
}

function isEntryPoint(): boolean {
  const script = process.argv[1]
  if (!script) return false
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href
  } catch {
    return false
  }
}

if (isEntryPoint()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code
    },
    (error: unknown) => {
      process.stderr.write(`${(error as Error).stack ?? error}\n`)
      process.exitCode = 1
    },
  )
}
