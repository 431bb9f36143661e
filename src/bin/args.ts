import { parseArgs } from 'node:util'

/**
 * Command lines of the entry points (`kefu <command>`, the demo), parsed with Node's own
 * `util.parseArgs`: each command declares its options once, and the same declaration gives its help.
 */

export interface OptionSpec {
  type: 'string' | 'boolean'
  short?: string
  /** What the help says about it; a string option names its value, as in `--out <file>`. */
  description: string
  value?: string
}

export interface CommandSpec {
  /** As typed: `kefu start`; it begins every error line. */
  name: string
  /** The name with what may follow it: `kefu start [options]`. */
  usage: string
  summary: string
  options: Record<string, OptionSpec>
  /** Arguments that are no options, in order (`kefu erase <customer-id>`): each one required. */
  positionals?: readonly string[]
  /** Lines after the options: environment, signals, exit codes. */
  notes?: readonly string[]
}

const HELP: OptionSpec = { type: 'boolean', short: 'h', description: 'show this help' }

/** A command line that cannot be run; its message says why in one line. */
class UsageError extends Error {
  override readonly name = 'UsageError'
}

type Values = Record<string, string | boolean | undefined>
type Parsed = { help: true } | { help: false; values: Values; positionals: string[] }

/** Parses `args` against `spec`; an unknown option, a missing value or a stray argument is a UsageError. */
function parseCommand(spec: CommandSpec, args: readonly string[]): Parsed {
  const options = Object.fromEntries(
    Object.entries({ ...spec.options, help: HELP }).map(([name, option]) => [
      name,
      option.short ? { type: option.type, short: option.short } : { type: option.type },
    ]),
  )
  const names = spec.positionals ?? []
  let values: Values
  let positionals: string[]
  try {
    ;({ values, positionals } = parseArgs({
      args: [...args],
      options,
      strict: true,
      allowPositionals: names.length > 0,
    }))
  } catch (error) {
    // Node's messages go on with advice about `--`; the first sentence is the one that matters here.
    const reason = ((error as Error).message.split('. ')[0] ?? '').replace(/\.$/, '')
    throw new UsageError(reason.charAt(0).toLowerCase() + reason.slice(1))
  }
  if (values.help) return { help: true }
  const missing = names[positionals.length]
  if (missing) throw new UsageError(`missing <${missing}>`)
  const extra = positionals[names.length]
  if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`)
  return { help: false, values, positionals }
}

export function helpText(spec: CommandSpec): string {
  const entries = Object.entries({ ...spec.options, help: HELP }).map(([name, option]) => {
    const flag = `${option.short ? `-${option.short}, ` : '    '}--${name}`
    return [option.type === 'string' ? `${flag} <${option.value ?? 'value'}>` : flag, option.description]
  })
  const width = Math.max(...entries.map(([flag]) => (flag ?? '').length))
  return [
    `Usage: ${spec.usage}`,
    '',
    spec.summary,
    '',
    'Options:',
    ...entries.map(([flag, description]) => `  ${(flag ?? '').padEnd(width)}  ${description}`),
    ...(spec.notes?.length ? ['', ...spec.notes] : []),
    '',
  ].join('\n')
}

export interface Streams {
  stdout: { write(chunk: string): unknown }
  stderr: { write(chunk: string): unknown }
}

/** Exit code of a command line that cannot be run, as the report command has it. */
export const USAGE_EXIT = 2

/**
 * Parses for a command that runs only when its line is right. `{ exit }` means it is already
 * answered: help asked for (on stdout, exit 0), or a wrong line (its reason and the help on stderr,
 * exit 2). `{ values }` means run it.
 */
export function parseOrExplain(
  spec: CommandSpec,
  args: readonly string[],
  io: Streams,
): { exit: number } | { values: Values; positionals: string[] } {
  let parsed: Parsed
  try {
    parsed = parseCommand(spec, args)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    io.stderr.write(`${spec.name}: ${error.message}\n\n${helpText(spec)}`)
    return { exit: USAGE_EXIT }
  }
  if (parsed.help) {
    io.stdout.write(helpText(spec))
    return { exit: 0 }
  }
  return { values: parsed.values, positionals: parsed.positionals }
}
