import { createBot } from '../../src/app.js'
import { serve } from '../../src/bin/service.js'
import type { ChannelHooks } from '../../src/channel/port.js'
import type { ConfigInput } from '../../src/domain/config.js'
import type { InboundMessage } from '../../src/domain/inbound.js'
import { createLog } from '../../src/log/log.js'

/**
 * The bot under fault, in a process of its own: the fault runner plays WeChat over IPC. Inbound
 * messages are acknowledged once durable (as WeChat would stop redelivering); every send is reported
 * with its outbox id before it counts as done, so the runner sees each delivery and each duplicate.
 */
/** How the pretend WeChat behaves: sending normally, refusing, never answering, or logged out. */
export type WeChatMode = 'ok' | 'fail' | 'hang' | 'logged-out'

type FromRunner =
  | { type: 'inbound'; message: InboundMessage }
  | { type: 'status' }
  | { type: 'wechat'; mode: WeChatMode }
  /** Contacts WeChat never delivers to (a customer who blocked the account). */
  | { type: 'blocked'; contacts: string[] }
export type FromChild =
  | { type: 'ready' }
  | { type: 'ack'; id: string }
  | { type: 'sent'; id: string; to: string; text: string }
  | { type: 'status'; pending: number }

const config = JSON.parse(process.env.FAULT_CONFIG ?? '{}') as ConfigInput
let hooks: ChannelHooks | undefined
const log = createLog({ level: 'warn', destination: process.stderr })
const bot = createBot(config, {
  log,
  channel: {
    start: async (given) => {
      hooks = given
    },
    stop: async () => undefined,
    findContacts: async () => [],
    send: (message, id) =>
      send(message.to, message.kind === 'forward' ? `[copy ${message.messageId}]` : message.text, id),
  },
})

function tell(message: FromChild): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) return reject(new Error('no IPC channel'))
    process.send(message, (error: Error | null) => (error ? reject(error) : resolve()))
  })
}

process.on('message', (raw: FromRunner) => {
  if (raw.type === 'inbound') {
    bot.receive(raw.message).then(
      () => tell({ type: 'ack', id: raw.message.id }),
      (error: unknown) => process.stderr.write(`child: could not take in ${raw.message.id}: ${error}\n`),
    )
  } else if (raw.type === 'status') {
    void bot.pendingWork().then((pending) => tell({ type: 'status', pending }))
  } else if (raw.type === 'wechat') {
    // As Wechaty tells the bot: logged out, and logged in again.
    if (raw.mode === 'logged-out') hooks?.onLogout()
    else if (mode === 'logged-out') hooks?.onLogin()
    mode = raw.mode
  } else if (raw.type === 'blocked') {
    blocked = new Set(raw.contacts)
  }
})

let mode: WeChatMode = 'ok'
let blocked = new Set<string>()

async function send(to: string, text: string, id: string): Promise<void> {
  if (mode === 'fail' || mode === 'logged-out') throw new Error(`WeChat refused the send (${mode})`)
  if (mode === 'hang') return new Promise(() => undefined)
  if (blocked.has(to)) throw new Error('the contact does not accept messages from this account')
  await tell({ type: 'sent', id, to, text })
}

// Signals as `kefu start` takes them: the stop scenario sends SIGTERM to the service entry's code.
await serve(bot, { log, reloadStaff: () => config.staff })
await tell({ type: 'ready' })
