import type { Redis } from 'ioredis'
import { z } from 'zod'
import { type LiveConversation, liveConversationSchema } from '../domain/conversation.js'
import { inboundMessageSchema } from '../domain/inbound.js'
import { jobIds, type Keys } from '../domain/keys.js'
import { buildScripts, type ScriptName } from './lua.js'
import type {
  AgentLoad,
  Assignment,
  AwayExpiredResult,
  CloseResult,
  DutyResult,
  FireResult,
  GatheredAlert,
  IngestResult,
  LiveState,
  MoveResult,
  PendingMessage,
  ReplyResult,
} from './port.js'

const SEEN_TTL_SECONDS = 24 * 3600
/** Open conversations one day-end step counts: enough to be quick, few enough to hold Redis briefly. */
const DAY_END_BATCH = '200'
/** How far down the queue a place notice is looked for on each assignment. */
const QUEUE_PLACES_WINDOW = 500
/** Gathered alerts and their markers outlive any digest window by far. */
const ALERT_TTL_SECONDS = 24 * 3600
const CLOSED_TTL_SECONDS = 7 * 24 * 3600
/** A staff message not handled within this long no longer holds timers back (its job is retried). */
const IN_FLIGHT_HORIZON_MS = 30_000

/** Lua's cjson writes an empty table as `{}`; read that as an empty list. */
const list = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (value) => (value && typeof value === 'object' && !Array.isArray(value) ? [] : value),
    z.array(item),
  )

const conversation = liveConversationSchema
const assignment = z.object({ conversation, agentId: z.string() })
const clockStop = {
  wasWaiting: z.boolean(),
  waitingSince: z.number(),
  previousVersion: z.number(),
  previousStep: z.number(),
}
const failure = <R extends string>(reason: R) => z.object({ ok: z.literal(false), reason: z.literal(reason) })

const ingestSchema = z.object({
  conversation,
  created: z.boolean(),
  clockStarted: z.boolean(),
  clockVersion: z.number().optional(),
  assigned: list(assignment),
  queuePosition: z.number(),
  forwardTo: z.string().optional(),
  throttled: z.number().default(0),
  closedNotice: z.boolean().default(false),
  holderAway: z.boolean().default(false),
  rated: z.number().optional(),
  menuOffered: z.boolean().default(false),
  categoryChosen: z.string().optional(),
  movedFrom: z.string().optional(),
  praised: z.boolean().default(false),
  awayNotice: z.object({ agentId: z.string(), until: z.number(), reason: z.string() }).optional(),
})
const replySchema = z.union([
  z.object({
    ok: z.literal(true),
    conversation,
    lateSteps: list(z.number()),
    ...clockStop,
    held: z.boolean().optional(),
    forced: z.object({ text: z.string(), phrase: z.string() }).optional(),
  }),
  failure('nothing-held'),
  failure('unknown-code').extend({ code: z.string() }),
  failure('no-conversation'),
  failure('ambiguous').extend({ codes: list(z.string()) }),
  failure('not-yours').extend({ conversation }),
])
const closeSchema = z.union([
  z.object({ ok: z.literal(true), conversation, assigned: list(assignment), ...clockStop }),
  failure('unknown-code').extend({ code: z.string() }),
  failure('not-yours').extend({ conversation }),
])
const moveSchema = z.union([
  z.object({ ok: z.literal(true), conversation, from: z.string().optional(), assigned: list(assignment) }),
  failure('unknown-code').extend({ code: z.string() }),
  failure('queue-empty'),
  z.object({ ok: z.literal(false), reason: z.enum(['not-yours', 'not-queued', 'same-agent']), conversation }),
  z.object({
    ok: z.literal(false),
    reason: z.enum(['target-off-duty', 'target-away']),
    targetId: z.string(),
  }),
])
const dutySchema = z.union([
  z.object({
    ok: z.literal(true),
    assigned: list(assignment),
    requeued: list(conversation),
    wasAway: z.boolean().optional(),
    awaySeq: z.number().optional(),
    waiting: list(conversation).optional(),
    mine: list(conversation).optional(),
  }),
  failure('has-open').extend({ open: list(conversation) }),
  failure('off-duty'),
])
const awayExpiredSchema = z.union([
  z.object({ ok: z.literal(true), assigned: list(assignment), requeued: list(conversation) }),
  z.object({ ok: z.literal(false) }),
])
const fireSchema = z.union([
  z.object({ outcome: z.literal('stale') }),
  z.object({ outcome: z.literal('wait') }),
  z.object({ outcome: z.literal('early'), dueAt: z.number() }),
  z.object({
    outcome: z.literal('fired'),
    conversation,
    version: z.number(),
    waitingSince: z.number(),
    agentId: z.string().optional(),
    reassignedTo: z.string().optional(),
    assigned: list(assignment),
  }),
])
const gatheredAlertSchema = z.object({ id: z.string(), text: z.string(), line: z.string() })
const pendingSchema = z.object({
  id: z.string(),
  kind: inboundMessageSchema.shape.kind,
  text: z.string(),
  at: z.number(),
})

