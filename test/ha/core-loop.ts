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
