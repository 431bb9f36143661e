#!/usr/bin/env node
import { type CommandSpec, helpText, type Streams, USAGE_EXIT } from './args.js'
import { BACKUP, DOCTOR, ERASE, EXPORT, REPORT, START } from './commands.js'

/**
 * `kefu <command>`: the installed entry point (package.json "bin"). `kefu start` is the process a
 * service manager runs; see README, "Running as a service". Each command's code is loaded only
 * when it runs, so help and a mistyped line are answered at once.
 */

type IO = Streams & { env: NodeJS.ProcessEnv }

interface Command {
  spec: CommandSpec
  /** Resolves to the exit code, or to nothing while the process stays up as the bot. */
  run(args: readonly string[], io: IO): Promise<number | undefined>
}

const COMMANDS: Record<string, Command> = {
  start: { spec: START, run: async (args, io) => (await import('./start.js')).start(args, io) },
  report: {
    spec: REPORT,
    // The report reads its own options, and says their problems in the configured language.
    async run(args, io) {
      if (!args.includes('--help') && !args.includes('-h')) {
        return (await import('../cli.js')).main(['report', ...args], io)
      }
      io.stdout.write(helpText(REPORT))
      return 0
    },
  },
  doctor: { spec: DOCTOR, run: async (args, io) => (await import('./doctor.js')).doctor(args, io) },
  backup: { spec: BACKUP, run: async (args, io) => (await import('./backup.js')).backup(args, io) },
  export: { spec: EXPORT, run: async (args, io) => (await import('./privacy.js')).exportCommand(args, io) },
  erase: { spec: ERASE, run: async (args, io) => (await import('./privacy.js')).eraseCommand(args, io) },
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

async function kefu(argv: readonly string[], io: IO): Promise<number | undefined> {
  const [name, ...args] = argv
  if (name === '--help' || name === '-h') {
    io.stdout.write(overview())
    return 0
  }
  const command = name === undefined ? undefined : COMMANDS[name]
  if (command) return command.run(args, io)
  const problem =
    name === undefined
      ? 'no command given'
      : name.startsWith('-')
        ? `unknown option '${name}'`
        : `unknown command '${name}'`
  io.stderr.write(`kefu: ${problem}\n\n${overview()}`)
  return USAGE_EXIT
}

kefu(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
  (code) => {
    if (code !== undefined) process.exit(code)
  },
  (error: unknown) => {
    process.stderr.write(`kefu: ${(error as Error)?.stack ?? error}\n`)
    process.exit(1)
  },
)
