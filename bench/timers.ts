import { fork } from 'node:child_process'
import type { InboundMessage } from '../src/domain/inbound.js'
import type { TranscriptEntry } from '../src/domain/transcript.js'
import { keyMemory } from './key-memory.js'
import {
  benchEngine,
  type Figure,
  inbound,
  inboundIn,
  percentile,
  progress,
  REDIS_URL,
  sleep,
  until,
} from './support.js'

export interface TimerProfile {
  /** Open conversations to create, each run on its own. */
  counts: number[]
  /** The run whose Redis memory and process size are measured while every conversation waits. */
  memoryAt: number
  /** How fast conversations are opened; their deadlines are spread the same way. */
  openPerSecond: number
  /** Between the last opening and the first deadline. */
  quietMs: number
  /**
   * Added to the quiet while of the run that measures memory: reading every key loads Redis for
   * about a minute at 100,000 conversations, which must be over before the first deadline.
   */
  memoryMs: number
}

const ANSWERED_SHARE = 0.2
/** Enough agents that every conversation is assigned within the per-agent cap of 1,000. */
const AGENTS = 100
/** Group waiting periods per conversation: one customer writing in a watched room for every five. */
const GROUP_SHARE = 0.2
/** Customers waiting in one room at once: a busy customer group's, not a whole run's. */
const WAITING_PER_ROOM = 50

/**
 * Reply-timer precision: N conversations open at a steady pace, so their deadlines spread over the
 * run; a fifth are answered before their deadline. Every unanswered one must be escalated once,
 * as close after its deadline as possible; no answered one may be. Then N/5 customers write in
 * watched rooms at the same pace and wait as long (the group ladder, one step): the same figures
 * for group timers, from the same run.
 */
export async function timerFigures(profile: TimerProfile): Promise<Figure[]> {
  const figures: Figure[] = []
  for (const count of profile.counts) figures.push(...(await inChildProcess(count, profile)))
  return figures
}

/**
 * Each run in a process of its own, so that its resident memory is the bot's at that size and not
 * what the sections before it left in the benchmark's heap.
 */
