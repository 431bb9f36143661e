import { EventEmitter } from 'node:events'
import { mock, PuppetMock } from 'wechaty-puppet-mock'

type ContactMock = ReturnType<mock.Mocker['createContact']>
type RoomMock = ReturnType<mock.Mocker['createRoom']>

/**
 * The mock contact and room are event emitters, but their typings come from a CommonJS package that
 * NodeNext resolution reads as a namespace; this is the part of them used here.
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
 * bot's account, the people who write to it and the groups (rooms) they write in. Each person keeps
 * what the bot said to them, each room what the bot posted in it.
 */
export class MockWorld {
  readonly mocker = new mock.Mocker()
  readonly puppet: PuppetMock
  readonly botAccount: ContactMock
  readonly people = new Map<string, Person>()
  readonly rooms = new Map<string, MockRoom>()
  /** Everything the bot says to anyone, in order; `to` is a room's id for a post in a room. */
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

  /** A group with the bot's account and these people in it. */
  room(id: string, topic: string, members: Person[]): MockRoom {
    const existing = this.rooms.get(id)
    if (existing) return existing
    // The mock sends to a room, not a contact, only when the id has an `@`, as WeChat's room ids do.
    if (!id.includes('@')) throw new Error(`a room id needs an @, like shop@chatroom: ${id}`)
    const roomMock = this.mocker.createRoom({
      id,
      topic,
      memberIdList: [this.botAccount.id, ...members.map((member) => member.id)],
    })
    const room = new MockRoom(roomMock)
    ;(roomMock as unknown as MessageListener).on('message', (message) => {
      if (message.talker().id !== this.botAccount.id) return
      const post = { text: message.text() ?? '', at: Date.now() }
      room.posts.push(post)
      this.heard.emit('said', { to: id, ...post })
    })
    this.rooms.set(id, room)
    return room
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

  /**
   * Writes in a room, @-mentioning people or the bot's account (`world.botAccount`); returns the
   * WeChat message id. The mock hands the mentions over as ids and leaves the text as it is.
   */
  sayIn(room: MockRoom, text: string, mentioned: (Person | ContactMock)[] = []): string {
    const contacts = mentioned.map((who) => (who instanceof Person ? who.contact : who))
    this.contact.say(text, contacts).to(room.mock)
    return this.lastSentId
  }

  texts(): string[] {
    return this.inbox.map((said) => said.text)
  }
}

export class MockRoom {
  /** What the bot posted here, in order. */
  readonly posts: { text: string; at: number }[] = []

  constructor(readonly mock: RoomMock) {}

  get id(): string {
    return this.mock.id
  }

  get topic(): string {
    return this.mock.payload.topic
  }

  texts(): string[] {
    return this.posts.map((post) => post.text)
  }
}
