import { afterEach, describe, expect, it } from 'vitest'
import { addDays, dayKey } from '../../src/domain/zoned-time.js'
import { Harness, received } from '../support/harness.js'

let h: Harness
afterEach(async () => {
  await h?.stop()
})

const TZ = 'Asia/Shanghai'

describe('the English locale', () => {
  it('says the department rules’ sentences in English, to customers and staff alike', async () => {
    const today = dayKey(Date.now(), TZ)
    h = await new Harness({
      locale: 'en',
      timeZone: TZ,
      hours: { periods: [{ days: 'daily', from: '00:00', to: '24:00' }], holidays: [today] },
      sla: { replyTimeout: '30s' },
    }).start()
    const ann = h.customer('cust-ann', 'Ann')
    ann.say('hello?')
    const closed = await received(ann, 'outside our service hours')
    expect(closed).toContain('we are open Monday to Sunday 00:00–24:00')
    expect(closed).toContain(`${addDays(today, 1)} 00:00`)
    await received(ann, 'reply with the number')

    await h.onDuty(h.agentA)
    await received(h.agentA, '【A1】Ann: hello?')
    ann.say('4')
    await received(ann, 'noted as a question about complaint')

    h.agentA.say('A1 這個問題我不會處理')
    await received(h.agentA, 'contains the forbidden phrase "这个问题我不会处理" and was held')
    h.agentA.say('/t wait A1')
    await received(ann, 'Please bear with me a moment')

    h.agentA.say('/away 10 lunch')
    await received(h.agentA, 'You are away, back at')
    ann.say('still there?')
    await received(ann, 'your agent has stepped away (lunch)')
    h.agentA.say('/on')
    await received(h.agentA, 'Welcome back! 1 customer messages came in while you were away')

    h.agentA.say('/close A1')
    await received(ann, 'please rate this service')
    ann.say('2')
    await received(ann, 'We are very sorry this service did not satisfy you')
    const alert = await received(h.supervisor, '【Low rating】')
    expect(alert).toContain('customer A** · agent 小王 · rated 2')
  })
})
