import { afterEach, describe, expect, it } from 'vitest'
import { Harness, received, sleep } from '../support/harness.js'

let h: Harness
afterEach(async () => {
  await h?.stop()
})

describe('when WeChat will not deliver', () => {
  it('retries a refused send until it goes out, and sends it once', async () => {
    h = await new Harness().start()
    await h.onDuty(h.agentA)
    const puppet = h.world.puppet
    const send = puppet.messageSendText.bind(puppet)
    let refusals = 2
    puppet.messageSendText = async (to: string, text: string) => {
      if (to === 'cust-retry' && refusals-- > 0) throw new Error('WeChat said: try again later')
      return send(to, text)
    }
    const customer = h.customer('cust-retry', '韩七')
    customer.say('在吗')
    await received(h.agentA, '【A1】韩七：在吗')
    h.agentA.say('A1 在的')
    await received(customer, '在的')
    await sleep(300)
    expect(customer.texts().filter((text) => text === '在的')).toHaveLength(1)
    expect(h.supervisor.texts().some((text) => text.includes('发送失败'))).toBe(false)
  })

  it('tells the supervisor about a message it finally could not send', async () => {
    h = await new Harness().start()
    await h.onDuty(h.agentA)
    const puppet = h.world.puppet
    const send = puppet.messageSendText.bind(puppet)
    puppet.messageSendText = async (to: string, text: string) => {
      if (to === 'cust-blocked') throw new Error('the contact has blocked the account')
      return send(to, text)
    }
    h.customer('cust-blocked', '秦八').say('你好')
    await received(h.agentA, '【A1】秦八：你好')
    h.agentA.say('A1 您好，请问有什么可以帮您？')
    const alerts = async () => h.supervisor.texts().filter((text) => text.includes('【发送失败】'))
    await received(h.supervisor, '【发送失败】', 10_000)
    await sleep(1000)
    const texts = await alerts()
    expect(
      texts.some(
        (text) => text.includes('客户 秦*（会话 A1）') && text.includes('您好，请问有什么可以帮您？'),
      ),
    ).toBe(true)
    expect(texts.join('\n')).not.toContain('秦八')
    await h.settle()
    const [conversation] = await h.bot.transcripts.conversationsOfCustomer('cust-blocked')
    const failures = (await h.bot.transcripts.entries(conversation?.id ?? '')).filter(
      (entry) => entry.kind === 'event' && entry.type === 'send-failed',
    )
    expect(failures.length).toBe(texts.length)
  })
})
