import { afterEach, describe, expect, it } from 'vitest'
import { KernelHarness } from '../support/kernel.js'

const HOUR = 3_600_000
let h: KernelHarness
afterEach(() => h?.close())

describe('the service day', () => {
  it('lists what is unresolved at its end, reminds the agent next morning, and counts each further day', async () => {
    h = await new KernelHarness({
      hours: { periods: [{ days: 'daily', from: '09:00', to: '18:00' }] },
      sla: { replyTimeout: '1h' },
    }).start()
    await h.says('agent-a', '/on')
    await h.says('cust-zhang', '我的订单还没发货', '张三')
    await h.says('agent-a', 'A1 正在为您查询')

    // 10:00 → 18:00: the day ends with A1 open.
    await h.advance(8 * HOUR)
    expect(h.heard('agent-a').at(-1)).toEqual(['agent.dayEndList'])
    expect(h.heard('supervisor-1').at(-1)).toEqual(['supervisor.dayEndSummary'])
    expect(h.heard('manager-1')).toEqual([])

    // Next morning at 09:00: a reminder; at the second day's end the managers hear of it.
    await h.advance(15 * HOUR)
    expect(h.heard('agent-a').at(-1)).toEqual(['agent.morningReminder'])
    await h.advance(9 * HOUR)
    expect(h.heard('manager-1').at(-1)).toEqual(['supervisor.delayedDays'])
    expect((await h.events('cust-zhang')).filter((type) => type === 'day-unresolved')).toHaveLength(2)
  })
})
