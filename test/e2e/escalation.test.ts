import { afterEach, describe, expect, it } from 'vitest'
import { eventually, Harness, received, sleep } from '../support/harness.js'

let h: Harness
afterEach(async () => {
  await h?.stop()
})

const alertsOf = (texts: string[]) => texts.filter((text) => /超时提醒|超时汇总/.test(text))
/** Whether an alert, alone or in a digest, is about the conversation with this code. */
const mentions = (text: string, code: string) =>
  text.includes(`会话 ${code}\n`) || new RegExp(`^${code} 第`, 'm').test(text)

describe('reply timer and escalation ladder', () => {
  it('warns the agent, then alerts the supervisor once and tells the customer once; the last step alerts the manager and reassigns', async () => {
    h = await new Harness({ sla: { replyTimeout: '1s' } }).start()
    await h.onDuty(h.agentA, h.agentB)
    const zhang = h.customer('cust-zhang', '张三')
    zhang.say('我的订单13812345678还没发货，怎么回事')
    await received(h.agentA, '【A1】张三：我的订单13812345678还没发货')

    // Four fifths of the timeout: a private word to the agent, nobody else is disturbed yet.
    await received(h.agentA, '【A1】提醒：客户已等待', 3000)
    expect(alertsOf(h.supervisor.texts())).toEqual([])
    const alert = await received(h.supervisor, '超时提醒 · 第2级', 3000)
    expect(alert).toContain('会话 A1')
    expect(alert).toContain('客户：张*')
    expect(alert).not.toContain('张三')
    expect(alert).toContain('客服：小王')
    expect(alert).toMatch(/已等待：1秒/)
    expect(alert).toContain('最后消息：我的订单138****5678还没发货')
    expect(alert).not.toContain('13812345678')
    expect(alert).toContain('/assign A1')
    await received(zhang, '非常抱歉让您久等了')

    const second = await received(h.manager, '超时提醒 · 第3级', 3000)
    expect(second).toContain('已自动转给 小李')
    await received(h.agentB, '【A1】客户已等待')
    await received(h.agentA, '【A1】客户等待超时，会话已转给 小李')

    // The ladder has three steps: nothing more happens, however long the customer waits.
    await sleep(1500)
    expect(alertsOf(h.supervisor.texts())).toHaveLength(1)
    expect(alertsOf(h.manager.texts())).toHaveLength(1)
    expect(zhang.texts().filter((text) => text.includes('非常抱歉让您久等了'))).toHaveLength(1)

    // The new holder can answer; the old one cannot.
    h.agentA.say('A1 您好')
    await received(h.agentA, '会话 A1 由 小李 接待')
    h.agentB.say('A1 您好，我来为您处理')
    await received(zhang, '您好，我来为您处理')
    await h.settle()
    const [conversation] = await h.bot.transcripts.conversationsOfCustomer('cust-zhang')
    expect(conversation).toMatchObject({ agentId: 'agent-b', overdueCount: 1 })
    const types = (await h.bot.transcripts.entries(conversation?.id ?? '')).flatMap((entry) =>
      entry.kind === 'event' ? [entry.type] : [],
    )
    expect(types.filter((type) => type === 'escalated')).toHaveLength(3)
    expect(types.filter((type) => type === 'overdue')).toHaveLength(1)
    expect(types).toContain('reassigned')
  })

  it('never alerts for a conversation answered just before its deadline', async () => {
    h = await new Harness({ sla: { replyTimeout: '1s' }, routing: { maxPerAgent: 50 } }).start()
    await h.onDuty(h.agentA)
    const rounds = 30
    // One conversation nobody answers shows that alerts do fire in the same run.
    const ignored = h.customer('race-ignored', '没人理')
    ignored.say('有人吗')

    const replies: Promise<void>[] = []
    for (let index = 0; index < rounds; index++) {
      const customer = h.customer(`race-${index}`, `客户${index}`)
      const saidAt = Date.now()
      customer.say(`问题 ${index}`)
      const code = await codeOf(h, `问题 ${index}`)
      // Replies land a few milliseconds before the deadline, behind a burst of the agent's own
      // commands, so they are still being handled when the timer fires.
      const margin = [2, 4, 6, 8, 12][index % 5] ?? 2
      replies.push(
        sleep(Math.max(0, saidAt + 1000 - margin - 5 - Date.now())).then(async () => {
          for (let burst = 0; burst < 8; burst++) h.agentA.say('/queue')
          await sleep(5)
          h.agentA.say(`${code} 答复 ${index}`)
        }),
      )
      await sleep(23)
    }
    await Promise.all(replies)
    await sleep(1500)
    await h.settle()

    let closeCalls = 0
    for (let index = 0; index < rounds; index++) {
      const [conversation] = await h.bot.transcripts.conversationsOfCustomer(`race-${index}`)
      const entries = await h.bot.transcripts.entries(conversation?.id ?? '')
      const asked = entries.find((entry) => entry.kind === 'message' && entry.direction === 'in')
      const answered = entries.find((entry) => entry.kind === 'message' && entry.actor.role === 'agent')
      if (!asked || !answered) throw new Error(`race-${index} has no question or no answer in its transcript`)
      const early = 1000 - (answered.at - asked.at)
      if (early <= 0) continue // the reply lost the race fair and square; an alert would be right
      if (early <= 15) closeCalls++
      const alerted = h.supervisor.texts().filter((text) => mentions(text, conversation?.code ?? ''))
      expect(alerted, `race-${index} answered ${early} ms early`).toEqual([])
      // The agent's private warning (at four fifths of the timeout) came before the answer; nothing after it.
      const escalations = entries.flatMap((entry) =>
        entry.kind === 'event' && entry.type === 'escalated' ? [Number(entry.data.level)] : [],
      )
      expect(escalations.filter((level) => level > 1)).toEqual([])
      expect(entries.some((entry) => entry.kind === 'event' && entry.type === 'overdue')).toBe(false)
      expect(
        h
          .person(`race-${index}`)
          .texts()
          .some((text) => text.includes('久等')),
      ).toBe(false)
    }
    expect(closeCalls).toBeGreaterThanOrEqual(rounds / 2)
    const alerts = alertsOf(h.supervisor.texts())
    expect(alerts.filter((text) => /客户[：\s]没\*/.test(text))).toHaveLength(1)
  })

  it('fires a waiting timer at the right time after the bot was stopped and started again', async () => {
    h = await new Harness({ sla: { replyTimeout: '2s' } }).start()
    await h.onDuty(h.agentA)
    const saidAt = Date.now()
    h.customer('cust-restart', '周八').say('请问还在吗')
    await received(h.agentA, '【A1】周八：请问还在吗')
    await h.restart(300)

    const alert = await received(h.supervisor, '超时提醒 · 第2级', 5000)
    const alertAt = h.supervisor.inbox.find((said) => said.text === alert)?.at ?? 0
    expect(alertAt - saidAt).toBeGreaterThanOrEqual(2000)
    expect(alertAt - saidAt).toBeLessThan(3500)
    await sleep(500)
    expect(alertsOf(h.supervisor.texts())).toHaveLength(1)
  })

  it('escalates at once a conversation whose deadline passed while the bot was down', async () => {
    h = await new Harness({ sla: { replyTimeout: '1s' } }).start()
    await h.onDuty(h.agentA)
    h.customer('cust-down', '吴九').say('急事')
    await received(h.agentA, '【A1】吴九：急事')
    await h.restart(1500)
    const startedAt = Date.now()
    await received(h.supervisor, '超时提醒 · 第2级', 3000)
    expect(Date.now() - startedAt).toBeLessThan(1500)
    await eventually(() =>
      h
        .person('cust-down')
        .texts()
        .some((text) => text.includes('久等')),
    )
  })
})

