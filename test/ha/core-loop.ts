import { expect } from 'vitest'
import type { Person } from '../../src/demo/mock-world.js'
import { type Harness, received } from '../support/harness.js'

/**
 * The bot's core loop, as one account of a Sentinel group or a Cluster sees it: a customer writes,
 * an agent is assigned and answers, the customer gets the answer; a second customer's reply timer
 * fires and escalates to the agent, then the supervisor. The customers' ids are the same on every
 * account (`cust-zhang`, `cust-li`), as one person may write to several; `tag` marks their names
 * and texts, so what one account's staff see shows whose it is. Expects a harness with `sla.replyTimeout: '1s'`, agent A on duty.
 */
export async function coreLoop(h: Harness, tag: string): Promise<{ answered: Person; waiting: Person }> {
  const answered = h.customer('cust-zhang', `张三${tag}`)
  answered.say(`我的订单还没发货 ${tag}`)
  const forward = await received(h.agentA, `张三${tag}：我的订单还没发货 ${tag}`, 10_000)
  const code = /^【([A-Z]\d+)】/.exec(forward)?.[1]
  expect(code).toBeDefined()
  h.agentA.say(`${code} 您好，马上为您查询 ${tag}`)
  await received(answered, `您好，马上为您查询 ${tag}`, 10_000)

  const waiting = h.customer('cust-li', `李四${tag}`)
  waiting.say(`在吗 ${tag}`)
  const second = await received(h.agentA, `李四${tag}：在吗 ${tag}`, 10_000)
  const secondCode = /^【([A-Z]\d+)】/.exec(second)?.[1]
  await received(h.agentA, `【${secondCode}】提醒：客户已等待`, 10_000)
  await received(h.supervisor, new RegExp(`超时提醒 · 第2级[\\s\\S]*${secondCode}`), 10_000)
  return { answered, waiting }
}

/** A forward's conversation code: `【A3】…` → `A3`. */
export const codeOf = (forward: string) => /^【([A-Z]\d+)】/.exec(forward)?.[1] ?? ''

/**
 * After a failover, both ways: a new customer is forwarded and answered, and so is one whose
 * conversation the old master held (`earlier`, forwarded as `before`). Then what was written around
 * the kill (`赵六：故障中的消息 1…5`): measured, not assumed, as asynchronous replication may lose
 * an acknowledged write. Returns which of the five reached the agent.
 */
export async function afterFailover(h: Harness, earlier: Person, before: string): Promise<number[]> {
  const sun = h.customer('cust-sun', '孙七')
  sun.say('故障后的消息')
  const after = await received(h.agentA, '孙七：故障后的消息', 20_000)
  h.agentA.say(`${codeOf(after)} 您好，故障后的回复`)
  await received(sun, '您好，故障后的回复', 10_000)
  h.agentA.say(`${codeOf(before)} 您好，之前的问题已处理`)
  await received(earlier, '您好，之前的问题已处理', 10_000)
  return [1, 2, 3, 4, 5].filter((n) =>
    h.agentA.texts().some((text) => text.includes(`赵六：故障中的消息 ${n}`)),
  )
}
