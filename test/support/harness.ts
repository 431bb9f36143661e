import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Queue } from 'bullmq'
import { type Bot, createBot, removeDeployment } from '../../src/app.js'
import { type MockRoom, MockWorld, type Person } from '../../src/demo/mock-world.js'
import { eventually, received, sleep } from '../../src/demo/wait.js'
import { type ConfigInput, parseConfig } from '../../src/domain/config.js'
import type { Timer } from '../../src/domain/timers.js'
import { memoryLog } from '../../src/log/log.js'
import { connectRedis, createRedis } from '../../src/queue/connection.js'
import { jobIds, queueNames } from '../../src/queue/keys.js'
import { testPrefix, testRedisTarget } from './redis.js'

export { eventually, received, sleep } from '../../src/demo/wait.js'

export const STAFF = {
  agentA: { id: 'agent-a', name: '小王' },
  agentB: { id: 'agent-b', name: '小李' },
  supervisor: { id: 'supervisor-1', name: '陈主管' },
  manager: { id: 'manager-1', name: '周经理' },
} as const

type StaffEntry = ConfigInput['staff'][number]

/**
 * Any config section but the ones the harness owns (store, staff); `agents` adds fields (skills,
 * shift…) to the two agents' entries. `redis` is the machine's Redis at REDIS_URL (or the Cluster of
 * KEFU_TEST_REDIS_CLUSTER) under a prefix of the test's own unless given (a Sentinel group or a
 * Cluster of the test's, a prefix of its own).
 */
export type HarnessOptions = Partial<Omit<ConfigInput, 'store' | 'staff'>> & {
  agents?: Partial<Record<'agentA' | 'agentB', Omit<StaffEntry, 'id' | 'name' | 'roles'>>>
}

/**
 * The real bot on the mock puppet, its own Redis prefix and its own store file: what each person
 * sees is what they would see in WeChat.
 */
export class Harness {
  readonly prefix: string
  private readonly redis: NonNullable<ConfigInput['redis']>
  readonly log = memoryLog()
  private readonly dir = mkdtempSync(join(tmpdir(), 'kefu-e2e-'))
  world = new MockWorld()
  bot: Bot
  agentA!: Person
  agentB!: Person
  supervisor!: Person
  manager!: Person
  /** The groups made with `room`, by id: made again in the fresh mock WeChat of a restart. */
  private readonly rooms = new Map<string, { topic: string; memberIds: string[] }>()

  constructor(private readonly options: HarnessOptions = {}) {
    this.redis = options.redis ?? testRedisTarget('e2e')
    this.prefix = this.redis.prefix ?? testPrefix('e2e')
    this.bot = this.build()
  }

  config(): ConfigInput {
    const { agents, ...sections } = this.options
    return {
      sla: { replyTimeout: '2s' },
      outbox: { rate: { max: 500, per: '1s' }, backoff: '50ms', attempts: 3 },
      ingest: { partitions: 2 },
      // Alerts gather briefly, as in production, without making every test wait seconds for them.
      alerts: { digestWindow: '200ms' },
      ...sections,
      redis: { ...this.redis, prefix: this.prefix },
      store: { file: join(this.dir, 'transcripts.db') },
      staff: [
        { ...STAFF.agentA, roles: ['agent'], ...agents?.agentA },
        { ...STAFF.agentB, roles: ['agent'], ...agents?.agentB },
        { ...STAFF.supervisor, roles: ['supervisor'] },
        { ...STAFF.manager, roles: ['manager'] },
      ],
    }
  }

  private build(): Bot {
    this.agentA = this.world.person(STAFF.agentA.id, STAFF.agentA.name)
    this.agentB = this.world.person(STAFF.agentB.id, STAFF.agentB.name)
    this.supervisor = this.world.person(STAFF.supervisor.id, STAFF.supervisor.name)
    this.manager = this.world.person(STAFF.manager.id, STAFF.manager.name)
    return createBot(this.config(), { puppet: this.world.puppet, log: this.log })
  }

  async start(): Promise<this> {
    await this.bot.start()
    return this
  }

  /** Agents send /on and wait until the bot confirms. */
  async onDuty(...agents: Person[]): Promise<void> {
    for (const agent of agents) {
      agent.say('/on')
      await received(agent, /您已上岗|You are on duty/)
    }
  }

  customer(id: string, name: string): Person {
    return this.world.person(id, name)
  }

  /** A group with the bot's account and these people in it (it outlives a restart). */
  room(id: string, topic: string, members: Person[]): MockRoom {
    this.rooms.set(id, { topic, memberIds: members.map((member) => member.id) })
    return this.world.room(id, topic, members)
  }

  /** The group made with `room`, as it is in the current mock WeChat. */
  roomWithId(id: string): MockRoom {
    const room = this.world.rooms.get(id)
    if (!room) throw new Error(`no room with id ${id}`)
    return room
  }

  /** Stops the bot and starts a new one on the same Redis and store, in a fresh mock WeChat. */
  async restart(downtimeMs = 0): Promise<void> {
    await this.bot.stop()
    await sleep(downtimeMs)
    const customers = [...this.world.people.values()].filter(
      (person) => !Object.values(STAFF).some((member) => member.id === person.id),
    )
    this.world = new MockWorld()
    for (const customer of customers) this.world.person(customer.id, customer.name)
    this.bot = this.build()
    for (const [id, { topic, memberIds }] of this.rooms)
      this.world.room(
        id,
        topic,
        memberIds.map((memberId) => this.person(memberId)),
      )
    await this.bot.start()
  }

  person(id: string): Person {
    const person = this.world.people.get(id)
    if (!person) throw new Error(`nobody with id ${id}`)
    return person
  }

  /**
   * Time passes until `timer` is due: the delayed job the bot armed for it runs now (or, when the
   * bot armed none, one is added). Used for day ends and shift ends, which are hours away.
   */
  async fastForward(timer: Timer): Promise<void> {
    const connection = createRedis(parseConfig(this.config()).redis)
    await connectRedis(connection, parseConfig(this.config()).redis)
    const queue = new Queue(queueNames.timers, { connection, prefix: this.prefix })
    try {
      const job = await queue.getJob(jobIds.timer(timer))
      if (job && (await job.isDelayed())) await job.promote()
      else if (!job)
        await queue.add(timer.kind, timer, { jobId: jobIds.timer(timer), removeOnComplete: true })
    } finally {
      await queue.close()
      await connection.quit()
    }
  }

  /** Waits until every queue is empty (timers still waiting for their time do not count). */
  async settle(timeoutMs = 10_000): Promise<void> {
    await eventually(async () => (await this.bot.pendingWork()) === 0, timeoutMs, 'queues to settle')
    // A job finishing can enqueue the next one; look once more after a breath.
    await sleep(50)
    await eventually(async () => (await this.bot.pendingWork()) === 0, timeoutMs, 'queues to settle')
  }

  async stop(): Promise<void> {
    await this.bot.stop()
    await removeDeployment(parseConfig(this.config()))
    rmSync(this.dir, { recursive: true, force: true })
  }
}
