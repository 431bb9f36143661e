import { createBot, createLog, loadConfig, RedisUnreachableError } from '../app.js'
import { ConfigError } from '../domain/config.js'
import { type CommandSpec, parseOrExplain, type Streams } from './args.js'
import { DRAIN_MS, serve } from './service.js'

export const START: CommandSpec = {
  name: 'kefu start',
  usage: 'kefu start [options]',
  summary: 'Runs the bot on WeChat until a signal stops it.',
  options: {},
  notes: [
    'WeChat: WECHATY_PUPPET names the puppet; the login QR code shows in the terminal.',
    'Configuration: kefu.yaml (or kefu.yml, kefu.json) in the working directory, or the file KEFU_CONFIG names.',
    'Logs: JSON lines on stdout. Problems at start-up: one line on stderr, exit 1.',
    `Signals: SIGTERM or SIGINT finish the work in progress and exit 0 (1 if that takes over ${DRAIN_MS / 1000} s);`,
    '  SIGHUP reloads the staff list from the configuration file.',
    'Run it as the service process itself (systemd, Docker), never through npm: npm does not pass SIGHUP on.',
  ],
}

/** `kefu start`: resolves to an exit code when the bot cannot start, to nothing while it runs. */
export async function start(args: readonly string[], io: Streams): Promise<number | undefined> {
  const line = parseOrExplain(START, args, io)
  if ('exit' in line) return line.exit
  try {
    const log = createLog()
    const bot = createBot(loadConfig(), { log })
    await serve(bot, { log, reloadStaff: () => loadConfig().staff })
    return undefined
  } catch (error) {
    if (error instanceof ConfigError || error instanceof RedisUnreachableError) {
      io.stderr.write(`${error.message}\n`)
    } else {
      io.stderr.write(`the bot could not start: ${(error as Error)?.stack ?? error}\n`)
    }
    return 1
  }
}
