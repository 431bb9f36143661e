import { EventEmitter } from 'node:events'
import { mock, PuppetMock } from 'wechaty-puppet-mock'

type ContactMock = ReturnType<mock.Mocker['createContact']>

/**
 * The mock contact is an event emitter, but its typings come from a CommonJS package that NodeNext
 * resolution reads as a namespace; this is the part of it used here.
 */
interface MessageListener {
  on(
    event: 'message',
    listener: (message: { id: string; talker(): { id: string }; text(): string | undefined }) => void,
  ): void
}

export interface Said {
  to: string
  text: string
  at: number
}

/**
 * A pretend WeChat for the demo and the end-to-end tests: a `wechaty-puppet-mock` world with the
 * bot's account and the people who write to it. Each person keeps what the bot said to them.
 */
export class MockWorld {
  readonly mocker = new mock.Mocker()
  readonly puppet: PuppetMock
  readonly botAccount: ContactMock
  readonly people = new Map<string, Person>()
  /** Everything the bot says to anyone, in order. */
  readonly heard = new EventEmitter<{ said: [Said] }>()

  constructor(botName = '客服机器人') {
    this.puppet = new PuppetMock({ mocker: this.mocker })
    this.botAccount = this.mocker.createContact({ id: 'bot-account', name: botName })
    // The mocker runs its environments once the puppet has started: that is when the bot logs in.
    this.mocker.use((mocker) => {
      mocker.login(this.botAccount)
      return () => undefined
    })
  }

  person(id: string, name: string): Person {
    const existing = this.people.get(id)
    if (existing) return existing
    const contact = this.mocker.createContact({ id, name })
    const person = new Person(contact, this.botAccount)
    ;(contact as unknown as MessageListener).on('message', (message) => {
      if (message.talker().id === id) person.lastSentId = message.id
      if (message.talker().id !== this.botAccount.id) return
      const said = { to: id, text: message.text() ?? '', at: Date.now() }
      person.inbox.push(said)
      this.heard.emit('said', said)
    })
    this.people.set(id, person)
    return person
  }

  /** Delivers a message the puppet already delivered once, as WeChat sometimes does. */
  redeliver(messageId: string): void {
    this.puppet.emit('message', { messageId })
  }
}

export class Person {
  readonly inbox: Said[] = []
  /** The mocker announces each message synchronously, so this is set by the time `say` returns. */
  lastSentId = ''

  constructor(
    readonly contact: ContactMock,
    private readonly bot: ContactMock,
  ) {}

  get id(): string {
    return this.contact.id
  }

  get name(): string {
    return this.contact.payload.name
  }

  /** Writes to the bot; returns the WeChat message id. */
  say(text: string): string {
    this.contact.say(text).to(this.bot)
    return this.lastSentId
  }

  texts(): string[] {
    return this.inbox.map((said) => said.text)
  }
}
