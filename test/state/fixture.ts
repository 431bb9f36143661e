import { afterAll, afterEach, beforeEach } from 'vitest'
import { type Keys, keysFor } from '../../src/queue/keys.js'
import type { IngestResult, LiveState, ReplyResult } from '../../src/state/port.js'
import { RedisLiveState } from '../../src/state/redis-state.js'
import { deletePrefix, testPrefix, testRedis } from '../support/redis.js'

/** Two escalation steps, 1 s and 2 s after the customer starts waiting; the first counts as overdue. */
export const LADDER = [1000, 2000]

type CustomerMessage = Parameters<LiveState['ingestCustomerMessage']>[0]
type StaffReply = Parameters<LiveState['staffReply']>[0]
type GroupMessage = Parameters<LiveState['groupMessage']>[0]

/**
 * The live state of one test at a time, under its own prefix on the real Redis, removed after each
 * test; with the customer and staff steps most tests are made of.
 */
export function liveStateFixture(label: string) {
  const redis = testRedis()
  let prefix = ''
  let live: RedisLiveState | undefined
  let n = 0
  beforeEach(() => {
    prefix = testPrefix(label)
    live = new RedisLiveState(redis, keysFor(prefix))
  })
  afterEach(() => deletePrefix(redis, prefix))
  afterAll(() => redis.quit())

  const state = (): RedisLiveState => {
    if (!live) throw new Error('the live state exists inside a test only')
    return live
  }
  /** The message exactly as customerSays sends it, for a test that sends it again itself. */
  const message = (customerId: string, text: string, at = 1000, messageId = `m${++n}`): CustomerMessage => ({
    messageId,
    kind: 'text',
    customerId,
    customerName: `name-${customerId}`,
    text,
    at,
    newConversationId: `conv${++n}`,
    flood: { max: 1000, per: 10_000 },
    deadlines: LADDER.map((after) => at + after),
    fallbackCategory: 'consult',
    offerMenu: false,
  })

  return {
    redis,
    state,
    keys: (): Keys => keysFor(prefix),
    message,
    /** A customer message that is taken (not a rating, not a replay of a conversation gone). */
    async customerSays(
      customerId: string,
      text: string,
      at = 1000,
      messageId?: string,
      extra: Partial<CustomerMessage> = {},
    ): Promise<Extract<IngestResult, { status: 'taken' }>> {
      const result = await state().ingestCustomerMessage({
        ...message(customerId, text, at, messageId),
        ...extra,
      })
      if (result.status !== 'taken') throw new Error(`a message to ${customerId} was ${result.status}`)
      return result
    },
    /** A staff answer under a fresh message id. */
    async reply(
      input: Omit<StaffReply, 'messageId' | 'overdueStep'> & Partial<StaffReply>,
    ): Promise<Exclude<ReplyResult, { status: 'gone' }>> {
      const result = await state().staffReply({ messageId: `r${++n}`, overdueStep: 0, ...input })
      if (result.status === 'gone') throw new Error('a fresh answer was taken for a replay')
      return result
    },
    /**
     * A customer's message in a watched room that waits for an answer: its steps fall due LADDER
     * after `at`, and it is overdue itself at the first.
     */
    groupSays(
      roomId: string,
      customerId: string,
      text: string,
      at = 1000,
      extra: Partial<GroupMessage> = {},
    ): ReturnType<LiveState['groupMessage']> {
      return state().groupMessage({
        messageId: `g${++n}`,
        roomId,
        topic: `topic-${roomId}`,
        customerId,
        customerName: `name-${customerId}`,
        text,
        at,
        waits: true,
        deadlines: LADDER.map((after) => at + after),
        overdueAt: at + (LADDER[0] ?? 0),
        ...extra,
      })
    },
    on: (agentId: string, cap = 10, skills?: string[]) =>
      state().goOnDuty({ agentId, cap, ...(skills ? { skills } : {}) }),
  }
}
