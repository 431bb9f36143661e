import { FileBox } from 'file-box'
import { afterEach, describe, expect, it } from 'vitest'
import { Harness, received, sleep } from '../support/harness.js'

let h: Harness
afterEach(async () => {
  await h?.stop()
})

describe('nothing twice, nothing to the wrong person', () => {
  it('forwards and records a message WeChat delivers twice only once', async () => {
    h = await new Harness().start()
    await h.onDuty(h.agentA)
    const qian = h.customer('cust-qian', '钱十')
    const messageId = qian.say('我想改地址')
    await received(h.agentA, '【A1】钱十：我想改地址')
    h.world.redeliver(messageId)
    await h.settle()
    h.world.redeliver(messageId)
    const replyId = h.agentA.say('A1 好的')
    await received(qian, '好的')
    h.world.redeliver(replyId)
    await h.settle()
    await sleep(200)

    expect(h.agentA.texts().filter((text) => text === '【A1】钱十：我想改地址')).toHaveLength(1)
    expect(qian.texts().filter((text) => text === '好的')).toHaveLength(1)
    expect(qian.texts().filter((text) => text.includes('欢迎咨询'))).toHaveLength(1)
    const [conversation] = await h.bot.transcripts.conversationsOfCustomer('cust-qian')
    const messages = (await h.bot.transcripts.entries(conversation?.id ?? '')).filter(
      (e) => e.kind === 'message',
    )
    expect(messages.filter((entry) => entry.actor.role === 'customer')).toHaveLength(1)
    expect(messages.filter((entry) => entry.actor.role === 'agent')).toHaveLength(1)
  })

  it("refuses an agent's reply to a colleague's conversation, and an unknown code; nothing reaches a customer", async () => {
    h = await new Harness().start()
    await h.onDuty(h.agentA)
    const zheng = h.customer('cust-zheng', '郑一')
    zheng.say('你好')
    await received(h.agentA, '【A1】郑一：你好')
    await h.onDuty(h.agentB)
    const before = zheng.texts().length

    h.agentB.say('A1 我来回答')
    await received(h.agentB, '会话 A1 由 小王 接待，不是您的会话，消息未发送')
    h.agentB.say('Z9 您好')
    await received(h.agentB, '没有编号为 Z9 的进行中会话')
    h.agentB.say('随便说点什么')
    await received(h.agentB, '您当前没有进行中的会话，消息未发送')
    h.agentB.say('/transfer A1 小李')
    await received(h.agentB, '会话 A1 由 小王 接待')
    h.agentB.say('/close A1')
    await h.settle()
    await sleep(200)
    expect(zheng.texts()).toHaveLength(before)

    h.agentA.say('/assign A1 小李')
    await received(h.agentA, '/assign 仅限主管或经理使用')
    h.supervisor.say('/on')
    await received(h.supervisor, '/on 仅限客服专员使用')
    h.supervisor.say('/transfer A1 陈主管')
    await received(h.supervisor, '找不到同事“陈主管”')
    // The conversation is still A's and still waiting.
    h.agentA.say('/list')
    await received(h.agentA, /A1 郑一 · 等待回复/)
  })

  it('answers a customer who types a staff command, and does nothing else', async () => {
    h = await new Harness().start()
    await h.onDuty(h.agentA)
    const feng = h.customer('cust-feng', '冯二')
    feng.say('/assign A1 小王')
    await received(feng, '以 / 开头的指令仅供客服人员使用')
    await h.settle()
    await sleep(200)
    expect(feng.texts()).toHaveLength(1)
    expect(h.agentA.texts()).toEqual(['您已上岗，可以接待客户了。'])
    expect(await h.bot.transcripts.conversationsOfCustomer('cust-feng')).toEqual([])

    // A customer named like a staff member is still a customer.
    const impostor = h.customer('cust-impostor', '陈主管')
    impostor.say('/stats')
    await received(impostor, '以 / 开头的指令仅供客服人员使用')
  })

  it('queues customers while nobody is on duty and delivers the backlog, oldest first, when an agent comes on', async () => {
    h = await new Harness({ sla: { replyTimeout: '30s' } }).start()
    const chu = h.customer('cust-chu', '褚三')
    chu.say('有人吗')
    const notice = await received(chu, '现在暂时没有客服在线')
    expect(notice).toContain('当前排在第 1 位')
    chu.say('我想咨询一下')
    const wei = h.customer('cust-wei', '卫四')
    wei.say('在线等')
    await received(wei, '当前排在第 2 位')
    await h.settle()
    expect(h.agentA.texts()).toEqual([])

    h.agentA.say('/on')
    await received(h.agentA, '2 个排队中的会话已分配给您')
    await received(h.agentA, '【A2】卫四：在线等')
    const texts = h.agentA.texts()
    const order = [
      '2 个排队中的会话',
      '【A1】新会话',
      '【A1】褚三：有人吗',
      '【A1】褚三：我想咨询一下',
      '【A2】新会话',
      '【A2】卫四：在线等',
    ]
    const positions = order.map((fragment) => texts.findIndex((text) => text.includes(fragment)))
    expect(positions.every((position) => position >= 0)).toBe(true)
    expect([...positions].sort((a, b) => a - b)).toEqual(positions)
    expect(chu.texts().filter((text) => text.includes('排在第'))).toHaveLength(1)
  })

  it('refuses /off while conversations are open, and /off force hands them to a colleague', async () => {
    h = await new Harness().start()
    await h.onDuty(h.agentA)
    h.customer('cust-jiang', '蒋五').say('你好')
    await received(h.agentA, '【A1】蒋五：你好')
    h.agentA.say('/off')
    await received(h.agentA, '您还有 1 个进行中的会话：A1')
    await h.onDuty(h.agentB)
    h.agentA.say('/off force')
    await received(h.agentA, '1 个未结束的会话已重新分配')
    await received(h.agentB, '【A1】会话已转给您继续跟进 · 客户 蒋五 · 最后消息：你好')
  })

  it('passes on an image as a marked note plus a copy, and keeps a 30,000-character message whole', async () => {
    h = await new Harness().start()
    await h.onDuty(h.agentA)
    const yang = h.customer('cust-yang', '杨六')
    const photo = FileBox.fromBase64(Buffer.from('not really a jpeg').toString('base64'), 'damage.jpg')
    yang.contact.say(photo).to(h.world.botAccount)
    await received(h.agentA, '【A1】杨六：[图片]')

    const long = `${'这是一段很长的描述。'.repeat(3000)}结束`
    yang.say(long)
    await received(h.agentA, /结束 \(\d+\/\d+\)$/)
    const parts = h.agentA.texts().filter((text) => / \(\d+\/\d+\)$/.test(text))
    expect(parts.length).toBeGreaterThan(10)
    expect(parts.map((part) => part.replace(/ \(\d+\/\d+\)$/, '')).join('')).toBe(`【A1】杨六：${long}`)
    await h.settle()
    const [conversation] = await h.bot.transcripts.conversationsOfCustomer('cust-yang')
    const texts = (await h.bot.transcripts.entries(conversation?.id ?? '')).flatMap((entry) =>
      entry.kind === 'message' && entry.direction === 'in' ? [entry.text] : [],
    )
    expect(texts).toEqual(['[图片]', long])
  })
})

