import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { handlers } from '../../handlers/index.js'
import { type ConfigInput, parseConfig } from '../../src/domain/config.js'
import { timerIdentity } from '../../src/domain/ids.js'
import type { InboundMessage } from '../../src/domain/inbound.js'
import type { Outgoing } from '../../src/domain/outgoing.js'
import { StaffDirectory } from '../../src/domain/staff.js'
import type { Timer } from '../../src/domain/timers.js'
import { Kernel } from '../../src/kernel/kernel.js'
import { servicesFor, settingsFor } from '../../src/kernel/services.js'
import { memoryLog } from '../../src/log/log.js'
import { jobIds, keysFor } from '../../src/queue/keys.js'
import type { Outbox, Recorder, Timers } from '../../src/queue/port.js'
import { RedisLiveState } from '../../src/state/redis-state.js'
import { EmbeddedTranscriptStore } from '../../src/store/embedded.js'
import { Text, type TextKey, type TextVars } from '../../src/text/text.js'
import type { ConsoleLinks } from '../../src/web/port.js'
import { STAFF } from './harness.js'
import { deletePrefix, REDIS_URL, testPrefix, testRedis } from './redis.js'

/**
 * Says template keys instead of sentences: `⟪customer.greeting {"code":"A1"}⟫`. Handler tests assert
 * what the bot says by key, so they hold in every locale and survive a rewording.
 */
export class KeyText extends Text {
  override t(key: TextKey, vars: TextVars = {}): string {
    return Object.keys(vars).length ? `⟪${key} ${JSON.stringify(vars)}⟫` : `⟪${key}⟫`
  }
}

/** The template keys a text was made of, in order; not those inside another's values. */
export function keysIn(text: string): string[] {
  const keys: string[] = []
  let depth = 0
  for (const match of text.matchAll(/⟪([A-Za-z.]+)|⟫/g)) {
    if (match[0] === '⟫') depth--
    else if (depth++ === 0) keys.push(match[1] as string)
  }
  return keys
}

export interface Sent {
  id: string
  purpose: string
  to: string
  /** The text, or `[copy <message id>]` for a forwarded image or file. */
  text: string
  /** For a post in a group: whom it @-mentions. */
  mentions?: string[]
}

/** The outbox, in memory: every message, once per id, in order. */
class MemoryOutbox implements Outbox {
  readonly sent: Sent[] = []
  async send(messages: { id: string; message: Outgoing }[]): Promise<void> {
    for (const { id, message } of messages) {
      if (this.sent.some((sent) => sent.id === id)) continue
      const text = message.kind === 'forward' ? `[copy ${message.messageId}]` : message.text
      const purpose = jobIds.sendParts(id)?.purpose ?? ''
      this.sent.push({
        id,
        purpose,
        to: message.to,
        text,
        ...(message.kind === 'room-text' ? { mentions: message.mentions } : {}),
      })
    }
  }
}

/** Timers, in memory: armed by identity (arming twice leaves one), fired when the test says. */
class MemoryTimers implements Timers {
  readonly armed = new Map<string, { timer: Timer; dueAt: number }>()
  async arm(timer: Timer, dueAt: number): Promise<void> {
    this.armed.set(timerIdentity(timer), { timer, dueAt })
  }
  async cancel(timer: Timer): Promise<void> {
    this.armed.delete(timerIdentity(timer))
  }
}

/**
 * The kernel and every handler on the real Redis live state and an embedded store, with a clock the
 * test moves and an outbox and timers in memory: a ladder of minutes runs in milliseconds.
 */
export class KernelHarness {
  readonly prefix = testPrefix('handlers')
  readonly log = memoryLog()
  readonly outbox = new MemoryOutbox()
  readonly timers = new MemoryTimers()
  now = Date.UTC(2026, 11, 1, 2, 0, 0) // 10:00 in Shanghai, a Tuesday
  readonly store: EmbeddedTranscriptStore
  readonly state: RedisLiveState
  readonly kernel: Kernel
  private readonly redis = testRedis()
  private readonly dir = mkdtempSync(join(tmpdir(), 'kefu-handlers-'))
  private number = 0

