import {
  createBot,
  createLog,
  InstanceLockedError,
  LogSettingError,
  loadConfig,
  MongoUnavailableError,
  RedisUnreachableError,
} from '../app.js'
import { ConfigError } from '../domain/config.js'
import { parseOrExplain, type Streams } from './args.js'
import { START } from './commands.js'
import { serve } from './service.js'

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
    if (
      error instanceof ConfigError ||
      error instanceof RedisUnreachableError ||
      error instanceof LogSettingError ||
      error instanceof MongoUnavailableError ||
      error instanceof InstanceLockedError
    ) {
      io.stderr.write(`${error.message}\n`)
    } else {
      io.stderr.write(`the bot could not start: ${(error as Error)?.stack ?? error}\n`)
    }
    return 1
  }
}
