import {
  createBot,
  createLog,
  InstanceLockedError,
  LogSettingError,
  loadConfig,
  MongoUnavailableError,
  RedisUnreachableError,
} from './app.js'
import { ConfigError } from './domain/config.js'

/**
 * `npm start`: the bot on real WeChat, with the puppet named by WECHATY_PUPPET. The login QR code
 * appears in the terminal; SIGINT/SIGTERM stop it after work in progress is done.
 */
async function main(): Promise<void> {
  const log = createLog()
  const config = loadConfig()
  const bot = createBot(config, { log })
  // Another process took the prefix over: the bot stops itself, and the exit says it failed.
  bot.events.once('lock-lost', () => void bot.stop().finally(() => process.exit(1)))
  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'stopping')
    const force = setTimeout(() => {
      log.error({}, 'work in progress did not finish within 30 s; exiting')
      process.exit(1)
    }, 30_000)
    force.unref()
    await bot.stop()
    process.exit(0)
  }
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('SIGTERM', () => void stop('SIGTERM'))
  // The staff list changes without a restart; every other field needs one.
  process.on('SIGHUP', () => {
    Promise.resolve()
      .then(() => bot.updateStaff(loadConfig().staff))
      .catch((error: unknown) => log.error({ err: (error as Error).message }, 'staff list not reloaded'))
  })
  await bot.start()
}

main().catch((error: unknown) => {
  if (
    error instanceof ConfigError ||
    error instanceof RedisUnreachableError ||
    error instanceof LogSettingError ||
    error instanceof MongoUnavailableError ||
    error instanceof InstanceLockedError
  ) {
    process.stderr.write(`${error.message}\n`)
  } else {
    process.stderr.write(`the bot could not start: ${(error as Error)?.stack ?? error}\n`)
  }
  process.exit(1)
})
