/** The public API: embed the bot with `createBot(config, { puppet })`. */
export {
  type Bot,
  type BotEvents,
  type BotOptions,
  createBot,
  InstanceLockedError,
  removeDeployment,
} from './app.js'
export type { Channel, ChannelHooks } from './channel/port.js'
export { type Config, ConfigError, type ConfigInput, parseConfig } from './domain/config.js'
export type { InboundMessage } from './domain/inbound.js'
export type { Outgoing } from './domain/outgoing.js'
export type { ConversationSummary, TranscriptEntry } from './domain/transcript.js'
export type { TranscriptReader } from './store/port.js'
