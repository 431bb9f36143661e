import qrcodeTerminal from 'qrcode-terminal'
import {
  type Contact,
  type Message,
  qrcodeValueToImageUrl,
  type Room,
  ScanStatus,
  types,
  type Wechaty,
  WechatyBuilder,
  type WechatyOptions,
  config as wechatyConfig,
} from 'wechaty'
import { type InboundMessage, inboundMessageSchema } from '../domain/inbound.js'
import type { Outgoing } from '../domain/outgoing.js'
import type { Log } from '../log/log.js'
import type { Channel, ChannelHooks } from './port.js'

/** A Wechaty puppet instance, or the npm name of one (what `WECHATY_PUPPET` holds). */
export type PuppetOption = NonNullable<WechatyOptions['puppet']>

const MAX_TEXT = 100_000
/** The InboundMessage schema's cap on a room topic: a longer one would fail the parse and lose the message. */
const MAX_TOPIC = 200

const KINDS: Partial<Record<number, InboundMessage['kind']>> = {
  [types.Message.Text]: 'text',
  [types.Message.Image]: 'image',
  [types.Message.Audio]: 'voice',
  [types.Message.Video]: 'video',
  [types.Message.Attachment]: 'file',
  [types.Message.Emoticon]: 'emoticon',
  [types.Message.Url]: 'link',
}

/** Which puppet runs, and what chose it: the code embedding the bot, `WECHATY_PUPPET`, or Wechaty. */
function puppetChoice(puppet: PuppetOption | undefined): { puppet: string; chosenBy: string } {
  if (typeof puppet === 'string') return { puppet, chosenBy: 'the embedding code' }
  if (puppet) return { puppet: puppet.constructor.name, chosenBy: 'the embedding code' }
  return {
    puppet: wechatyConfig.systemPuppetName(),
    chosenBy: process.env.WECHATY_PUPPET ? 'WECHATY_PUPPET' : "Wechaty's default",
  }
}

/**
 * The only code that knows Wechaty. It turns WeChat messages from people, and every message in a
 * group (room), into InboundMessages; sends text, group posts and copies of messages; and reports
 * the login life cycle in the log.
 */
export class WechatyChannel implements Channel {
  private readonly wechaty: Wechaty
  /** Which puppet runs, as the log says it: its npm name (or class), and what chose it. */
  private readonly puppet: { puppet: string; chosenBy: string }
  private readonly contacts = new Map<string, Contact>()
  private readonly rooms = new Map<string, Room>()
  private loggedIn = false
  private stopping = false

  constructor(
    puppet: PuppetOption | undefined,
    private readonly log: Log,
    /** When a message arrived, as the bot's clock tells it. */
    private readonly clock: () => number,
    /** Wechaty keeps the login in `<name>.memory-card.json`: a puppet that can resume does so. */
    private readonly name?: string,
  ) {
    const options: WechatyOptions = { ...(name ? { name } : {}) }
    if (typeof puppet === 'string') Object.assign(options, { puppet })
    else if (puppet) options.puppet = puppet
    this.wechaty = WechatyBuilder.build(options)
    this.puppet = puppetChoice(puppet)
  }

  /**
   * Starts Wechaty and resolves once an account is logged in. Until then the log shows the login
   * QR code as a link, and a terminal (not a log file) shows the code itself.
   */
  async start(hooks: ChannelHooks): Promise<void> {
    const { onMessage } = hooks
    const wechaty = this.wechaty
    wechaty.on('scan', (qrcode, status) => {
      const fresh = status === ScanStatus.Waiting || status === ScanStatus.Timeout
      if (!fresh) return this.log.info({ status: ScanStatus[status] }, 'login scan status changed')
      this.log.info(
        { status: ScanStatus[status], qrcode: qrcodeValueToImageUrl(qrcode) },
        'scan the QR code to log in (open the link for the code)',
      )
      // Drawn for a person at a terminal only: in a log file or the journal it is noise.
      if (process.stdout.isTTY) qrcodeTerminal.generate(qrcode, { small: true })
    })
    wechaty.on('logout', (user, reason) => {
      this.loggedIn = false
      if (this.stopping) {
        this.log.info({ user: user.id }, 'logged out: the bot is stopping')
        return
      }
      this.log.warn({ user: user.id, reason }, 'logged out; sends wait until the account logs in again')
      hooks.onLogout()
    })
    wechaty.on('error', (error) => this.log.error({ err: error.message }, 'wechaty error'))
    wechaty.on('message', (message) => {
      this.receive(message, onMessage).catch((error: unknown) => {
        this.log.error({ err: (error as Error).message, message: message.id }, 'could not take in a message')
      })
    })
    let firstLogin = true
    const loggedIn = new Promise<void>((resolve) => {
      wechaty.on('login', (user) => {
        this.loggedIn = true
        this.log.info({ user: user.id }, firstLogin ? 'logged in' : 'logged in again; sends resume')
        if (firstLogin) resolve()
        else hooks.onLogin()
        firstLogin = false
      })
    })
    this.log.info(
      { ...this.puppet, name: this.name },
      'WeChat starting: waiting for the account to log in (a QR code to scan, unless the puppet resumes the saved session)',
    )
    await wechaty.start()
    await loggedIn
  }

