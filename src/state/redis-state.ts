import type { Cluster, Redis } from 'ioredis'
import { z } from 'zod'
import { type LiveConversation, liveConversationSchema } from '../domain/conversation.js'
import { type LiveGroupWait, type LiveRoom, liveGroupWaitSchema, liveRoomSchema } from '../domain/groups.js'
import { timerIdentity } from '../domain/ids.js'
import { inboundMessageSchema } from '../domain/inbound.js'
import type { Keys } from '../queue/keys.js'
import type {
  AgentLoad,
  Assignment,
  AwayExpiredResult,
  CloseResult,
  ConsoleSession,
  FireResult,
  ForgetCustomerResult,
  GatheredAlert,
  GoAwayResult,
  GoOffDutyResult,
  GoOnDutyResult,
  GroupAnswerResult,
  GroupFireResult,
  GroupIngestResult,
  IngestResult,
  IssueConsoleLinkResult,
  LiveState,
  MoveResult,
  OpenConsoleSessionResult,
  PendingMessage,
  ReplyResult,
  TakeHeldGroupReplyResult,
} from './port.js'
import {
  ackPendingResult,
  awayExpiredResult,
  closeResult,
  consoleSessionSchema,
  dayEndResult,
  drainResult,
  endConsoleSessionResult,
  endConsoleSessionsOfResult,
  fireResult,
  forgetCustomerResult,
  gatherAlertResult,
  gatheredAlert,
  goAwayResult,
  goOffDutyResult,
  goOnDutyResult,
  groupAnswerResult,
  groupFireResult,
  groupHoldResult,
  groupIngestResult,
  ingestResult,
  issueConsoleLinkResult,
  moveResult,
  openConsoleSessionResult,
  queuePlacesResult,
  replyResult,
  takeAlertsResult,
  takeHeldGroupReplyResult,
} from './results.js'
import { bindScripts, loadScripts, type ScriptCall, type StateScript } from './script-loader.js'

/**
 * Live state in Redis: the LiveState port over the state scripts (scripts/*.lua). Every change is
 * one script call, whose JSON result is parsed with its schema (results.ts); reads are plain
 * commands on the keys of keysFor.
 */

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
/** A waiting period's messages are kept one by one up to this many (each one's wait and deadline). */
const GROUP_MESSAGES_KEPT = 200

const SCRIPT_NAMES = [
  'ingest',
  'reply',
  'close',
  'move',
  'go-on-duty',
  'go-away',
  'go-off-duty',
  'away-expired',
  'fire-step',
  'day-end',
  'queue-places',
  'gather-alert',
  'take-alerts',
  'drain-queue',
  'ack-pending',
  'forget-customer',
  'group-ingest',
  'group-answer',
  'group-fire-step',
  'hold-group-reply',
  'take-held-group-reply',
  'issue-console-link',
  'open-console-session',
  'end-console-session',
  'end-console-sessions-of',
] as const
type ScriptName = (typeof SCRIPT_NAMES)[number]

/** Read once per process: every deployment runs the same scripts. */
let scripts: Map<string, StateScript> | undefined

const conversation = liveConversationSchema
const pendingSchema = z.object({
  id: z.string(),
  kind: inboundMessageSchema.shape.kind,
  text: z.string(),
  at: z.number(),
})

export class RedisLiveState implements LiveState {
  private readonly scripts: Record<ScriptName, ScriptCall>

  constructor(
    private readonly redis: Redis | Cluster,
    private readonly keys: Keys,
  ) {
    scripts ??= loadScripts()
    this.scripts = bindScripts(redis, keys, scripts, SCRIPT_NAMES)
  }

  /** Runs a script and parses its result with the script's schema. */
  private async run<S extends z.ZodType>(
    name: ScriptName,
    schema: S,
    ...args: (string | number)[]
  ): Promise<z.output<S>> {
    return schema.parse(JSON.parse(await this.scripts[name](...args)))
  }

