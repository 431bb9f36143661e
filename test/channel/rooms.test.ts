import { afterEach, describe, expect, it } from 'vitest'
import { WechatyChannel } from '../../src/channel/wechaty-channel.js'
import { MockWorld } from '../../src/demo/mock-world.js'
import { eventually, receivedIn } from '../../src/demo/wait.js'
import type { InboundMessage } from '../../src/domain/inbound.js'
import { memoryLog } from '../../src/log/log.js'

/** A real WechatyChannel on the real mock puppet: no bot, no Redis, only what WeChat hands over. */
async function started() {
  const world = new MockWorld()
  const log = memoryLog()
  const channel = new WechatyChannel(world.puppet, log, Date.now)
  const inbound: InboundMessage[] = []
  await channel.start({
    onMessage: async (message) => {
      inbound.push(message)
    },
    onLogout() {},
    onLogin() {},
  })
  running = channel
  const customer = world.person('customer-1', '张三')
  const other = world.person('customer-2', '李四')
  const room = world.room('shop@chatroom', '小店顾客群', [customer, other])
  return { world, log, channel, inbound, customer, other, room }
}

let running: WechatyChannel | undefined
afterEach(async () => {
  await running?.stop()
  running = undefined
})

async function arrived(inbound: InboundMessage[], id: string): Promise<InboundMessage> {
  await eventually(() => inbound.some((message) => message.id === id), 5000, `message ${id}`)
  return inbound.find((message) => message.id === id) as InboundMessage
}

describe('the channel in a WeChat group', () => {
  it('passes a customer’s message on with the room it was written in', async () => {
    const { inbound, customer, room } = await started()
    const message = await arrived(inbound, customer.sayIn(room, '有人吗'))
    expect(message).toMatchObject({
      from: { id: customer.id, name: '张三' },
      kind: 'text',
      text: '有人吗',
      room: { id: 'shop@chatroom', topic: '小店顾客群', mentions: [], mentionsBot: false, fromBot: false },
    })
  })

  it('tells a message that @-mentions the bot, and keeps the bot out of the mentions', async () => {
    const { world, inbound, customer, room } = await started()
    const message = await arrived(inbound, customer.sayIn(room, '请问发货了吗', [world.botAccount]))
    expect(message.room).toMatchObject({ mentionsBot: true, mentions: [] })
  })

  it('lists the other people a message @-mentions', async () => {
    const { world, inbound, customer, other, room } = await started()
    const message = await arrived(inbound, customer.sayIn(room, '你也买了吗', [other, world.botAccount]))
    expect(message.room).toMatchObject({ mentionsBot: true, mentions: [other.id] })
  })

  it('leaves a 1:1 message without a room', async () => {
    const { inbound, customer } = await started()
    const message = await arrived(inbound, customer.say('你好'))
    expect(message.room).toBeUndefined()
  })

  it('posts a room text with an @ for each contact mentioned', async () => {
    const { channel, customer, other, room } = await started()
    await channel.send({ kind: 'room-text', to: room.id, text: '您好', mentions: [customer.id] })
    // Wechaty writes `@name` for each mention (U+2005 between two), then a space and the text.
    expect(await receivedIn(room, '您好', 5000)).toBe('@张三 您好')
    await channel.send({ kind: 'room-text', to: room.id, text: '都到了', mentions: [customer.id, other.id] })
    expect(await receivedIn(room, '都到了', 5000)).toBe('@张三\u2005@李四 都到了')
  })

  it('posts without the @ of a contact WeChat does not know, and says so in the log', async () => {
    const { channel, log, customer, room } = await started()
    await channel.send({ kind: 'room-text', to: room.id, text: '您好', mentions: ['nobody', customer.id] })
    expect(await receivedIn(room, '您好', 5000)).toBe('@张三 您好')
    expect(log.lines).toContainEqual(
      expect.objectContaining({ level: 'warn', fields: { room: room.id, contact: 'nobody' } }),
    )
  })

  it('refuses a room text to a room WeChat does not know', async () => {
    const { channel } = await started()
    await expect(
      channel.send({ kind: 'room-text', to: 'gone@chatroom', text: '您好', mentions: [] }),
    ).rejects.toThrow('no WeChat room with id gone@chatroom')
  })

  it('passes the bot’s own post in a room on, marked as from the bot', async () => {
    const { world, channel, inbound, customer, room } = await started()
    await channel.send({ kind: 'room-text', to: room.id, text: '您好', mentions: [customer.id] })
    // The mock echoes every send as a message event, so the post comes back like staff writing on
    // the bot's phone would. It drops the send's mentions: only the text keeps the @.
    await eventually(() => inbound.length > 0, 5000, 'the echo of the post')
    expect(inbound).toEqual([
      expect.objectContaining({
        from: { id: world.botAccount.id, name: world.botAccount.payload.name },
        text: '@张三 您好',
        room: { id: room.id, topic: '小店顾客群', mentions: [], mentionsBot: false, fromBot: true },
      }),
    ])
  })

  it('still drops the bot’s own 1:1 messages', async () => {
    const { channel, inbound, customer } = await started()
    await channel.send({ kind: 'text', to: customer.id, text: '您好' })
    await eventually(() => customer.texts().includes('您好'), 5000, 'the 1:1 text')
    const later = await arrived(inbound, customer.say('谢谢'))
    expect(inbound).toEqual([later])
  })
})