/** The code the bot gave the conversation whose message the agent received with this text. */
async function codeOf(harness: Harness, text: string): Promise<string> {
  const forwarded = await received(harness.agentA, `：${text}`)
  return /【([A-Z]\d+)】/.exec(forwarded)?.[1] ?? ''
}

describe('alert digests', () => {
  it('sends a supervisor one digest listing every conversation when many go overdue at once', async () => {
    h = await new Harness({
      sla: { replyTimeout: '1s' },
      routing: { maxPerAgent: 50 },
      alerts: { digestWindow: '1500ms' },
    }).start()
    await h.onDuty(h.agentA)
    const customers = Array.from({ length: 30 }, (_, index) => h.customer(`flood-${index}`, `客户${index}`))
    for (const [index, customer] of customers.entries()) customer.say(`问题 ${index}`)
    const digest = await received(h.supervisor, '【超时汇总】30 个会话需要处理', 8000)
    for (let code = 1; code <= 30; code++) expect(digest).toContain(`A${code} 第2级`)
    expect(digest).not.toContain('客户0 ')
    await h.settle()
    // One message, not thirty; the manager's step went out as a digest of its own.
    await received(h.manager, '【超时汇总】30 个会话需要处理', 8000)
    expect(h.supervisor.texts().filter((text) => text.includes('超时'))).toHaveLength(1)
  })
})
