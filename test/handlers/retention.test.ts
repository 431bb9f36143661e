import { afterEach, describe, expect, it } from 'vitest'
import { KernelHarness } from '../support/kernel.js'

const HOUR = 3_600_000
const DAY = 24 * HOUR
let h: KernelHarness
afterEach(() => h?.close())

describe('transcript retention (store.retention)', () => {
  it('deletes at a day end the conversations closed longer ago than the retention; recent and open ones stay', async () => {
    h = await new KernelHarness({
      hours: { periods: [{ days: 'daily', from: '09:00', to: '18:00' }] },
      store: { retention: '30d' },
    }).start()
    await h.says('agent-a', '/on')
    // Day 1, 10:00: 张三's conversation is answered and closed; 李四's stays open for good.
    await h.says('cust-zhang', '我的订单还没发货', '张三')
    await h.says('agent-a', 'A1 已为您处理')
    await h.says('agent-a', '/close A1')
    await h.says('cust-li', '请问发票怎么开', '李四')
    const [old] = await h.store.conversationsOfCustomer('cust-zhang')
    const [open] = await h.store.conversationsOfCustomer('cust-li')
    expect(old?.status).toBe('closed')
    // A summary that says closed while the live state has it open (a write that lagged): kept.
    if (!open) throw new Error('no open conversation stored')
    await h.store.write({
      entries: [],
      conversation: { ...open, status: 'closed', closedAt: h.now, rev: open.rev + 100 },
    })

    // Two days later 王五's conversation closes.
    await h.advance(2 * DAY)
    await h.says('cust-wang', '退货地址是哪里', '王五')
    await h.says('agent-a', '/close A3')
    const [recent] = await h.store.conversationsOfCustomer('cust-wang')
    expect(recent?.status).toBe('closed')

    // Each day end purges what closed more than 30 days before it; the one 30 days after day 1 takes 张三's.
    const entriesOfOld = (await h.store.entries(old?.id ?? '')).length
    expect(entriesOfOld).toBeGreaterThan(0)
    await h.advance(28 * DAY + 8 * HOUR + 1)
    expect(await h.store.conversation(old?.id ?? '')).toBeNull()
    expect(await h.store.entries(old?.id ?? '')).toEqual([])
    expect(await h.store.conversation(recent?.id ?? '')).not.toBeNull()
    expect(await h.store.conversation(open.id)).not.toBeNull()
    expect((await h.store.entries(open.id)).length).toBeGreaterThan(0)

    const purges = h.log.lines.filter((line) => line.message === 'transcripts past their retention purged')
    expect(purges.length).toBeGreaterThanOrEqual(30)
    expect(purges.filter((line) => (line.fields as { conversations: number }).conversations > 0)).toEqual([
      expect.objectContaining({
        fields: expect.objectContaining({ conversations: 1, entries: entriesOfOld }),
      }),
    ])
  })

  it('keeps every transcript when no retention is set', async () => {
    h = await new KernelHarness({
      hours: { periods: [{ days: 'daily', from: '09:00', to: '18:00' }] },
    }).start()
    await h.says('agent-a', '/on')
    await h.says('cust-zhang', '我的订单还没发货', '张三')
    await h.says('agent-a', '/close A1')
    await h.advance(400 * DAY)
    expect(await h.store.conversationsOfCustomer('cust-zhang')).toHaveLength(1)
    expect(h.log.lines.some((line) => line.message === 'transcripts past their retention purged')).toBe(false)
  })
})