type Scripted = Redis & Record<ScriptName, (...args: (string | number)[]) => Promise<string>>

/** Live state in Redis: the LiveState port over the Lua scripts in lua.ts. */
export class RedisLiveState implements LiveState {
  private readonly redis: Scripted

  constructor(
    redis: Redis,
    private readonly keys: Keys,
  ) {
    for (const [name, lua] of Object.entries(buildScripts(keys))) {
      redis.defineCommand(name, { numberOfKeys: 0, lua })
    }
    this.redis = redis as Scripted
  }

  async ingestCustomerMessage(
    input: Parameters<LiveState['ingestCustomerMessage']>[0],
  ): Promise<IngestResult | null> {
    const pending: PendingMessage = { id: input.messageId, kind: input.kind, text: input.text, at: input.at }
    const raw = await this.redis.ingest(
      input.messageId,
      input.customerId,
      input.customerName,
      [...input.text].slice(0, 60).join(''),
      input.at,
      input.newConversationId,
      JSON.stringify(pending),
      SEEN_TTL_SECONDS,
      input.flood.max,
      input.flood.per,
      JSON.stringify({
        deadlines: input.deadlines.join(','),
        closedDay: input.closedDay ?? '',
        category: input.category?.id ?? '',
        priority: input.category?.priority ?? false,
        fallback: input.fallbackCategory,
        menu: input.offerMenu,
        menuChoice: input.menuChoice?.id ?? '',
        menuPriority: input.menuChoice?.priority ?? false,
        rating: input.rating ?? 0,
        praise: input.praise ?? false,
      }),
    )
    if (raw === 'X') return null
    return { ...ingestSchema.parse(JSON.parse(raw.slice(1))), duplicate: raw.startsWith('D') }
  }

  async staffReply(
    input: Parameters<LiveState['staffReply']>[0],
  ): Promise<(ReplyResult & { duplicate: boolean }) | null> {
    const raw = await this.redis.reply(
      input.messageId,
      input.staffId,
      input.code ?? '',
      input.at,
      flag(input.oversees),
      SEEN_TTL_SECONDS,
      input.overdueStep,
      input.hold ? 'hold' : input.force ? 'force' : 'send',
      JSON.stringify(input.hold ?? {}),
    )
    if (raw === 'X') return null
    return { ...replySchema.parse(JSON.parse(raw.slice(1))), duplicate: raw.startsWith('D') }
  }

  async close(input: Parameters<LiveState['close']>[0]): Promise<CloseResult> {
    const raw = await this.redis.close(
      input.staffId,
      input.code,
      input.at,
      flag(input.oversees),
      CLOSED_TTL_SECONDS,
      Math.round(input.surveyFor / 1000),
    )
    return closeSchema.parse(JSON.parse(raw))
  }

