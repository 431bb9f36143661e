import { type ChildProcess, fork } from 'node:child_process'
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ConfigInput } from '../../src/domain/config.js'
import type { RoomRef } from '../../src/domain/group-config.js'
import type { InboundMessage } from '../../src/domain/inbound.js'
import type { FromChild, WeChatMode } from './child.js'

export interface Sent {
  id: string
  to: string
  text: string
  at: number
}

const CHILD = new URL('./child.ts', import.meta.url).pathname

/**
 * WeChat, as the fault runner plays it for a bot in another process: it delivers messages until the
 * bot has taken them in (redelivering after a crash, stamped anew, as a puppet does after a
 * re-login), and records everything the bot sends.
 */
export class FaultWorld {
  readonly dir = mkdtempSync(join(tmpdir(), 'kefu-faults-'))
  readonly sent: Sent[] = []
  readonly customerMessages = new Map<string, InboundMessage>()
  /** What customers wrote in rooms, by message id. */
  readonly groupMessages = new Map<string, InboundMessage>()
  private readonly unacked = new Map<string, InboundMessage>()
  private readonly onSent: ((sent: Sent) => void)[] = []
  private child: ChildProcess | undefined
  private ready = false
  private statusWaiters: ((pending: number) => void)[] = []
  private number = 0
  private mode: WeChatMode = 'ok'
  private blocked: string[] = []
  restarts = 0

  constructor(readonly config: ConfigInput) {}

  get storeFile(): string {
    return join(this.dir, 'transcripts.db')
  }

  get logFile(): string {
    return join(this.dir, 'bot.log')
  }

  whenSent(listener: (sent: Sent) => void): void {
    this.onSent.push(listener)
  }

  async start(): Promise<void> {
    const child = fork(CHILD, [], {
      execArgv: ['--import', 'tsx'],
      env: {
        ...process.env,
        FAULT_CONFIG: JSON.stringify({ ...this.config, store: { file: this.storeFile } }),
      },
      // The bot's log (JSON lines) goes to a file of the run: outages make it long.
      stdio: ['ignore', 'ignore', openSync(this.logFile, 'a'), 'ipc'],
    })
    this.child = child
    const ready = new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the bot exited with ${code} before it was ready`)))
      child.on('message', (message: FromChild) => {
        if (message.type === 'ready') resolve()
        this.hear(message)
      })
    })
    await ready
    this.ready = true
    child.send({ type: 'wechat', mode: this.mode })
    child.send({ type: 'blocked', contacts: this.blocked })
    for (const message of this.unacked.values()) {
      // Never taken in: WeChat hands it over again, and the bot stamps it when it arrives.
      message.receivedAt = Date.now()
      this.deliver(message)
    }
  }

  /** SIGKILL: no chance to finish anything. */
  async kill(): Promise<void> {
    const child = this.child
    if (!child) return
    this.ready = false
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGKILL')
    await exited
    this.child = undefined
  }

  /** SIGTERM: the bot finishes what it is doing and exits; says how long that took, and how it ended. */
  async stop(): Promise<{ ms: number; code: number | null }> {
    const child = this.child
    if (!child) return { ms: 0, code: 0 }
    this.ready = false
    const started = Date.now()
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    const code = await exited
    this.child = undefined
    return { ms: Date.now() - started, code }
  }

  async restart(): Promise<void> {
    await this.kill()
    this.restarts++
    await this.start()
  }

  customerSays(customerId: string, text: string): InboundMessage {
    const message = this.message(customerId, text)
    this.customerMessages.set(message.id, message)
    this.deliver(message)
    return message
  }

  staffSays(staffId: string, text: string): InboundMessage {
    const message = this.message(staffId, text)
    this.deliver(message)
    return message
  }

  /** A customer writes in a room. */
  customerSaysIn(room: RoomRef, customerId: string, text: string): InboundMessage {
    const message = { ...this.message(customerId, text), room: inRoom(room, []) }
    this.groupMessages.set(message.id, message)
    this.deliver(message)
    return message
  }

  /** Staff write in a room, @-mentioning `mentions`. */
  staffSaysIn(room: RoomRef, staffId: string, text: string, mentions: string[]): InboundMessage {
    const message = { ...this.message(staffId, text), room: inRoom(room, mentions) }
    this.deliver(message)
    return message
  }

  get unackedCount(): number {
    return this.unacked.size
  }

  /** Whether a message was never taken in by the bot, however often it was delivered. */
  isUnacked(messageId: string): boolean {
    return this.unacked.has(messageId)
  }

  /** Changes how WeChat treats the bot's sends from now on (and after restarts). */
  wechat(mode: WeChatMode): void {
    this.mode = mode
    if (this.ready) this.child?.send({ type: 'wechat', mode })
  }

  /** Contacts that never accept the bot's messages. */
  block(...contacts: string[]): void {
    this.blocked = contacts
    if (this.ready) this.child?.send({ type: 'blocked', contacts })
  }

  /** Jobs the bot still has to do (timers waiting for their time do not count). */
  async pending(): Promise<number> {
    const child = this.child
    if (!child || !this.ready) return Number.POSITIVE_INFINITY
    const answer = new Promise<number>((resolve) => this.statusWaiters.push(resolve))
    child.send({ type: 'status' })
    return answer
  }

  /** The queues whose stuck worker the bot's watchdog replaced, once per replacement, from its log. */
  replacedWorkers(): string[] {
    if (!existsSync(this.logFile)) return []
    return readFileSync(this.logFile, 'utf8')
      .split('\n')
      .filter((line) => line.includes('worker stopped taking due work'))
      .map((line) => (JSON.parse(line) as { queue?: string }).queue ?? '?')
  }

  /** Removes the run's files; a run that broke an invariant keeps them for a look at its log. */
  async close(keepFiles = false): Promise<void> {
    await this.stop()
    if (keepFiles) process.stderr.write(`faults: the bot's log and store are kept in ${this.dir}\n`)
    else rmSync(this.dir, { recursive: true, force: true })
  }

  private message(from: string, text: string): InboundMessage {
    return {
      id: `wx-${Date.now().toString(36)}-${++this.number}`,
      from: { id: from, name: from },
      kind: 'text',
      text,
      receivedAt: Date.now(),
    }
  }

  private deliver(message: InboundMessage): void {
    this.unacked.set(message.id, message)
    if (this.ready) this.child?.send({ type: 'inbound', message })
  }

  private hear(message: FromChild): void {
    if (message.type === 'ack') this.unacked.delete(message.id)
    else if (message.type === 'status') this.statusWaiters.shift()?.(message.pending)
    else if (message.type === 'sent') {
      const sent = { id: message.id, to: message.to, text: message.text, at: Date.now() }
      this.sent.push(sent)
      for (const listener of this.onSent) listener(sent)
    }
  }
}

function inRoom(room: RoomRef, mentions: string[]): NonNullable<InboundMessage['room']> {
  return { id: room.id, topic: room.topic, mentions, mentionsBot: false, fromBot: false }
}