describe('a customer flooding the bot', () => {
  it('is told once, the agent once, every message is recorded, and other customers are not held up', async () => {
    h = await new Harness().start()
    await h.onDuty(h.agentA, h.agentB)
    const flooder = h.customer('cust-flood', '洪水')
    const calm = h.customer('cust-calm', '平静')
    for (let n = 0; n < 1000; n++) flooder.say(`刷屏 ${n}`)
    calm.say('请问营业时间？')
    await received(calm, '您的会话编号是')
    await h.settle(60_000)
    expect(flooder.texts().filter((text) => text.includes('发送消息的速度过快'))).toHaveLength(1)
    const forwards = [...h.agentA.texts(), ...h.agentB.texts()].filter((text) => text.includes('洪水：刷屏'))
    expect(forwards).toHaveLength(30)
    expect(
      [...h.agentA.texts(), ...h.agentB.texts()].filter((text) => text.includes('大量消息')),
    ).toHaveLength(1)
    expect([...h.agentA.texts(), ...h.agentB.texts()]).toContain('【A2】平静：请问营业时间？')
    const [conversation] = await h.bot.transcripts.conversationsOfCustomer('cust-flood')
    const recorded = (await h.bot.transcripts.entries(conversation?.id ?? '')).filter(
      (entry) => entry.kind === 'message' && entry.direction === 'in',
    )
    expect(recorded).toHaveLength(1000)
  }, 120_000)
})

describe('a staff member removed from the list', () => {
  it('loses access at once, and their open conversations go to a colleague', async () => {
    h = await new Harness().start()
    await h.onDuty(h.agentA)
    const lu = h.customer('cust-lu', '陆九')
    lu.say('你好')
    await received(h.agentA, '【A1】陆九：你好')
    await h.onDuty(h.agentB)
    const staff = h.config().staff.filter((member) => member.id !== 'agent-a')
    await h.bot.updateStaff(staff)
    await received(h.agentB, '【A1】会话已转给您继续跟进 · 客户 陆九 · 最后消息：你好')
    h.agentA.say('/list')
    await received(h.agentA, '以 / 开头的指令仅供客服人员使用')
    h.agentA.say('A1 我还能回复吗')
    await h.settle()
    expect(lu.texts().some((text) => text.includes('我还能回复吗'))).toBe(false)
    h.supervisor.say('/agents')
    const agents = await received(h.supervisor, '客服状态')
    expect(agents).not.toContain('小王')
  })
})