  async move(input: Parameters<LiveState['move']>[0]): Promise<MoveResult> {
    const raw = await this.redis.move(
      input.mode,
      input.actorId,
      input.code ?? '',
      input.targetId,
      flag(input.oversees),
    )
    return moveSchema.parse(JSON.parse(raw))
  }

  async setDuty(input: Parameters<LiveState['setDuty']>[0]): Promise<DutyResult> {
    const raw = await this.redis.duty(
      input.agentId,
      input.mode,
      flag(input.force),
      input.cap,
      input.until ?? 0,
      input.reason ?? '',
      (input.skills ?? []).join(','),
    )
    return dutySchema.parse(JSON.parse(raw))
  }

  async awayExpired(input: Parameters<LiveState['awayExpired']>[0]): Promise<AwayExpiredResult> {
    const raw = await this.redis.awayExpired(
      input.agentId,
      input.seq,
      jobIds.timer({ kind: 'away', agentId: input.agentId, seq: input.seq }),
      SEEN_TTL_SECONDS,
    )
    return awayExpiredSchema.parse(JSON.parse(raw.slice(1)))
  }

  async fireStep(input: Parameters<LiveState['fireStep']>[0]): Promise<FireResult> {
    const raw = await this.redis.fire(
      input.conversationId,
      input.version,
      input.step,
      input.at,
      flag(input.reassign),
      flag(input.countsAsOverdue),
      IN_FLIGHT_HORIZON_MS,
      jobIds.timer({
        kind: 'reply',
        conversationId: input.conversationId,
        version: input.version,
        step: input.step,
      }),
      SEEN_TTL_SECONDS,
    )
    if (raw === 'X') return { outcome: 'stale' }
    return fireSchema.parse(JSON.parse(raw.slice(1)))
  }

  async dayEnded(day: string, endedAt: number): Promise<LiveConversation[]> {
    const counted: LiveConversation[] = []
    let cursor = '0'
    do {
      const [next, ids] = await this.redis.sscan(this.keys.open, cursor, 'COUNT', DAY_END_BATCH)
      cursor = next
      if (ids.length)
        counted.push(...list(conversation).parse(JSON.parse(await this.redis.dayEnd(day, endedAt, ...ids))))
    } while (cursor !== '0')
    // Once, after the last batch: a day with nothing open is swept too, and a sweep cut short by a
    // crash is finished by its timer's retry, not taken for done.
    await this.redis.set(this.keys.lastDayEnd, day)
    return counted
  }

  async lastDayEnded(): Promise<string | undefined> {
    return (await this.redis.get(this.keys.lastDayEnd)) ?? undefined
  }

  async gatherAlert(recipient: string, alert: GatheredAlert, at: number, windowMs: number): Promise<number> {
    return Number(
      await this.redis.gatherAlert(
        recipient,
        alert.id,
        JSON.stringify(alert),
        ALERT_TTL_SECONDS,
        at,
        windowMs,
      ),
    )
  }

  async pendingDigest(recipient: string): Promise<number | undefined> {
    const pending = await this.redis.get(this.keys.alertFlush(recipient))
    return pending ? Number(pending.split('|')[0]) : undefined
  }

  async takeAlerts(recipient: string, flush: number): Promise<GatheredAlert[]> {
    const taken = list(z.string()).parse(
      JSON.parse(await this.redis.takeAlerts(recipient, flush, ALERT_TTL_SECONDS)),
    )
    return taken.map((json) => gatheredAlertSchema.parse(JSON.parse(json)))
  }

  async alertsSent(recipient: string, flush: number): Promise<void> {
    await this.redis.del(this.keys.alertBatch(`${recipient}:${flush}`))
  }

  async queuePlaces(step: number): Promise<{ conversation: LiveConversation; position: number }[]> {
    return list(z.object({ conversation, position: z.number() })).parse(
      JSON.parse(await this.redis.queuePlaces(step, QUEUE_PLACES_WINDOW)),
    )
  }

