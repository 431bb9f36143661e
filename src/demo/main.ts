import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Locale } from '../../templates/index.js'
import {
  type Bot,
  checkRedis,
  createBot,
  createLog,
  LogSettingError,
  parseWithEnv,
  RedisUnreachableError,
  removeDeployment,
} from '../app.js'
import { type CommandSpec, parseOrExplain } from '../bin/args.js'
import { ConfigError, type ConfigInput } from '../domain/config.js'
import { StaffDirectory } from '../domain/staff.js'
import type { TranscriptBatch } from '../domain/transcript.js'
import { Text } from '../text/text.js'
import { runFloor } from './floor.js'
import type { MockWorld } from './mock-world.js'
import { received, receivedIn, sleep } from './wait.js'

/**
 * `npm run demo`: the whole system without a WeChat account. A mock WeChat with three customers,
 * two agents, a supervisor and a manager; the reply timeout shortened to 3 seconds. Customers queue,
 * pick a category, get answered (a forbidden phrase held, a canned answer sent), go overdue and are
 * escalated and reassigned; an agent steps away; a closed conversation is rated; in a customer group a
 * question goes unanswered until the agent's note, and the agent answers it through the bot. It prints a
 * timeline of who said what and what the bot did, then a transcript excerpt and the day's figures.
 */
const DEMO: CommandSpec = {
  name: 'npm run demo',
  usage: 'npm run demo -- [options]',
  summary: 'The whole bot on a mock WeChat: customers, a group, two agents, a supervisor; about 15 s.',
  options: {
    en: { type: 'boolean', description: 'the English locale instead of zh-CN' },
    console: {
      type: 'boolean',
      description: 'a floor that keeps going, with the web console on; prints login links; Ctrl-C stops',
    },
    port: { type: 'string', value: 'port', description: "the console's port with --console (default 8080)" },
  },
  notes: ['Needs Redis (REDIS_URL, default redis://127.0.0.1:6379); removes its keys when done.'],
}
const line = parseOrExplain(DEMO, process.argv.slice(2), process)
if ('exit' in line) process.exit(line.exit)
const locale: Locale = line.values.en ? 'en' : 'zh-CN'
const withConsole = line.values.console === true
const consolePort = Number(line.values.port ?? 8080)
if (!Number.isInteger(consolePort) || consolePort < 0 || consolePort > 65_535) {
  process.stderr.write(`npm run demo: --port must be a port number (0–65535), not "${line.values.port}"\n`)
  process.exit(2)
}
const started = Date.now()
const dataDir = mkdtempSync(join(tmpdir(), 'kefu-demo-'))
const input: ConfigInput = {
  locale,
  redis: { prefix: `kefu-demo-${randomBytes(3).toString('hex')}` },
  store: { file: join(dataDir, 'transcripts.db') },
  staff: [
    { id: 'agent-wang', name: '小王', roles: ['agent'] },
    { id: 'agent-li', name: '小李', roles: ['agent'] },
    { id: 'supervisor-chen', name: '陈主管', roles: ['supervisor'] },
    { id: 'manager-zhou', name: '周经理', roles: ['manager'] },
  ],
  sla: { replyTimeout: '3s' },
  groups: { watch: ['小店客户群'], replyTimeout: '3s' },
  alerts: { digestWindow: '500ms' },
  outbox: { rate: { max: 20, per: '1s' } },
  // The live floor runs at a pace a person can watch: the regulations' 5 and 10 minutes, halved.
  ...(withConsole
    ? {
        sla: { replyTimeout: '150s' },
        groups: { watch: ['小店客户群'], replyTimeout: '5m' },
        console: { port: consolePort },
      }
    : {}),
}
const config = (() => {
  try {
    // REDIS_URL is the one variable the demo heeds: its problems name it, as they do for npm start.
    return parseWithEnv(input, { REDIS_URL: process.env.REDIS_URL })
  } catch (error) {
    fail(error)
  }
})()
const text = new Text(config.locale, config.timeZone)
const directory = new StaffDirectory(config.staff)
const names = new Map<string, string>()
const codes = new Map<string, string>()

