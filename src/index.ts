/** The public API: embed the bot with `createBot(config, { puppet })`. */
export { type Bot, type BotEvents, type BotOptions, createBot } from './app.js'
export { type Config, ConfigError, type ConfigInput, parseConfig } from './domain/config.js'
export type { ConversationSummary, TranscriptEntry } from './domain/transcript.js'
export { Engine, type Transport } from './engine.js'
export type { TranscriptReader } from './store/port.js'
