import { afterEach, describe, expect, it } from 'vitest'
import { EmbeddedTranscriptStore } from '../../src/store/embedded.js'
import { Harness, received } from '../support/harness.js'

let h: Harness
afterEach(async () => {
  await h?.stop()
})

describe('figures and confidential data', () => {
  it('gives supervisors the day’s and the week’s figures per agent, with the reward/penalty tally', async () => {
    h = await new Harness({ sla: { replyTimeout: '1s' } }).start()
    await h.onDuty(h.agentA)
    const zhang = h.customer('cust-zhang', '张三')
    zhang.say('订单怎么还没到')
    await received(h.agentA, '【A1】张三：订单怎么还没到')
    // Left past the reply timeout once: −20.
    await received(h.supervisor, '超时提醒 · 第2级', 3000)
    h.agentA.say('非常抱歉，已经在派送了')
    await received(zhang, '非常抱歉，已经在派送了')
    // Praised once: +50.
    zhang.say('收到了，服务很好，点赞')
    await received(h.agentA, '【A1】张三：收到了，服务很好')
    h.agentA.say('/close A1')
    await received(zhang, '请您为本次服务打分')
    zhang.say('4')
    await received(zhang, '感谢您的评价')
    await h.settle()

    h.supervisor.say('/stats')
    const day = await received(h.supervisor, '今日统计')
    const [, team, agent] = day.split('\n')
    expect(team).toMatch(
      /^全体客服：会话 1 · 首次响应 中位 \d+秒 \/ P90 \d+秒 · 超时 1 次 · 当日解决率 100% /,
    )
    expect(agent).toMatch(/^小王：会话 1 · .* · 满意度 4\.0（1 条） · 表扬 1 · 奖惩 \+30 元$/)
    h.supervisor.say('/stats week')
    await received(h.supervisor, '最近 7 天统计')
    h.supervisor.say('/stats month')
    await received(h.supervisor, '统计周期请写 day（今天）或 week（最近 7 天）')
    h.agentA.say('/stats')
    await received(h.agentA, '/stats 仅限主管或经理使用')
  })

  it("lets only managers export and erase a customer's data, each audited without that data", async () => {
    // Short messages: the export arrives in numbered parts, as a long one does on WeChat.
    h = await new Harness({ sla: { replyTimeout: '30s' }, outbox: { maxTextLength: 400 } }).start()
    await h.onDuty(h.agentA)
    const li = h.customer('cust-li', '李四')
    li.say('我的电话是13912345678，地址上海市浦东新区张江路123弄45号')
    const forwarded = await received(h.agentA, '【A1】李四：')
    // The agent serving the customer sees what they wrote; alerts and listings would mask it.
    expect(forwarded).toContain('13912345678')

    h.supervisor.say('/export A1')
    await received(h.supervisor, '/export 仅限经理使用')
    h.supervisor.say('/list')
    const listing = await received(h.supervisor, '全部进行中会话')
    expect(listing).toContain('李*')
    expect(listing).not.toContain('李四')
    li.say('/export A1')
    await received(li, '以 / 开头的指令仅供客服人员使用')
    await h.settle()

    h.manager.say('/export A1')
    const summary = await received(h.manager, '客户 cust-li 的个人信息导出：1 个会话')
    expect(summary).toContain('本次导出已记录')
    await h.settle()
    const parts = h.manager.texts().filter((text) => / \(\d+\/\d+\)$/.test(text))
    expect(parts.length).toBeGreaterThan(1)
    const exported = JSON.parse(parts.map((part) => part.replace(/ \(\d+\/\d+\)$/, '')).join('\n'))
    expect(exported.customerId).toBe('cust-li')
    expect(JSON.stringify(exported.entries)).toContain('我的电话是13912345678')

    h.manager.say('/erase A1')
    await received(h.manager, '客户 cust-li 还有进行中的会话 A1，暂不能删除')
    h.agentA.say('/close A1')
    await received(li, '请您为本次服务打分')
    await h.settle()
    h.manager.say('/erase A1')
    await received(h.manager, '如确认，请在 5 分钟内发送：/erase A1 confirm')
    h.manager.say('/erase A1 confirm')
    await received(h.manager, '已删除客户 cust-li 的全部记录：1 个会话')
    await h.settle()
    expect(await h.bot.transcripts.conversationsOfCustomer('cust-li')).toEqual([])

    // The audit lives in the store's own table, and names only ids and counts.
    const store = new EmbeddedTranscriptStore(h.config().store?.file ?? '', { existing: true })
    await store.init()
    const audit = await store.auditRecords()
    await store.close()
    expect(audit.map((r) => r.action !== 'search' && [r.action, r.by, r.customerId])).toEqual([
      ['export', 'manager-1', 'cust-li'],
      ['erase', 'manager-1', 'cust-li'],
    ])
    for (const personal of ['李四', '13912345678', '张江路'])
      expect(JSON.stringify(audit)).not.toContain(personal)
  })
})