function print(actor: string, line: string): void {
  const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(5)
  process.stdout.write(
    `[+${seconds}s] ${actor.padEnd(10)} ${line.replace(/\n/g, '\n                    ')}\n`,
  )
}

/** Transcript events as they land: assignments, timer starts and stops, escalations. */
function printEvents(batch: TranscriptBatch): void {
  if (batch.conversation) codes.set(batch.conversation.id, batch.conversation.code)
  for (const entry of batch.entries) {
    if (entry.kind !== 'event' || entry.type === 'transcript-read') continue
    // A group's events name their room's code; a conversation's come with its summary.
    const code =
      typeof entry.data.code === 'string' ? entry.data.code : (codes.get(entry.conversationId) ?? '?')
    print('⚙ bot', `${code} ${text.event(entry, (id) => directory.nameOf(id))}`)
  }
}

async function main(): Promise<void> {
  // Before anything that would retry or print on its own: no Redis is one message, at once.
  await checkRedis(config)
  const { MockWorld } = await import('./mock-world.js')
  const world = new MockWorld()
  const bot = createBot(config, {
    puppet: world.puppet,
    log: createLog({ level: 'warn', destination: process.stderr }),
  })
  try {
    if (withConsole) await keepFloor(world, bot)
    else await play(world, bot)
  } finally {
    // A demo that failed half-way leaves nothing behind either.
    await bot.stop().catch(() => undefined)
    await cleanUp()
  }
}

/** The script: who says what, and what the demo waits to see before the next line. */
async function play(world: MockWorld, bot: Bot): Promise<void> {
  const person = (id: string, name: string) => {
    names.set(id, name)
    return world.person(id, name)
  }
  const wang = person('agent-wang', '小王')
  const li = person('agent-li', '小李')
  const chen = person('supervisor-chen', '陈主管')
  person('manager-zhou', '周经理')
  const zhang = person('cust-zhang', '张三')
  const lisi = person('cust-lisi', '李四')
  const wangwu = person('cust-wangwu', '王五')
  world.heard.on('said', (said) => print(`🤖 → ${names.get(said.to) ?? said.to}`, said.text))
  const say = (who: typeof wang, line: string) => {
    print(`${who.name} →`, line)
    who.say(line)
  }

  bot.events.on('recorded', printEvents)
  print(
    'demo',
    `reply timeout ${text.duration(config.sla.replyTimeout)}, Redis prefix ${config.redis.prefix}`,
  )
  await bot.start()
  print('demo', 'bot logged in (mock WeChat); nobody is on duty yet')

  say(zhang, '你好，我的订单三天了还没发货')
  await received(zhang, /排在第|queue/)
  say(wang, '/on')
  await received(wang, /【A1】张三/)
  say(wang, 'A1 您好，我马上为您查询物流')
  await received(zhang, '您好，我马上为您查询物流')

  // No keyword names the kind of question: the customer gets the menu and picks from it.
  say(lisi, '请问可以开发票吗？')
  await received(lisi, /请回复数字|reply with the number/)
  await received(wang, /【A2】李四/)
  say(lisi, '1')
  await received(lisi, /已为您记录|noted as/)
  // A forbidden phrase (禁忌语) never reaches the customer; a canned answer does.
  say(wang, 'A2 这个问题我不会处理')
  await received(wang, /禁忌语|forbidden phrase/)
  say(wang, `/t ${locale === 'en' ? 'wait' : '稍等'} A2`)
  await received(lisi, /请您稍等|bear with me/)
  say(wang, 'A2 可以的，请提供开票信息')
  await received(lisi, '请提供开票信息')

  say(li, '/on')
  await received(li, /on duty|上岗/)
  say(wangwu, '我要退货，商品有破损')
  await received(li, /【A3】王五/)
  print('demo', `小李 does not answer A3: the ${text.duration(config.sla.replyTimeout)} timer runs out…`)
  await received(li, /提醒|Reminder/, 8000)
  await received(chen, /A3/, 8000)
  await received(wangwu, /久等|sorry/i, 8000)
  await received(wang, /【A3】.*(小李|from)/, 8000)

  say(wang, '您好，这边帮您处理退货')
  await received(wang, /无法确定|not clear/)
  say(wang, 'A3 您好，这边帮您处理退货，请提供订单号')
  await received(wangwu, '请提供订单号')
  say(li, '/away 15 吃饭')
  await received(li, /离开|away/)

  // Closing asks for a rating; the customer's reply is the rating.
  say(wang, '/close A1')
  await received(zhang, /打分|rate this/)
  say(zhang, '5')
  await received(zhang, /感谢您的评价|Thank you for your rating/)

  // A customer group: thanks wait for nothing; a question waits, and the agent answers it in the
  // group through the bot (G1 …), which @-mentions the customer there.
  const zhaoliu = person('cust-zhaoliu', '赵六')
  const shop = world.room('shop@chatroom', '小店客户群', [zhang, zhaoliu, wang])
  names.set(shop.id, shop.topic)
  const sayIn = (who: typeof wang, line: string) => {
    print(`${who.name} → ${shop.topic}`, line)
    who.sayIn(shop, line)
  }
  sayIn(zhang, '谢谢！')
  sayIn(zhaoliu, '请问这款有蓝色的吗？')
  print(
    'demo',
    `nobody answers in the group: the group timer (${text.duration(config.groups.replyTimeout)}) runs…`,
  )
  await received(wang, /【G1】|\[G1\]/, 8000)
  say(wang, 'G1 您好，蓝色有货，今天下单明天发货')
  await receivedIn(shop, '蓝色有货')

  await waitForQuiet(bot)
  say(chen, '/stats')
  const stats = await received(chen, /今日统计|Today/)
  say(chen, '/agents')
  await received(chen, /客服状态|Agents/)
  say(chen, '/transcript A3')
  await received(chen, /A3 记录|Conversation A3/)
  await waitForQuiet(bot)

  process.stdout.write('\n── transcript excerpt: A3 ─────────────────────────────\n')
  const [a3] = await bot.transcripts.conversationsOfCustomer('cust-wangwu')
  const entries = await bot.transcripts.entries(a3?.id ?? '')
  for (const entry of entries) process.stdout.write(`  ${text.entry(entry, (id) => directory.nameOf(id))}\n`)
  process.stdout.write('\n── stats ──────────────────────────────────────────────\n')
  process.stdout.write(`  ${stats.replace(/\n/g, '\n  ')}\n`)
}