  constructor(
    sections: Partial<Omit<ConfigInput, 'redis' | 'store' | 'staff'>> & {
      store?: Pick<NonNullable<ConfigInput['store']>, 'retention'>
    } = {},
    /** The web console's login links (`/console`); absent, the console is off. */
    links?: ConsoleLinks,
  ) {
    const config = parseConfig({
      alerts: { digestWindow: 0 },
      ...sections,
      redis: { url: REDIS_URL, prefix: this.prefix },
      store: { ...sections.store, file: join(this.dir, 'transcripts.db') },
      staff: [
        { ...STAFF.agentA, roles: ['agent'] },
        { ...STAFF.agentB, roles: ['agent'] },
        { ...STAFF.supervisor, roles: ['supervisor'] },
        { ...STAFF.manager, roles: ['manager'] },
      ],
    })
    this.store = new EmbeddedTranscriptStore(config.store.file)
    const recorder: Recorder = { record: (batch) => this.store.write(batch) }
    this.state = new RedisLiveState(this.redis, keysFor(this.prefix))
    this.kernel = new Kernel({
      io: { state: this.state, store: this.store, timers: this.timers, console: links },
      commit: { outbox: this.outbox, recorder },
      services: servicesFor(
        config,
        new StaffDirectory(config.staff),
        new KeyText(config.locale, config.timeZone),
      ),
      settings: settingsFor(config),
      log: this.log,
      clock: () => this.now,
      handlers: handlers().middleware(),
    })
  }

  async start(): Promise<this> {
    await this.store.init()
    await this.kernel.recover()
    return this
  }

  /** Someone writes to the bot now; resolves once the update is handled and committed. */
  async says(from: string, text: string, name = from): Promise<InboundMessage> {
    const message: InboundMessage = {
      id: `m${++this.number}`,
      from: { id: from, name },
      kind: 'text',
      text,
      receivedAt: this.now,
    }
    await this.kernel.receive(message)
    return message
  }

  /** Someone writes in a WeChat group the bot is in; resolves once handled and committed. */
  async saysIn(
    room: { id: string; topic: string },
    from: string,
    text: string,
    options: {
      name?: string
      kind?: InboundMessage['kind']
      mentions?: string[]
      mentionsBot?: boolean
      fromBot?: boolean
    } = {},
  ): Promise<InboundMessage> {
    const message: InboundMessage = {
      id: `m${++this.number}`,
      from: { id: from, name: options.name ?? from },
      kind: options.kind ?? 'text',
      text,
      receivedAt: this.now,
      room: {
        ...room,
        mentions: options.mentions ?? [],
        mentionsBot: options.mentionsBot ?? false,
        fromBot: options.fromBot ?? false,
      },
    }
    await this.kernel.receive(message)
    return message
  }

  /** Time passes: every timer due by then fires, in order, as often as it asks to look again. */
  async advance(ms: number): Promise<void> {
    const until = this.now + ms
    for (;;) {
      const due = [...this.timers.armed.entries()]
        .filter(([, armed]) => armed.dueAt <= until)
        .sort(([, a], [, b]) => a.dueAt - b.dueAt)[0]
      if (!due) break
      const [identity, { timer, dueAt }] = due
      this.now = Math.max(this.now, dueAt)
      this.timers.armed.delete(identity)
      const outcome = await this.kernel.receiveTimer(timer)
      if (outcome) this.timers.armed.set(identity, { timer, dueAt: this.now + outcome.retryInMs })
    }
    this.now = until
  }

  /** What the bot said to someone, as template keys, one list per message. */
  heard(to: string): string[][] {
    return this.outbox.sent.filter((sent) => sent.to === to).map((sent) => keysIn(sent.text))
  }

  /** The purposes of what the bot said to someone, in order. */
  purposes(to: string): string[] {
    return this.outbox.sent.filter((sent) => sent.to === to).map((sent) => sent.purpose)
  }

  async events(customerId: string): Promise<string[]> {
    const [conversation] = await this.store.conversationsOfCustomer(customerId)
    const entries = await this.store.entries(conversation?.id ?? '')
    return entries.flatMap((entry) => (entry.kind === 'event' ? [entry.type] : []))
  }

  async close(): Promise<void> {
    await this.store.close()
    await deletePrefix(this.redis, this.prefix)
    await this.redis.quit()
    rmSync(this.dir, { recursive: true, force: true })
  }
}