  async stop(): Promise<void> {
    this.stopping = true
    await this.wechaty.stop()
    this.loggedIn = false
  }

  async send(message: Outgoing): Promise<void> {
    if (message.kind === 'text') {
      const contact = await this.contact(message.to)
      await contact.say(message.text)
      return
    }
    if (message.kind === 'room-text') {
      const room = await this.room(message.to)
      const mentioned: Contact[] = []
      for (const id of message.mentions) {
        const contact = await this.knownContact(id)
        if (contact) {
          mentioned.push(contact)
          continue
        }
        // The post still matters to the others in the room: only the @ is lost.
        this.log.warn({ room: message.to, contact: id }, 'no WeChat contact to @-mention; posted without it')
      }
      // Wechaty puts `@name` (the room alias, else the name) for each contact in front of the text.
      await room.say(message.text, ...mentioned)
      return
    }
    // A copy of a message the bot received (an image, a file), to someone else.
    this.assertLoggedIn()
    await this.wechaty.puppet.messageForward(message.to, message.messageId)
  }

  /** Every person (no official account) with this name or alias, for staff configured without an id. */
  async findContacts(query: { name: string } | { alias: string }): Promise<string[]> {
    const found = await this.wechaty.Contact.findAll(query)
    return [
      ...new Set(found.filter((contact) => contact.type() === types.Contact.Individual).map((c) => c.id)),
    ]
  }

  private async receive(
    message: Message,
    onMessage: (message: InboundMessage) => Promise<void>,
  ): Promise<void> {
    const room = message.room()
    const fromBot = message.self()
    // In a 1:1 chat the bot's own message is its own send coming back; in a room it may be staff
    // writing on the bot's phone, which the handlers need to see.
    if (fromBot && !room) return
    const talker = message.talker()
    if (!fromBot && talker.type() !== types.Contact.Individual) {
      this.log.debug({ message: message.id, contact: talker.id }, 'message from an official account ignored')
      return
    }
    const kind = KINDS[message.type()] ?? 'other'
    let text = kind === 'text' ? message.text() : ''
    if (text.length > MAX_TEXT) {
      this.log.warn(
        { message: message.id, length: text.length },
        `text longer than ${MAX_TEXT} characters cut short`,
      )
      text = text.slice(0, MAX_TEXT)
    }
    const inbound = inboundMessageSchema.parse({
      id: message.id,
      from: { id: talker.id, name: talker.name() },
      kind,
      text,
      receivedAt: this.clock(),
      ...(room ? { room: await this.roomOf(message, room, fromBot) } : {}),
    })
    await onMessage(inbound)
  }

  /** Which room a message is in and whom it @-mentions. Which rooms are watched is the bot's call. */
  private async roomOf(message: Message, room: Room, fromBot: boolean): Promise<InboundMessage['room']> {
    const botId = this.wechaty.currentUser.id
    const mentioned = (await message.mentionList()).map((contact) => contact.id)
    this.log.debug({ message: message.id, room: room.id, fromBot }, 'group message passed on')
    return {
      id: room.id,
      topic: (await room.topic()).slice(0, MAX_TOPIC),
      mentions: [...new Set(mentioned.filter((id) => id !== botId))],
      mentionsBot: mentioned.includes(botId),
      fromBot,
    }
  }

  private async contact(id: string): Promise<Contact> {
    const contact = await this.knownContact(id)
    if (!contact) throw new Error(`no WeChat contact with id ${id}`)
    return contact
  }

  private async knownContact(id: string): Promise<Contact | undefined> {
    this.assertLoggedIn()
    const known = this.contacts.get(id)
    if (known) return known
    const contact = await this.wechaty.Contact.find({ id })
    if (contact) this.contacts.set(id, contact)
    return contact
  }

  private async room(id: string): Promise<Room> {
    this.assertLoggedIn()
    const known = this.rooms.get(id)
    if (known) return known
    const room = await this.wechaty.Room.find({ id })
    if (!room) throw new Error(`no WeChat room with id ${id}`)
    this.rooms.set(id, room)
    return room
  }

  private assertLoggedIn(): void {
    if (!this.loggedIn) throw new Error('WeChat is not logged in; the send will be retried')
  }
}
