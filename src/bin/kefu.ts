#!/usr/bin/env node
import { main as cli } from '../cli.js'
import { type CommandSpec, helpText, USAGE_EXIT } from './args.js'
import { DOCTOR, doctor } from './doctor.js'
import { START, start } from './start.js'

/**
 * `kefu <command>`: the installed entry point (package.json "bin"). `kefu start` is the process a
 * service manager runs; see README, "Running as a service".
 */

const REPORT: CommandSpec = {
  name: 'kefu report',
  usage: 'kefu report --from YYYY-MM-DD --to YYYY-MM-DD [options]',
  summary: 'Prints the KPI report per agent and day from the transcript store.',
  options: {
    from: { type: 'string', value: 'date', description: 'first local day of the report' },
    to: { type: 'string', value: 'date', description: 'last local day of the report' },
    format: { type: 'string', value: 'md|csv', description: 'Markdown (default) or CSV' },
    by: {
      type: 'string',
      value: 'day|range',
      description: 'a row per agent and day (default), or per agent',
    },
    out: { type: 'string', value: 'file', description: 'write the report to a file instead of stdout' },
    locale: {
      type: 'string',
      value: 'zh-CN|en',
      description: 'language of the report (default: the configured one)',
    },
  },
  notes: ['Exit codes: 0 done, 1 configuration or store problem, 2 bad arguments.'],
}

interface Command {
  spec: CommandSpec
  run(args: readonly string[], io: typeof STREAMS): Promise<number | undefined>
}

const STREAMS = { stdout: process.stdout, stderr: process.stderr, env: process.env }

const COMMANDS: Record<string, Command> = {
  start: { spec: START, run: start },
  report: {
    spec: REPORT,
    // The report reads its own options, and says their problems in the configured language.
    async run(args, io) {
      if (!args.includes('--help') && !args.includes('-h')) return cli(['report', ...args], io)
      io.stdout.write(helpText(REPORT))
      return 0
    },
  },
  doctor: { spec: DOCTOR, run: doctor },
}

function overview(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length))
  return [
    'Usage: kefu <command> [options]',
    '',
    '客服机器人 (kefu-bot): a WeChat customer-service bot.',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, { spec }]) => `  ${name.padEnd(width)}  ${spec.summary}`),
    '',
    'Options:',
    '  -h, --help  show this help',
    '',
    'Run `kefu <command> --help` for what a command takes.',
    '',
  ].join('\n')
}

/** Resolves to the exit code, or to nothing when the process stays up as the bot. */
async function kefu(argv: readonly string[]): Promise<number | undefined> {
  const [name, ...args] = argv
  if (name === '--help' || name === '-h') {
    STREAMS.stdout.write(overview())
    return 0
  }
  const command = name === undefined ? undefined : COMMANDS[name]
  if (command) return command.run(args, STREAMS)
  const problem =
    name === undefined
      ? 'no command given'
      : name.startsWith('-')
        ? `unknown option '${name}'`
        : `unknown command '${name}'`
  STREAMS.stderr.write(`kefu: ${problem}\n\n${overview()}`)
  return USAGE_EXIT
}

kefu(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exit(code)
  },
  (error: unknown) => {
    process.stderr.write(`kefu: ${(error as Error)?.stack ?? error}\n`)
    process.exit(1)
  },
)
