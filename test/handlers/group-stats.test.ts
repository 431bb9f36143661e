import { afterEach, describe, expect, it } from 'vitest'
import { KernelHarness } from '../support/kernel.js'

const MINUTE = 60_000
const SHOP = { id: 'shop@chatroom', topic: '小店客户群' }
let h: KernelHarness
afterEach(() => h?.close())

/** The supervisor's /stats reply, line by line. */
async function stats(): Promise<string[]> {
  await h.says('supervisor-1', '/stats')
  const reply = h.outbox.sent.filter((sent) => sent.to === 'supervisor-1' && sent.purpose === 'stats').at(-1)
  return reply?.text.split('\n') ?? []
}

const vars = (line: string | undefined) =>
  JSON.parse(line?.replace(/^⟪[A-Za-z.]+ /, '').replace(/⟫$/, '') ?? '{}')

describe('/stats with watched groups', () => {
  it('adds the rooms’ figures and the agents’ group figures, and the agent’s tally counts the overdue', async () => {
    h = await new KernelHarness({
      groups: { watch: [SHOP.id], rooms: [{ room: SHOP.id, agents: ['agent-a'] }] },
    }).start()
    // 张 writes twice; 小王 answers after 14 minutes: two messages answered, both overdue.
    await h.saysIn(SHOP, 'cust-zhang', '在吗', { name: '张三' })
    await h.advance(3 * MINUTE)
    await h.saysIn(SHOP, 'cust-zhang', '我想问一下发货时间', { name: '张三' })
    await h.advance(11 * MINUTE)
    await h.saysIn(SHOP, 'agent-a', '您好，今天下午发货')
    // 李 is answered after a minute.
    await h.saysIn(SHOP, 'cust-li', '有优惠吗', { name: '李四' })
    await h.advance(MINUTE)
    await h.saysIn(SHOP, 'agent-a', '有的，满100减10')

    const lines = await stats()
    const agentLine = lines.find(
      (line) => line.startsWith('⟪supervisor.statsLine') && line.includes('"小王"'),
    )
    expect(vars(agentLine)).toMatchObject({ conversations: 0, tally: String(2 * -50) })
    const header = lines.findIndex((line) => line.startsWith('⟪supervisor.statsGroupHeader'))
    expect(header).toBeGreaterThan(0)
    const [all, shop, wang, ...rest] = lines.slice(header + 1)
    expect(rest).toEqual([])
    const timeout = '⟪report.minutes {"m":10}⟫'
    expect(vars(all)).toEqual({
      room: '⟪supervisor.statsGroupAllRooms⟫',
      messages: 3,
      answered: 3,
      within3m: 1,
      withinTimeout: 1,
      timeout,
      overdue: 2,
      median: '⟪units.minutes {"m":11,"s":0}⟫',
      p90: '⟪units.minutes {"m":14,"s":0}⟫',
    })
    expect(vars(shop)).toMatchObject({ messages: 3, answered: 3, overdue: 2 })
    expect(vars(shop).room).toContain('"code":"G1","topic":"小店客户群"')
    expect(vars(wang)).toMatchObject({ name: '小王', answered: 3, within3m: 1, withinTimeout: 1, overdue: 2 })
  })

  it('says nothing of groups when no watched room had anything', async () => {
    h = await new KernelHarness({ groups: { watch: [SHOP.id] } }).start()
    const lines = await stats()
    expect(lines[0]).toContain('supervisor.statsHeaderDay')
    expect(lines.some((line) => line.includes('statsGroup'))).toBe(false)
  })
})