  async pending(conversationId: string): Promise<PendingMessage[]> {
    const entries = await this.redis.lrange(this.keys.pending(conversationId), 0, -1)
    return entries.map((entry) => pendingSchema.parse(JSON.parse(entry)))
  }

  async ackPending(conversationId: string, messageId: string): Promise<void> {
    await this.redis.ack(conversationId, messageId)
  }

  async staffMessageReceived(messageId: string, at: number): Promise<void> {
    await this.redis.zadd(this.keys.staffInFlight, at, messageId)
  }

  async staffMessageHandled(messageId: string): Promise<void> {
    await this.redis.zrem(this.keys.staffInFlight, messageId)
  }

  async conversation(id: string): Promise<LiveConversation | null> {
    const fields = await this.redis.hgetall(this.keys.conversation(id))
    return Object.keys(fields).length ? conversation.parse(fields) : null
  }

  async conversationByCode(code: string): Promise<LiveConversation | null> {
    const id = await this.redis.get(this.keys.codeOwner(code))
    return id ? this.conversation(id) : null
  }

  async conversationOfCustomer(customerId: string): Promise<LiveConversation | null> {
    const id = await this.redis.get(this.keys.openConversationOf(customerId))
    return id ? this.conversation(id) : null
  }

  async conversationsOfAgent(agentId: string): Promise<LiveConversation[]> {
    const ids = await this.redis.smembers(this.keys.agentConversations(agentId))
    const conversations = await this.many(ids)
    return conversations.sort((a, b) => a.openedAt - b.openedAt)
  }

  async drainQueue(): Promise<Assignment[]> {
    return list(assignment).parse(JSON.parse(await this.redis.drain()))
  }

  async openConversations(): Promise<LiveConversation[]> {
    const conversations = await this.many(await this.openConversationIds())
    return conversations.sort((a, b) => a.openedAt - b.openedAt)
  }

  async queued(): Promise<LiveConversation[]> {
    return this.many(await this.redis.zrange(this.keys.unassigned, 0, '-1'))
  }

  async openConversationIds(): Promise<string[]> {
    const ids: string[] = []
    let cursor = '0'
    do {
      const [next, batch] = await this.redis.sscan(this.keys.open, cursor, 'COUNT', '1000')
      ids.push(...batch)
      cursor = next
    } while (cursor !== '0')
    return ids
  }

  async onDuty(): Promise<string[]> {
    return this.redis.smembers(this.keys.onDuty)
  }

  async loads(agentIds: string[]): Promise<AgentLoad[]> {
    const pipeline = this.redis.pipeline()
    for (const agentId of agentIds) {
      pipeline.sismember(this.keys.onDuty, agentId)
      pipeline.scard(this.keys.agentConversations(agentId))
      pipeline.sismember(this.keys.away, agentId)
      pipeline.hmget(this.keys.agent(agentId), 'awayUntil', 'awayReason')
    }
    const replies = (await pipeline.exec()) ?? []
    return agentIds.map((agentId, index) => {
      const [onDuty, open, away, details] = replies.slice(index * 4, index * 4 + 4).map((reply) => reply?.[1])
      const [until, reason] = (details as (string | null)[] | undefined) ?? []
      return {
        agentId,
        onDuty: onDuty === 1,
        open: Number(open ?? 0),
        ...(away === 1 ? { away: { until: Number(until ?? 0), reason: reason ?? '' } } : {}),
      }
    })
  }

  private async many(ids: string[]): Promise<LiveConversation[]> {
    if (ids.length === 0) return []
    const pipeline = this.redis.pipeline()
    for (const id of ids) pipeline.hgetall(this.keys.conversation(id))
    const replies = (await pipeline.exec()) ?? []
    return replies
      .map(([error, fields]) => {
        if (error) throw error
        return fields as Record<string, string>
      })
      .filter((fields) => Object.keys(fields).length > 0)
      .map((fields) => conversation.parse(fields))
  }
}

function flag(value: boolean): string {
  return value ? '1' : '0'
}
