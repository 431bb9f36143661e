import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { groupThreadId } from '../../src/domain/groups.js'
import { KernelHarness } from '../support/kernel.js'
import { testRedis } from '../support/redis.js'

let h: KernelHarness
afterEach(() => h?.close())
const redis = testRedis()
afterAll(() => redis.quit())

const PHONE = '13912345678'

/** 李四 writes with a phone number and is answered; 张三 writes too and is left alone throughout. */
async function twoCustomers(): Promise<void> {
  await h.says('agent-a', '/on')
  await h.says('cust-li', `我的电话是${PHONE}`, '李四')
  await h.says('agent-a', 'A1 您好，已收到')
  await h.says('cust-zhang', '订单什么时候到', '张三')
}

/** The Redis keys of this harness that name the customer or one of their conversations. */
async function liveKeysOf(customerId: string, conversationIds: string[]): Promise<string[]> {
  const keys = await redis.keys(`${h.prefix}:*`)
  return keys.filter((key) => [customerId, ...conversationIds].some((part) => key.includes(part)))
}

const lastTo = (to: string) => h.outbox.sent.filter((sent) => sent.to === to).at(-1)?.text ?? ''

describe('/export and /erase (PIPL)', () => {
  it("gives a manager a customer's data, by code or by contact id, and audits each export without it", async () => {
    h = await new KernelHarness().start()
    await twoCustomers()
    await h.says('manager-1', '/export A1')
    expect(h.purposes('manager-1').slice(-2)).toEqual(['privacy', 'privacy-data'])
    expect(h.heard('manager-1').at(-2)).toEqual(['privacy.exportSummary'])
    expect(h.outbox.sent.filter((s) => s.to === 'manager-1').at(-2)?.text).toContain('"conversations":1')
    const exported = JSON.parse(lastTo('manager-1'))
    expect(exported.customerId).toBe('cust-li')
    expect(exported.conversations.map((c: { customerName: string }) => c.customerName)).toEqual(['李四'])
    expect(exported.entries.map((e: { text?: string }) => e.text)).toContain(`我的电话是${PHONE}`)
    expect(JSON.stringify(exported)).not.toContain('张三')

    await h.says('manager-1', '/export cust-li')
    expect(JSON.parse(lastTo('manager-1')).entries).toEqual(exported.entries)
    await h.says('manager-1', '/export wxid_nobody')
    expect(h.heard('manager-1').at(-1)).toEqual(['privacy.notFound'])

    const audit = await h.store.auditRecords()
    expect(audit.map((r) => r.action !== 'search' && [r.action, r.by, r.via, r.customerId])).toEqual([
      ['export', 'manager-1', 'wechat', 'cust-li'],
      ['export', 'manager-1', 'wechat', 'cust-li'],
    ])
    expect(audit[0]).toMatchObject({ entries: exported.entries.length })
  })

  it('refuses supervisors and agents, who learn nothing of the customer', async () => {
    h = await new KernelHarness().start()
    await twoCustomers()
    for (const staff of ['supervisor-1', 'agent-a']) {
      await h.says(staff, '/export A1')
      await h.says(staff, '/erase A1 confirm')
      expect(h.heard(staff).slice(-2)).toEqual([['staff.managerOnly'], ['staff.managerOnly']])
      expect(lastTo(staff)).not.toContain(PHONE)
    }
    expect(await h.store.auditRecords()).toEqual([])
    expect((await h.store.customerData('cust-li')).entries.length).toBeGreaterThan(0)
  })

  it('erases only when confirmed and no conversation is open; then nothing of the customer is left', async () => {
    h = await new KernelHarness().start()
    await twoCustomers()
    await h.says('manager-1', '/erase A1')
    expect(h.heard('manager-1').at(-1)).toEqual(['privacy.eraseOpen'])
    expect(lastTo('manager-1')).toContain('"code":"A1"')

    await h.says('agent-a', '/close A1')
    await h.says('manager-1', '/erase A1 confirm')
    expect(h.heard('manager-1').at(-1)).toEqual(['privacy.eraseNotAsked'])
    await h.says('manager-1', '/erase A1')
    expect(h.heard('manager-1').at(-1)).toEqual(['privacy.eraseAsk'])
    expect(lastTo('manager-1')).toContain('"command":"/erase A1 confirm"')
    // Asking erased nothing yet.
    const [conversation] = await h.store.conversationsOfCustomer('cust-li')
    const ids = [conversation?.id ?? '']
    expect(await liveKeysOf('cust-li', ids)).not.toEqual([])
    const entries = (await h.store.customerData('cust-li')).entries.length

    await h.says('manager-1', '/erase A1 确认')
    expect(h.heard('manager-1').at(-1)).toEqual(['privacy.erased'])
    expect(lastTo('manager-1')).toContain(`"conversations":1,"entries":${entries}`)
    expect(await h.store.customerData('cust-li')).toEqual({
      customerId: 'cust-li',
      conversations: [],
      entries: [],
    })
    expect(await liveKeysOf('cust-li', ids)).toEqual([])
    // Their next message is a new customer's first: greeted, with no rating taken from the old survey.
    await h.says('cust-li', '5', '李四')
    expect(h.heard('cust-li').at(-1)).toEqual(['customer.greeting', 'customer.menu'])

    const audit = await h.store.auditRecords()
    expect(audit).toEqual([
      {
        id: expect.any(String),
        at: h.now,
        action: 'erase',
        by: 'manager-1',
        via: 'wechat',
        customerId: 'cust-li',
        conversations: 1,
        entries,
      },
    ])
    for (const personal of ['李四', PHONE, '我的电话', '您好'])
      expect(JSON.stringify(audit)).not.toContain(personal)
    // The other customer keeps everything.
    expect((await h.store.customerData('cust-zhang')).conversations).toHaveLength(1)
  })

  it('exports and erases what a customer wrote in a watched group, leaving staff and others there', async () => {
    const shop = { id: 'shop@chatroom', topic: '小店客户群' }
    h = await new KernelHarness({ groups: { watch: [shop.id] } }).start()
    await h.saysIn(shop, 'cust-wang', `退货地址发我，电话${PHONE}`, { name: '王五' })
    await h.saysIn(shop, 'agent-a', '@王五 已私信您', { name: '小王' })
    await h.saysIn(shop, 'cust-zhao', '我也想问', { name: '赵六' })

    await h.says('manager-1', '/export cust-wang')
    expect(h.heard('manager-1').at(-2)).toEqual(['privacy.exportSummary'])
    const exported = JSON.parse(lastTo('manager-1'))
    expect(exported.conversations).toEqual([])
    expect(exported.entries.map((e: { text?: string }) => e.text)).toContain(`退货地址发我，电话${PHONE}`)
    expect(exported.entries.map((e: { type?: string }) => e.type)).toEqual(
      expect.arrayContaining(['group-waiting', 'group-answered']),
    )
    for (const others of ['已私信您', '赵六', '我也想问'])
      expect(JSON.stringify(exported)).not.toContain(others)
    expect((await h.store.auditRecords())[0]).toMatchObject({
      conversations: 0,
      entries: exported.entries.length,
    })

    await h.says('manager-1', '/erase cust-wang')
    expect(h.heard('manager-1').at(-1)).toEqual(['privacy.eraseAsk'])
    await h.says('manager-1', '/erase cust-wang confirm')
    expect(h.heard('manager-1').at(-1)).toEqual(['privacy.erased'])
    expect(lastTo('manager-1')).toContain(`"conversations":0,"entries":${exported.entries.length}`)
    expect(await h.store.customerData('cust-wang')).toEqual({
      customerId: 'cust-wang',
      conversations: [],
      entries: [],
    })
    const left = await h.store.entries(groupThreadId(shop.id))
    expect(JSON.stringify(left)).not.toContain(PHONE)
    expect(left.flatMap((e) => (e.kind === 'message' ? [e.text] : []))).toEqual([
      '@王五 已私信您',
      '我也想问',
    ])
    // Both audited at the same moment: records of one millisecond come by id.
    expect((await h.store.auditRecords()).find((record) => record.action === 'erase')).toMatchObject({
      customerId: 'cust-wang',
      conversations: 0,
      entries: exported.entries.length,
    })
  })
})