  ingestCustomerMessage(input: Parameters<LiveState['ingestCustomerMessage']>[0]): Promise<IngestResult> {
    const pending: PendingMessage = { id: input.messageId, kind: input.kind, text: input.text, at: input.at }
    return this.run(
      'ingest',
      ingestResult,
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
  }

  staffReply(input: Parameters<LiveState['staffReply']>[0]): Promise<ReplyResult> {
    return this.run(
      'reply',
      replyResult,
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
  }

  close(input: Parameters<LiveState['close']>[0]): Promise<CloseResult> {
    return this.run(
      'close',
      closeResult,
      input.staffId,
      input.code,
      input.at,
      flag(input.oversees),
      CLOSED_TTL_SECONDS,
      Math.round(input.surveyFor / 1000),
    )
  }

  move(input: Parameters<LiveState['move']>[0]): Promise<MoveResult> {
    return this.run(
      'move',
      moveResult,
      input.mode,
      input.actorId,
      input.code ?? '',
      input.targetId,
      flag(input.oversees),
    )
  }

  goOnDuty(input: Parameters<LiveState['goOnDuty']>[0]): Promise<GoOnDutyResult> {
    return this.run('go-on-duty', goOnDutyResult, input.agentId, input.cap, (input.skills ?? []).join(','))
  }

  goAway(input: Parameters<LiveState['goAway']>[0]): Promise<GoAwayResult> {
    return this.run('go-away', goAwayResult, input.agentId, input.until, input.reason)
  }

  goOffDuty(input: Parameters<LiveState['goOffDuty']>[0]): Promise<GoOffDutyResult> {
    return this.run('go-off-duty', goOffDutyResult, input.agentId, flag(input.force))
  }

  awayExpired(input: Parameters<LiveState['awayExpired']>[0]): Promise<AwayExpiredResult> {
    return this.run(
      'away-expired',
      awayExpiredResult,
      input.agentId,
      input.seq,
      timerIdentity({ kind: 'away', agentId: input.agentId, seq: input.seq }),
      SEEN_TTL_SECONDS,
    )
  }

  fireStep(input: Parameters<LiveState['fireStep']>[0]): Promise<FireResult> {
    return this.run(
      'fire-step',
      fireResult,
      input.conversationId,
      input.version,
      input.step,
      input.at,
      flag(input.reassign),
      flag(input.countsAsOverdue),
      IN_FLIGHT_HORIZON_MS,
      timerIdentity({
        kind: 'reply',
        conversationId: input.conversationId,
        version: input.version,
        step: input.step,
      }),
      SEEN_TTL_SECONDS,
    )
  }

  async dayEnded(day: string, endedAt: number): Promise<LiveConversation[]> {
    const counted: LiveConversation[] = []
    let cursor = '0'
    do {
      const [next, ids] = await this.redis.sscan(this.keys.open, cursor, 'COUNT', DAY_END_BATCH)
      cursor = next
      if (ids.length) counted.push(...(await this.run('day-end', dayEndResult, day, endedAt, ...ids)).counted)
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
    const gathered = await this.run(
      'gather-alert',
      gatherAlertResult,
      recipient,
      alert.id,
      JSON.stringify(alert),
      ALERT_TTL_SECONDS,
      at,
      windowMs,
    )
    return gathered.arm
  }

  async pendingDigest(recipient: string): Promise<number | undefined> {
    const pending = await this.redis.get(this.keys.alertFlush(recipient))
    return pending ? Number(pending.split('|')[0]) : undefined
  }

  async takeAlerts(recipient: string, flush: number): Promise<GatheredAlert[]> {
    const taken = await this.run('take-alerts', takeAlertsResult, recipient, flush, ALERT_TTL_SECONDS)
    return taken.alerts.map((json) => gatheredAlert.parse(JSON.parse(json)))
  }

  async alertsSent(recipient: string, flush: number): Promise<void> {
    await this.redis.del(this.keys.alertBatch(recipient, String(flush)))
  }

  async queuePlaces(step: number): Promise<{ conversation: LiveConversation; position: number }[]> {
    return (await this.run('queue-places', queuePlacesResult, step, QUEUE_PLACES_WINDOW)).places
  }

  async pending(conversationId: string): Promise<PendingMessage[]> {
    const entries = await this.redis.lrange(this.keys.pending(conversationId), 0, -1)
    return entries.map((entry) => pendingSchema.parse(JSON.parse(entry)))
  }

  async ackPending(conversationId: string, messageId: string): Promise<void> {
    await this.run('ack-pending', ackPendingResult, conversationId, messageId)
  }

  forgetCustomer(input: Parameters<LiveState['forgetCustomer']>[0]): Promise<ForgetCustomerResult> {
    return this.run(
      'forget-customer',
      forgetCustomerResult,
      input.customerId,
      input.mode,
      input.by,
      Math.max(1, Math.ceil(input.askFor / 1000)),
      JSON.stringify(input.conversationIds),
    )
  }

  groupMessage(input: Parameters<LiveState['groupMessage']>[0]): Promise<GroupIngestResult> {
    return this.run(
      'group-ingest',
      groupIngestResult,
      input.messageId,
      input.roomId,
      input.topic,
      input.customerId,
      input.customerName,
      [...input.text].slice(0, 60).join(''),
      input.at,
      flag(input.waits),
      input.deadlines.join(','),
      input.overdueAt,
      SEEN_TTL_SECONDS,
      GROUP_MESSAGES_KEPT,
    )
  }

  groupAnswer(input: Parameters<LiveState['groupAnswer']>[0]): Promise<GroupAnswerResult> {
    return this.run(
      'group-answer',
      groupAnswerResult,
      input.messageId,
      input.roomId,
      input.topic,
      input.at,
      JSON.stringify(input.target),
      SEEN_TTL_SECONDS,
    )
  }

  fireGroupStep(input: Parameters<LiveState['fireGroupStep']>[0]): Promise<GroupFireResult> {
    const { roomId, customerId, version, step } = input
    return this.run(
      'group-fire-step',
      groupFireResult,
      roomId,
      customerId,
      version,
      step,
      input.at,
      flag(input.countsAsOverdue),
      IN_FLIGHT_HORIZON_MS,
      timerIdentity({ kind: 'group-reply', roomId, customerId, version, step }),
      SEEN_TTL_SECONDS,
    )
  }

  async holdGroupReply(input: Parameters<LiveState['holdGroupReply']>[0]): Promise<LiveRoom> {
    const result = await this.run(
      'hold-group-reply',
      groupHoldResult,
      input.messageId,
      input.staffId,
      JSON.stringify(input.held),
      SEEN_TTL_SECONDS,
      input.held.roomId,
    )
    return result.room
  }

  takeHeldGroupReply(
    input: Parameters<LiveState['takeHeldGroupReply']>[0],
  ): Promise<TakeHeldGroupReplyResult> {
    return this.run(
      'take-held-group-reply',
      takeHeldGroupReplyResult,
      input.messageId,
      input.staffId,
      SEEN_TTL_SECONDS,
    )
  }

  async room(roomId: string): Promise<LiveRoom | null> {
    const fields = await this.redis.hgetall(this.keys.group(roomId))
    return Object.keys(fields).length ? liveRoomSchema.parse(fields) : null
  }

  async roomByCode(code: string): Promise<LiveRoom | null> {
    const id = await this.redis.get(this.keys.groupCode(code))
    return id ? this.room(id) : null
  }

  async rooms(): Promise<LiveRoom[]> {
    const ids = await this.redis.smembers(this.keys.groups)
    const rooms = await Promise.all(ids.map((id) => this.room(id)))
    const number = (room: LiveRoom) => Number(room.code.slice(1))
    return rooms.filter((room): room is LiveRoom => room !== null).sort((a, b) => number(a) - number(b))
  }

  async groupWaits(roomId: string): Promise<LiveGroupWait[]> {
    const customers = await this.redis.zrange(this.keys.groupWaiters(roomId), '0', '-1')
    const waits = await Promise.all(
      customers.map((customerId) => this.redis.hgetall(this.keys.groupWait(roomId, customerId))),
    )
    return waits
      .filter((fields) => Object.keys(fields).length)
      .map((fields) => liveGroupWaitSchema.parse(fields))
  }

  roomsWaiting(): Promise<string[]> {
    return this.redis.smembers(this.keys.groupsWaiting)
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
    return (await this.run('drain-queue', drainResult)).assigned
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

  issueConsoleLink(input: Parameters<LiveState['issueConsoleLink']>[0]): Promise<IssueConsoleLinkResult> {
    return this.run(
      'issue-console-link',
      issueConsoleLinkResult,
      input.linkHash,
      input.staffId,
      input.at,
      input.ttlMs,
      input.rate.max,
      input.rate.per,
    )
  }

  openConsoleSession(
    input: Parameters<LiveState['openConsoleSession']>[0],
  ): Promise<OpenConsoleSessionResult> {
    return this.run(
      'open-console-session',
      openConsoleSessionResult,
      input.linkHash,
      input.sessionHash,
      input.csrf,
      input.at,
      input.ttlMs,
    )
  }

  async consoleSession(sessionHash: string, at: number): Promise<ConsoleSession | null> {
    const fields = await this.redis.hgetall(this.keys.consoleSession(sessionHash))
    if (!Object.keys(fields).length) return null
    const session = consoleSessionSchema.parse(fields)
    // Redis expires it on its own clock; the bot's clock decides as well.
    return at < session.expiresAt ? session : null
  }

  async endConsoleSession(sessionHash: string): Promise<void> {
    await this.run('end-console-session', endConsoleSessionResult, sessionHash)
  }

  async endConsoleSessionsOf(staffId: string): Promise<number> {
    return (await this.run('end-console-sessions-of', endConsoleSessionsOfResult, staffId)).count
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
