import { afterEach, describe, expect, it } from 'vitest'
import { groupThreadId } from '../../src/domain/groups.js'
import { KernelHarness, keysIn } from '../support/kernel.js'

const PHONE = '13812345678'
const ID_CARD = '110101199003071234'
const BANK_CARD = '6222020200112233445'
const PERSONAL = `电话${PHONE}，身份证${ID_CARD}，卡号${BANK_CARD}`
const SHOP = { id: 'shop@chatroom', topic: '小店客户群' }
let h: KernelHarness
afterEach(() => h?.close())

const lastTo = (to: string) => h.outbox.sent.filter((sent) => sent.to === to).at(-1)?.text ?? ''

/** Who read a record, and with which sight, in the order of the reads. */
async function reads(conversationId: string): Promise<unknown[]> {
  const entries = await h.store.entries(conversationId)
  return entries.flatMap((entry) =>
    entry.kind === 'event' && entry.type === 'transcript-read'
      ? [{ by: entry.data.by, sight: entry.data.sight }]
      : [],
  )
}

function expectMasked(text: string, customer: string): void {
  expect(text).toContain('138****5678')
  expect(text).toContain('1101**********1234')
  expect(text).toContain('****3445')
  for (const whole of [PHONE, ID_CARD, BANK_CARD, customer]) expect(text).not.toContain(whole)
}

function expectWhole(text: string, customer: string): void {
  for (const whole of [PHONE, ID_CARD, BANK_CARD, customer]) expect(text).toContain(whole)
  expect(text).not.toContain('138****5678')
}

describe('who reads what of a customer', () => {
  it('shows a supervisor /transcript masked and a manager whole, and audits both reads with their sight', async () => {
    h = await new KernelHarness().start()
    await h.says('agent-a', '/on')
    await h.says('cust-li', PERSONAL, '李四')
    await h.says('agent-a', 'A1 收到，马上处理')

    await h.says('supervisor-1', '/transcript A1')
    expect(keysIn(lastTo('supervisor-1'))[0]).toBe('supervisor.transcriptHeaderMasked')
    expect(lastTo('supervisor-1')).toContain('"customer":"李*"')
    expectMasked(lastTo('supervisor-1'), '李四')

    await h.says('manager-1', '/transcript A1')
    expect(keysIn(lastTo('manager-1'))[0]).toBe('supervisor.transcriptHeader')
    expectWhole(lastTo('manager-1'), '李四')

    const [conversation] = await h.store.conversationsOfCustomer('cust-li')
    expect(await reads(conversation?.id ?? '')).toEqual([
      { by: 'supervisor-1', sight: 'masked' },
      { by: 'manager-1', sight: 'whole' },
    ])

    // Agents have no /transcript: they read their own conversations as they happen.
    await h.says('agent-b', '/transcript A1')
    expect(h.heard('agent-b').at(-1)).toEqual(['staff.oversightOnly'])
    expect(lastTo('agent-b')).not.toContain(PHONE)
  })

  it('shows a supervisor /group masked and a manager whole, and audits both reads with their sight', async () => {
    h = await new KernelHarness({ groups: { watch: [SHOP.id] } }).start()
    await h.saysIn(SHOP, 'cust-zhang', PERSONAL, { name: '张三' })

    await h.says('supervisor-1', '/group G1')
    expect(keysIn(lastTo('supervisor-1'))[0]).toBe('group.recordHeader')
    expectMasked(lastTo('supervisor-1'), '张三')

    await h.says('manager-1', '/group G1')
    expect(keysIn(lastTo('manager-1'))[0]).toBe('group.recordHeaderWhole')
    expectWhole(lastTo('manager-1'), '张三')

    expect(await reads(groupThreadId(SHOP.id))).toEqual([
      { by: 'supervisor-1', sight: 'masked' },
      { by: 'manager-1', sight: 'whole' },
    ])
  })

  it("keeps an agent to their own conversations: a colleague's is neither listed, answered, closed nor transferred", async () => {
    h = await new KernelHarness().start()
    await h.says('agent-a', '/on')
    await h.says('cust-li', PERSONAL, '李四')
    await h.says('agent-b', '/on')
    await h.says('cust-zhang', '订单什么时候到', '张三')
    expect((await h.state.conversationByCode('A2'))?.agentId).toBe('agent-b')
    const toLi = h.heard('cust-li').length

    await h.says('agent-b', '/list')
    expect(lastTo('agent-b')).toContain('"code":"A2"')
    expect(lastTo('agent-b')).not.toContain('"code":"A1"')
    await h.says('agent-b', 'A1 我来回答')
    expect(h.heard('agent-b').at(-1)).toEqual(['staff.notYours'])
    await h.says('agent-b', '/close A1')
    expect(h.heard('agent-b').at(-1)).toEqual(['staff.notYours'])
    await h.says('agent-b', '/transfer A1 小李')
    expect(h.heard('agent-b').at(-1)).toEqual(['staff.notYours'])

    expect(h.heard('cust-li')).toHaveLength(toLi)
    expect(await h.state.conversationByCode('A1')).toMatchObject({ agentId: 'agent-a', status: 'assigned' })
    for (const said of h.outbox.sent.filter((sent) => sent.to === 'agent-b'))
      expect(said.text).not.toContain(PHONE)
  })
})