/** The live floor for the web console, until Ctrl-C (or SIGTERM). */
async function keepFloor(world: MockWorld, bot: Bot): Promise<void> {
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  world.heard.on('said', (said) => {
    // The links are printed by the floor itself, once, as the staff member's line.
    if (!said.text.includes('/login/')) print(`🤖 → ${names.get(said.to) ?? said.to}`, said.text)
  })
  bot.events.on('recorded', printEvents)
  await bot.start()
  const address = bot.consoleAddress()
  print(
    'demo',
    `web console on http://127.0.0.1:${address?.port}/ (reply timeout ${text.duration(config.sla.replyTimeout)}, Redis prefix ${config.redis.prefix})`,
  )
  await runFloor({
    world,
    bot,
    print,
    stopped,
    person(id, name) {
      names.set(id, name)
      return world.people.get(id) ?? world.person(id, name)
    },
  })
  print('demo', 'stopping')
}

async function waitForQuiet(bot: Bot): Promise<void> {
  while ((await bot.pendingWork()) > 0) await sleep(50)
}

/** The demo leaves nothing behind: its Redis keys and its transcript file go. */
async function cleanUp(): Promise<void> {
  await removeDeployment(config)
  rmSync(dataDir, { recursive: true, force: true })
}

/** A problem the user can fix is one message; anything else is a bug, with its stack. */
function fail(error: unknown): never {
  if (
    error instanceof RedisUnreachableError ||
    error instanceof ConfigError ||
    error instanceof LogSettingError
  ) {
    process.stderr.write(`demo: ${error.message}\n`)
  } else {
    process.stderr.write(`demo failed: ${(error as Error)?.stack ?? error}\n`)
  }
  rmSync(dataDir, { recursive: true, force: true })
  process.exit(1)
}

main().then(() => process.exit(0), fail)
