import type { EventEmitter } from 'node:events'
import { type PuppetOption, WechatyChannel } from './channel/wechaty-channel.js'
import type { Config, ConfigInput } from './domain/config.js'
import { Engine, type EngineEvents } from './engine.js'
import type { Log } from './log.js'
import type { TranscriptReader } from './store/port.js'

export interface BotOptions {
  /** A Wechaty puppet instance; without one Wechaty uses the puppet named by `WECHATY_PUPPET`. */
  puppet?: PuppetOption
  log?: Log
}

export type BotEvents = EngineEvents

export interface Bot {
  /** Resolves when the bot is logged in to WeChat and its workers run. */
  start(): Promise<void>
  /** Lets work in progress finish, then closes every connection. */
  stop(): Promise<void>
  transcripts: TranscriptReader
  events: EventEmitter<BotEvents>
  config: Config
  /** Jobs not yet done, per queue: lets a demo or a test wait until the system has settled. */
  pendingWork(): Promise<number>
  /** Applies a new staff list at once (`npm start` reloads it from the config file on SIGHUP). */
  updateStaff(staff: ConfigInput['staff']): Promise<void>
}

/**
 * The composition root: the engine (state, queues, dispatcher, handlers, store) behind WeChat.
 * channel → engine.receive (ingest queue) → dispatcher → handlers → outbox → channel.
 */
export function createBot(input: ConfigInput | Config, options: BotOptions = {}): Bot {
  const engine = new Engine(input, options.log)
  const { log, staff } = engine
  const channel = new WechatyChannel(options.puppet, log.child({ room: 'channel' }))

  async function resolveStaffNames(): Promise<void> {
    for (const member of [...staff.unresolved]) {
      const reference = member.name ?? member.alias ?? ''
      const id = await channel.findContactId(reference)
      if (id) staff.resolve(member, id)
      else
        log.warn(
          { staff: reference },
          'no WeChat contact found for a staff member; they are treated as a customer',
        )
    }
  }

  return {
    config: engine.config,
    events: engine.events,
    transcripts: engine.store,
    async start() {
      await engine.open()
      await channel.start({
        onMessage: (message) => engine.receive(message),
        onLogout: () => void engine.pauseSending(),
        onLogin: () => engine.resumeSending(),
      })
      await resolveStaffNames()
      await engine.run({
        send: (message) =>
          message.kind === 'text'
            ? channel.sendText(message.to, message.text)
            : channel.forward(message.to, message.messageId),
      })
      log.info({ prefix: engine.config.redis.prefix, staff: staff.all().length }, 'bot started')
    },
    async stop() {
      // Workers first, while WeChat is still there for the sends in progress; what arrives meanwhile
      // is queued, durably, for the next start. Then WeChat, then the connections.
      await engine.drain()
      await channel.stop()
      await engine.close()
      log.info({}, 'bot stopped')
    },
    pendingWork: () => engine.pendingWork(),
    updateStaff: (staff) => engine.updateStaff(staff),
  }
}
