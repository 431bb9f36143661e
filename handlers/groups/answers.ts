import type { Actor } from '../../src/domain/transcript.js'
import type { Context } from '../../src/kernel/context.js'
import type { GroupAnswerResult } from '../../src/state/port.js'
import { alertStep, recordOverdue, recordStep } from './ladder.js'
import { roomFields, threadOf } from './room.js'

/**
 * What an answer in a room ends, recorded: each customer's waiting period, with how long each of
 * their messages waited (the reports' response times), the steps it missed although it came after
 * them (alerted and recorded late, as in 1:1) and the messages it found overdue. The timer each
 * period had armed is removed.
 */
export async function recordAnswer(
  ctx: Context,
  result: GroupAnswerResult,
  answer: { by: string; actor: Actor; at: number; relayed: boolean },
): Promise<void> {
  const { room } = result
  for (const ended of result.ended) {
    await ctx.io.timers.cancel({
      kind: 'group-reply',
      roomId: room.id,
      customerId: ended.customerId,
      version: ended.version,
      step: ended.ladderStep,
    })
    const waitedMs = answer.at - ended.since
    const wait = { ...ended, count: ended.responsesMs.length }
    for (const step of ended.lateSteps) {
      const notified = alertStep(ctx, room, wait, step, waitedMs, ctx.t('group.outcomeAnsweredLate'))
      recordStep(ctx, room, wait, { step, waitedMs, notified, late: true })
    }
    recordOverdue(ctx, room, wait, ended.overdueMessages)
    ctx.event(threadOf(room), 'group-answered', answer.actor, {
      ...roomFields(room),
      by: answer.by,
      customerId: ended.customerId,
      customerName: ended.customerName,
      responsesMs: ended.responsesMs,
      waitedMs,
      relayed: answer.relayed,
    })
  }
}
