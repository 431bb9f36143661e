import type { Bot, Log } from '../app.js'
import type { ConfigInput } from '../domain/config.js'
import { DRAIN_MS } from './commands.js'

export interface ServeOptions {
  log: Log
  /** The staff list as the configuration file says it now: SIGHUP applies it. */
  reloadStaff: () => ConfigInput['staff']
}

/**
 * Runs the bot as the process a supervisor (systemd, Docker, pm2) manages: this process owns the
 * signals. SIGTERM and SIGINT stop the bot gracefully (workers finish their jobs, then WeChat, then
 * the connections) and exit 0, or 1 when that takes longer than DRAIN_MS; SIGHUP applies a new
 * staff list without a restart (every other field needs one). Resolves once the bot has started.
 */
export async function serve(bot: Bot, { log, reloadStaff }: ServeOptions): Promise<void> {
  let stopping = false
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.info({ signal }, 'already stopping')
      return
    }
    stopping = true
    log.info({ signal }, 'stopping')
    const force = setTimeout(() => {
      log.error({}, `work in progress did not finish within ${DRAIN_MS / 1000} s; exiting`)
      process.exit(1)
    }, DRAIN_MS)
    force.unref()
    bot.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: (error as Error).message }, 'the bot did not stop cleanly')
        process.exit(1)
      },
    )
  }
  // Another process took the prefix over: the bot stops itself, and the exit says it failed.
  bot.events.once('lock-lost', () => {
    stopping = true
    void bot.stop().finally(() => process.exit(1))
  })
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  process.on('SIGHUP', () => {
    if (stopping) return
    Promise.resolve()
      .then(() => bot.updateStaff(reloadStaff()))
      .catch((error: unknown) => log.error({ err: (error as Error).message }, 'staff list not reloaded'))
  })
  try {
    await bot.start()
  } catch (error) {
    // A signal during start-up (waiting for the QR code, say) closes what start was opening; the
    // stop above ends the process, not start's failure.
    if (!stopping) throw error
  }
}