function inChildProcess(count: number, profile: TimerProfile): Promise<Figure[]> {
  const child = fork(
    new URL('./timer-run.ts', import.meta.url).pathname,
    [String(count), JSON.stringify(profile)],
    {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  )
  return new Promise((resolve, reject) => {
    let figures: Figure[] | undefined
    child.on('message', (message) => {
      figures = message as Figure[]
    })
    child.on('exit', (code) =>
      figures ? resolve(figures) : reject(new Error(`the ${count} timers run exited with ${code}`)),
    )
  })
}

export async function timerRun(count: number, profile: TimerProfile): Promise<Figure[]> {
  const openMs = Math.ceil((count / profile.openPerSecond) * 1000)
  // The first deadline comes a quiet while after the last conversation opens: time for the backlog
  // to drain and the memory to be measured without disturbing the timers being measured.
  const replyTimeout = openMs + profile.quietMs + (count === profile.memoryAt ? profile.memoryMs : 0)
  const groupCount = Math.round(count * GROUP_SHARE)
  const rooms = Math.ceil(groupCount / WAITING_PER_ROOM)
  /** The room a customer writes in. */
  const roomOf = (customerId: string) =>
    `bench-room-${Number(customerId.slice('customer-'.length)) % rooms}@chatroom`
  progress(
    `timers: ${count} conversations over ${openMs} ms, then ${groupCount} waiting in ${rooms} rooms, reply timeout ${replyTimeout} ms`,
  )
  const bench = await benchEngine({
    agents: AGENTS,
    routing: { maxPerAgent: Math.min(1000, Math.ceil(count / AGENTS) + 10) },
    sla: {
      replyTimeout: `${replyTimeout}ms`,
      ladder: [{ after: `${replyTimeout}ms`, notify: ['supervisors'], tellCustomer: true }],
    },
    groups: {
      watch: 'all',
      // An agent's message answers the customer it @-mentions: a fifth are answered, as in 1:1.
      answeredBy: 'mention',
      replyTimeout: `${replyTimeout}ms`,
      ladder: [{ after: `${replyTimeout}ms`, notify: ['supervisors'] }],
    },
  })
  try {
    const opened = new Map<string, number>()
    const groupOpened = new Map<string, number>()
    const receive = (message: InboundMessage) => bench.engine.receive(message)
    const answers = new Answers(
      replyTimeout,
      async (customerId) => {
        const [conversation] = await bench.engine.transcripts.conversationsOfCustomer(customerId)
        return conversation?.agentId ? inbound(conversation.agentId, `${conversation.code} 您好`) : undefined
      },
      receive,
    )
    const groupAnswers = new Answers(
      replyTimeout,
      async (customerId) => inboundIn(roomOf(customerId), 'agent-0', `@${customerId} 您好`, [customerId]),
      receive,
    )
    bench.engine.events.on('handled', (message) => {
      const [waiting, schedule] = message.room ? [groupOpened, groupAnswers] : [opened, answers]
      if (!message.from.id.startsWith('customer-')) return
      waiting.set(message.from.id, message.receivedAt)
      if (waiting.size % Math.round(1 / ANSWERED_SHARE) === 0)
        schedule.schedule(message.from.id, message.receivedAt)
    })
    const started = Date.now()
    await openAtPace(count, profile.openPerSecond, 'open', (n) =>
      bench.engine.receive(inbound(`customer-${n}`, `请问 ${n}`)),
    )
    await until(
      async () => (await bench.busy()) === 0 && opened.size === count,
      600_000,
      'conversations to open',
    )
    const firstDeadline = Math.min(...opened.values()) + replyTimeout
    progress(
      `timers: all open; ${Math.round((firstDeadline - Date.now()) / 1000)} s before the first deadline`,
    )

    // The process's size before the measurement below, whose own reading of a million keys would add to it.
    const rss = Math.round(process.memoryUsage().rss / 2 ** 20)
    const memory = count === profile.memoryAt ? await memoryFigures(bench.prefix, count, rss) : []
    if (memory.length) {
      const left = Math.round((firstDeadline - Date.now()) / 1000)
      progress(
        `memory: measured; ${left} s before the first deadline${left < 0 ? ' (the timers were disturbed)' : ''}`,
      )
    }

    // The rooms' waiting periods begin once the memory is measured, which they would add to.
    await openAtPace(groupCount, profile.openPerSecond, 'waiting in rooms', (n) =>
      bench.engine.receive(inboundIn(roomOf(`customer-${n}`), `customer-${n}`, `请问 ${n}`)),
    )
    await until(
      async () => (await bench.busy()) === 0 && groupOpened.size === groupCount,
      600_000,
      'group messages to be taken in',
    )

    const lastDeadline = Math.max(...opened.values(), ...groupOpened.values()) + replyTimeout
    await sleep(Math.max(0, lastDeadline - Date.now()) + 2000)
    await answers.finished()
    await groupAnswers.finished()
    // Every due timer has run before anything is counted: an alert still on its way is late, not missing.
    await until(
      async () => (await bench.busy()) === 0 && (await bench.timersDue()) === 0,
      300_000,
      'escalations to finish',
    )

    const end = Date.now() + 1
    const escalations = await bench.engine.transcripts.eventsBetween('escalated', started, end)
    const conversationOf = new Map<string, string>()
    for (const customerId of opened.keys()) {
      const [conversation] = await bench.engine.transcripts.conversationsOfCustomer(customerId)
      conversationOf.set(customerId, conversation?.id ?? '')
    }
    const oneToOne = judgeTimers(
      opened,
      answers.answeredAt,
      escalations,
      (event) => event.conversationId,
      (customerId) => conversationOf.get(customerId) ?? '',
      replyTimeout,
    )
    const groupEscalations = await bench.engine.transcripts.eventsBetween('group-escalated', started, end)
    const groups = judgeTimers(
      groupOpened,
      groupAnswers.answeredAt,
      groupEscalations,
      (event) => (event.kind === 'event' ? String(event.data.customerId) : ''),
      (customerId) => customerId,
      replyTimeout,
    )
    const section = `timers ${count.toLocaleString('en')}`
    return [
      ...timerRows(section, '', 'conversations', oneToOne),
      ...timerRows(section, 'group ', `group waits (${groupCount})`, groups),
      ...memory,
    ]
  } finally {
    await bench.close()
  }
}

/** Sends `count` messages at `perSecond`, with progress at every tenth. */
export async function openAtPace(
  count: number,
  perSecond: number,
  what: string,
  send: (n: number) => Promise<void>,
): Promise<void> {
  const started = Date.now()
  let sent = 0
  let milestone = count / 10
  while (sent < count) {
    const due = Math.min(count, Math.floor(((Date.now() - started) / 1000) * perSecond))
    const batch = []
    for (; sent < due; sent++) batch.push(send(sent))
    await Promise.all(batch)
    if (sent >= milestone) {
      progress(`timers: ${sent}/${count} ${what}`)
      milestone += count / 10
    }
    await sleep(10)
  }
}

interface TimerVerdict {
  /** Alert lateness after the deadline, sorted. */
  lateness: number[]
  answeredInTime: number
  falseAlerts: number
  missed: number
  twice: number
}

/**
 * Each waiting period against its escalations: `keyOf` names the period an escalation belongs to,
 * `periodOf` a customer's; answers count at the time the bot received them.
 */
function judgeTimers(
  opened: Map<string, number>,
  answeredAt: Map<string, number>,
  escalations: TranscriptEntry[],
  keyOf: (event: TranscriptEntry) => string,
  periodOf: (customerId: string) => string,
  replyTimeout: number,
): TimerVerdict {
  const alerts = new Map<string, number>()
  for (const event of escalations) alerts.set(keyOf(event), (alerts.get(keyOf(event)) ?? 0) + 1)
  const verdict: TimerVerdict = {
    lateness: escalations
      .map((event) => (event.kind === 'event' ? Number(event.data.waitedMs) - replyTimeout : Number.NaN))
      .sort((a, b) => a - b),
    answeredInTime: 0,
    falseAlerts: 0,
    missed: 0,
    twice: 0,
  }
  for (const [customerId, openedAt] of opened) {
    const alerted = alerts.get(periodOf(customerId)) ?? 0
    const answer = answeredAt.get(customerId)
    if (alerted > 1) verdict.twice++
    if (answer === undefined) {
      if (alerted === 0) verdict.missed++
    } else if (answer < openedAt + replyTimeout) {
      verdict.answeredInTime++
      if (alerted > 0) verdict.falseAlerts++
    }
  }
  return verdict
}

/** One timer run's rows: `prefix` tells group timers' rows from the 1:1 ones beside them. */
function timerRows(section: string, prefix: string, what: string, verdict: TimerVerdict): Figure[] {
  const { lateness, answeredInTime, falseAlerts, missed, twice } = verdict
  const p99 = percentile(lateness, 99)
  return [
    {
      section,
      measure: `${prefix}alert lateness after deadline p50`,
      value: `${percentile(lateness, 50)} ms`,
    },
    {
      section,
      measure: `${prefix}alert lateness after deadline p99`,
      value: `${p99} ms`,
      target: '≤ 1000 ms',
      met: p99 <= 1000,
    },
    { section, measure: `${prefix}alert lateness after deadline max`, value: `${lateness.at(-1)} ms` },
    {
      section,
      measure: `alerts for the ${answeredInTime} ${what} answered in time`,
      value: `${falseAlerts}`,
      target: '0',
      met: falseAlerts === 0 && answeredInTime > 0,
    },
    {
      section,
      measure: `unanswered ${what} never escalated`,
      value: `${missed}`,
      target: '0',
      met: missed === 0,
    },
    { section, measure: `${what} escalated twice`, value: `${twice}`, target: '0', met: twice === 0 },
  ]
}

/**
 * Agents answer a fifth of the customers, each at a random point between half and 95% of the wait,
 * through the engine like any staff message: `reply` makes the answer (none: nobody to answer).
 */
class Answers {
  readonly answeredAt = new Map<string, number>()
  private readonly inFlight = new Set<Promise<void>>()

  constructor(
    private readonly replyTimeout: number,
    private readonly reply: (customerId: string) => Promise<InboundMessage | undefined>,
    private readonly receive: (message: InboundMessage) => Promise<void>,
  ) {}

  schedule(customerId: string, openedAt: number): void {
    const at = openedAt + this.replyTimeout * (0.5 + Math.random() * 0.45)
    const answer = sleep(Math.max(0, at - Date.now())).then(async () => {
      const message = await this.reply(customerId)
      if (!message) return
      // Stamped when made: the time the bot receives it, which decides whether it beat the deadline.
      this.answeredAt.set(customerId, message.receivedAt)
      await this.receive(message)
    })
    this.inFlight.add(answer)
    void answer.finally(() => this.inFlight.delete(answer))
  }

  async finished(): Promise<void> {
    await Promise.all([...this.inFlight])
  }
}

/** Redis bytes per open conversation, by what holds them, and the bot process's resident memory. */
async function memoryFigures(prefix: string, count: number, rss: number): Promise<Figure[]> {
  progress(`memory: measuring every key of ${count} open conversations`)
  const bytes = await keyMemory(REDIS_URL, prefix)
  const outboxJobs = bytes.outboxJobs
  const perConversation = Math.round((bytes.live + bytes.timer) / count)
  const perMessage = Math.round(bytes.outbox / Math.max(1, outboxJobs))
  const section = `memory ${count.toLocaleString('en')}`
  return [
    {
      section,
      measure: 'Redis bytes per open conversation, live state',
      value: `${Math.round(bytes.live / count)}`,
    },
    {
      section,
      measure: 'Redis bytes per open conversation, reply timer',
      value: `${Math.round(bytes.timer / count)}`,
    },
    {
      section,
      measure: 'Redis bytes per open conversation, total',
      value: `${perConversation}`,
      target: '≤ 2048',
      met: perConversation <= 2048,
    },
    {
      section,
      measure: 'Redis bytes per conversation in queued messages (outbox…)',
      value: `${Math.round(bytes.queues / count)}`,
    },
    {
      section,
      measure: `Redis bytes per queued outbox message (${outboxJobs} queued)`,
      value: `${perMessage}`,
      target: '≤ 1024',
      met: perMessage <= 1024,
    },
    {
      section,
      measure: 'bot process resident memory',
      value: `${rss} MiB`,
      target: '≤ 400 MiB',
      met: rss <= 400,
    },
  ]
}
