import { createInterface } from 'node:readline'
import type { Bot } from '../app.js'
import type { MockWorld, Person } from './mock-world.js'
import { eventually, received, sleep } from './wait.js'

/**
 * `npm run demo -- --console`: a service floor that keeps going until Ctrl-C, to watch on the web
 * console. Customers keep arriving with questions; the agents answer most of them after a while,
 * let some wait long enough to climb the ladder, and close what they answered; now and then a
 * customer in the group asks something. Every line is printed as it happens.
 */
export interface Floor {
  world: MockWorld
  bot: Bot
  person(id: string, name: string): Person
  print(actor: string, line: string): void
  /** Resolves when the user asks to stop (Ctrl-C). */
  stopped: Promise<void>
}

/** Waits `ms`, or less when the floor stops; answers whether it is still running. */
function pause(floor: Floor, ms: number): Promise<boolean> {
  return Promise.race([sleep(ms).then(() => true), floor.stopped.then(() => false)])
}

const CUSTOMERS = [
  ['cust-zhao', '赵敏', '你好，我的订单还没发货，单号 20261201-88'],
  ['cust-qian', '钱多多', '请问会员积分怎么兑换？'],
  ['cust-sun', '孙悦', '收到的杯子有裂痕，我要退货，电话 13812345678'],
  ['cust-zhou', '周杰', '发票抬头写错了，能改吗？'],
  ['cust-wu', '吴倩', '快递显示签收了，但我没收到'],
  ['cust-zheng', '郑爽', '这款有大一号的吗？'],
  ['cust-feng', '冯巩', '退款什么时候到账？'],
  ['cust-chu', '褚橙', '能帮我改一下收货地址吗？'],
  ['cust-wei', '卫青', '优惠券用不了，提示已过期'],
  ['cust-jiang', '蒋勤', '我想投诉上次的配送员'],
] as const
const ANSWERS = ['您好，我马上为您查询', '您好，已为您登记，今天内处理完毕', '您好，这边帮您处理，请稍候']
const GROUP_QUESTIONS = ['请问今天下单什么时候发货？', '群里的优惠活动到几号？', '这款有蓝色的吗？']

const pick = <T>(items: readonly T[], index: number): T => items[index % items.length] as T
const between = (low: number, high: number) => low + Math.floor(Math.random() * (high - low))

export async function runFloor(floor: Floor): Promise<void> {
  const { world, person, print } = floor
  const wang = person('agent-wang', '小王')
  const li = person('agent-li', '小李')
  const chen = person('supervisor-chen', '陈主管')
  const zhou = person('manager-zhou', '周经理')
  const customers = CUSTOMERS.map(([id, name, question]) => ({ person: person(id, name), question }))
  const group = world.room('shop@chatroom', '小店客户群', [
    wang,
    ...customers.map((customer) => customer.person),
  ])
  const say = (who: Person, line: string) => {
    print(`${who.name} →`, line)
    who.say(line)
  }

  for (const agent of [wang, li]) {
    say(agent, '/on')
    await received(agent, /您已上岗|You are on duty/)
  }
  await printLinks([chen, zhou], say, print)
  print('demo', 'press Enter for fresh login links (each works once, for 5 minutes); Ctrl-C stops')
  const lines = createInterface({ input: process.stdin })
  lines.on('line', () => {
    printLinks([chen, zhou], say, print).catch(() => undefined)
  })

  let arrivals = 0
  floor.stopped.then(() => lines.close())
  do {
    const { person: customer, question } = pick(customers, arrivals)
    say(customer, question)
    // Two in three are answered within the reply timeout, the rest climb the ladder first.
    answerLater(customer, [wang, li], arrivals % 3 === 2, floor, say)
    if (arrivals % 4 === 3) {
      const asker = pick(customers, arrivals + 5).person
      const asked = pick(GROUP_QUESTIONS, arrivals)
      print(`${asker.name} → ${group.topic}`, asked)
      asker.sayIn(group, asked)
    }
    arrivals += 1
  } while (await pause(floor, between(8_000, 15_000)))
}

/**
 * The agent the bot hands the customer to answers after a while (later than the timeout when
 * `late`), then closes the conversation.
 */
async function answerLater(
  customer: Person,
  agents: Person[],
  late: boolean,
  floor: Floor,
  say: (who: Person, line: string) => void,
): Promise<void> {
  const forward = new RegExp(`【([A-Z]\\d+)】${customer.name}`)
  const handed = await Promise.race(
    agents.map(async (agent) => ({ agent, match: await newText(agent, forward, 60_000) })),
  )
  const code = handed.match?.[1]
  if (!code) return
  const { agent } = handed
  if (!(await pause(floor, late ? between(170_000, 240_000) : between(20_000, 90_000)))) return
  say(agent, `${code} ${pick(ANSWERS, customer.name.length)}`)
  if (!(await pause(floor, between(30_000, 60_000)))) return
  say(agent, `/close ${code}`)
  await newText(customer, /打分|rate this/, 30_000)
  if (await pause(floor, 3000)) say(customer, String(between(3, 6)))
}

/** Each of these staff members asks for a login link with /console; the demo prints it. */
async function printLinks(
  staff: Person[],
  say: (who: Person, line: string) => void,
  print: (actor: string, line: string) => void,
): Promise<void> {
  for (const member of staff) {
    const asked = newText(member, /https?:\/\/\S+\/login\/[A-Za-z0-9_-]+/, 10_000)
    say(member, '/console')
    const link = await asked
    print('demo', `${member.name}: ${link?.[0] ?? '(no link came)'}`)
  }
}

/** The first text matching `pattern` that the person receives from now on, or undefined in time. */
async function newText(
  person: Person,
  pattern: RegExp,
  timeoutMs: number,
): Promise<RegExpMatchArray | undefined> {
  const before = person.texts().length
  const match = () =>
    person
      .texts()
      .slice(before)
      .map((text) => text.match(pattern))
      .find((found) => found !== null)
  await eventually(() => match() !== undefined, timeoutMs, `${pattern}`).catch(() => undefined)
  return match() ?? undefined
}
