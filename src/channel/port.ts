import type { InboundMessage } from '../domain/inbound.js'
import type { Outgoing } from '../domain/outgoing.js'

/** What the bot hears from a messaging transport while it runs. */
export interface ChannelHooks {
  /** A message from a person; resolves once it is durable (the transport may then forget it). */
  onMessage(message: InboundMessage): Promise<void>
  /** Logged out after start: sends should wait. */
  onLogout(): void
  /** Logged in again after a logout. */
  onLogin(): void
}

/**
 * A messaging transport: WeChat through Wechaty in production, anything in a benchmark or a fault
 * test. The bot needs nothing else of it.
 */
export interface Channel {
  /** Resolves when the account is logged in and messages flow. */
  start(hooks: ChannelHooks): Promise<void>
  stop(): Promise<void>
  /** `id` is the message's outbox id: the same id is one message, however often it is handed over. */
  send(message: Outgoing, id: string): Promise<void>
  /**
   * The ids of every contact with this name (their own WeChat nickname) or alias (the remark the bot
   * account gave them), for staff configured without an id: more than one means it is ambiguous.
   */
  findContacts(query: { name: string } | { alias: string }): Promise<string[]>
}
