import type { Dispatcher } from '../src/dispatcher.js'
import type { LiveConversation } from '../src/domain/conversation.js'
import { jobIds } from '../src/domain/keys.js'
import { maskName, preview } from '../src/domain/mask.js'
import { overdueStep } from '../src/domain/sla.js'
import type { FireResult } from '../src/state/port.js'
import { BOT, type Context, RetryLater, type TimerUpdate, type UpdateOf } from './context.js'
import { announceAssignments, armStep, deliverPending, lastMessage, sayToCustomer } from './delivery.js'

type TimerContext = Context<TimerUpdate<'reply'>>
type Fired = Extract<FireResult, { outcome: 'fired' }>

/** How soon to look again at a timer that waits for a staff message still being handled. */
const IN_FLIGHT_RECHECK_MS = 100

/**
 * The escalation ladder. Each step of a waiting period fires once: the live state takes the step
 * atomically, and only if the conversation is still waiting at the version the timer was set for.
 */
export function escalationHandlers(dispatcher: Dispatcher): void {
  dispatcher.timer('reply', onTimer).timer('digest', onDigest).on('send-failed', onSendFailed)
}

/**
 * A message the outbox gave up on: supervisors are told who did not get what, so that someone
 * reaches that person another way. A failed alert of this kind is only logged: no loop of alerts.
 */
async function onSendFailed(ctx: Context<UpdateOf<'send-failed'>>): Promise<void> {
  const { outboxId, outgoing } = ctx.update
  if (jobIds.isSend(outboxId, 'sendfail')) return
  const { staff, state } = ctx.ports
  const member = staff.get(outgoing.to)
  const conversation = member ? null : await state.conversationOfCustomer(outgoing.to)
  const to = member
    ? member.name
    : conversation
      ? ctx.t('supervisor.customerInConversation', {
          name: maskName(conversation.customerName),
          code: conversation.code,
        })
      : ctx.t('supervisor.unknownContact')
  const text = outgoing.kind === 'text' ? preview(outgoing.text) : ctx.t('kinds.file')
  const notice = ctx.t('supervisor.sendFailed', { to, text })
  for (const recipient of alertRecipients(ctx, ['supervisors'])) {
    if (recipient !== outgoing.to) ctx.send('sendfail', recipient, notice)
  }
  if (conversation) ctx.event(conversation, 'send-failed', BOT, { outboxId, to: outgoing.to })
}

/**
 * A recipient's digest window closed: the alerts gathered meanwhile go out, one as it is, several
 * as one message that still lists every conversation.
 */
async function onDigest(ctx: Context<TimerUpdate<'digest'>>): Promise<void> {
  const { recipient, flush } = ctx.update.timer
  const alerts = await ctx.ports.state.takeAlerts(recipient, flush)
  const [only] = alerts
  if (!only) return
  const text =
    alerts.length === 1
      ? only.text
      : ctx.t('supervisor.digest', {
          count: alerts.length,
          lines: alerts.map((alert) => alert.line).join('\n'),
        })
  ctx.send('digest', recipient, text)
  ctx.afterCommit(() => ctx.ports.state.alertsSent(recipient, flush))
}

async function onTimer(ctx: TimerContext): Promise<void> {
  const { timer } = ctx.update
  const { sla, state } = ctx.ports
  const rung = sla.ladder[timer.step]
  if (!rung) {
    ctx.log.warn(
      { conversation: timer.conversationId, step: timer.step },
      'timer for a step the ladder does not have',
    )
    return
  }
  const result = await state.fireStep({
    conversationId: timer.conversationId,
    version: timer.version,
    step: timer.step,
    reassign: rung.reassign,
    countsAsOverdue: timer.step === overdueStep(sla),
    at: ctx.now,
  })
  switch (result.outcome) {
    case 'stale':
      return
    case 'wait':
      throw new RetryLater(IN_FLIGHT_RECHECK_MS)
    case 'early':
      throw new RetryLater(Math.max(10, result.dueAt - ctx.now))
    case 'fired':
      return escalate(ctx, result)
  }
}

async function escalate(ctx: TimerContext, fired: Fired): Promise<void> {
  const { timer } = ctx.update
  const { sla, staff, text } = ctx.ports
  const rung = sla.ladder[timer.step]
  if (!rung) return
  const { conversation, agentId, reassignedTo } = fired
  // From the outcome, not the snapshot: a step replayed after a crash may find the customer answered.
  const waitedMs = ctx.now - fired.waitingSince
  const outcome = reassignedTo
    ? ctx.t('supervisor.outcomeReassigned', { to: staff.nameOf(reassignedTo) })
    : rung.reassign
      ? ctx.t('supervisor.outcomeNoOneFree')
      : agentId
        ? ctx.t('supervisor.outcomeWaiting')
        : ctx.t('supervisor.outcomeQueued')
  const notified = alert(ctx, conversation, { step: timer.step, agentId, waitedMs, outcome })
  if (rung.notify.includes('agent') && agentId) {
    ctx.send(
      'warn',
      agentId,
      ctx.t('agent.warning', { code: conversation.code, waited: text.duration(waitedMs) }),
    )
    notified.push(agentId)
  }
  if (rung.tellCustomer) sayToCustomer(ctx, 'overdue', conversation, ctx.t('customer.overdue'))
  record(ctx, conversation, { step: timer.step, version: fired.version, agentId, waitedMs, notified })
  if (reassignedTo) await reassigned(ctx, conversation, agentId, reassignedTo, waitedMs)

  await announceAssignments(ctx, fired.assigned)
  await armStep(ctx, conversation, timer.step + 1)
  ctx.touch(conversation, ...fired.assigned.map((assignment) => assignment.conversation))
}

/**
 * Steps an answer missed although it was handled before their timers fired (after an outage, or
 * behind a backlog): the breach is alerted and recorded all the same, marked late. The customer
 * has their answer, so they are not told, and nothing is reassigned.
 */
export function recordLateSteps(
  ctx: Context,
  conversation: LiveConversation,
  late: { agentId: string | undefined; version: number; waitedMs: number; steps: number[] },
): void {
  for (const step of late.steps) {
    const { agentId, waitedMs } = late
    const outcome = ctx.t('supervisor.outcomeAnsweredLate')
    const notified = alert(ctx, conversation, { step, agentId, waitedMs, outcome })
    record(ctx, conversation, { step, version: late.version, agentId, waitedMs, notified, late: true })
  }
}

/** The supervisors' (or managers') alert for one step; returns who was alerted. */
function alert(
  ctx: Context,
  conversation: LiveConversation,
  about: { step: number; agentId: string | undefined; waitedMs: number; outcome: string },
): string[] {
  const rung = ctx.ports.sla.ladder[about.step]
  if (!rung) return []
  const vars = {
    level: about.step + 1,
    code: conversation.code,
    customer: maskName(conversation.customerName),
    agent: about.agentId ? ctx.ports.staff.nameOf(about.agentId) : ctx.t('staff.nobody'),
    waited: ctx.ports.text.duration(about.waitedMs),
    last: lastMessage(ctx, conversation),
    outcome: about.outcome,
  }
  const text = ctx.t('supervisor.alert', vars)
  const line = ctx.t('supervisor.digestLine', vars)
  const recipients = alertRecipients(ctx, rung.notify)
  for (const recipient of recipients) ctx.alert(`alert${about.step}`, recipient, { text, line })
  return recipients
}

/** The transcript's record of a step: `escalated` always, `overdue` for the step that counts. */
function record(
  ctx: Context,
  conversation: LiveConversation,
  step: {
    step: number
    version: number
    agentId: string | undefined
    waitedMs: number
    notified: string[]
    late?: boolean
  },
): void {
  const { agentId = '', waitedMs } = step
  ctx.event(conversation, 'escalated', BOT, {
    level: step.step + 1,
    version: step.version,
    agentId,
    waitedMs,
    notified: step.notified,
    ...(step.late ? { late: true } : {}),
  })
  if (step.step === overdueStep(ctx.ports.sla)) ctx.event(conversation, 'overdue', BOT, { agentId, waitedMs })
}

async function reassigned(
  ctx: TimerContext,
  conversation: LiveConversation,
  from: string | undefined,
  to: string,
  waitedMs: number,
): Promise<void> {
  const { staff, text } = ctx.ports
  ctx.send(
    'moved-in',
    to,
    ctx.t('agent.reassignedIn', {
      code: conversation.code,
      waited: text.duration(waitedMs),
      from: from ? staff.nameOf(from) : ctx.t('staff.nobody'),
      name: conversation.customerName,
      last: lastMessage(ctx, conversation),
    }),
  )
  await deliverPending(ctx, conversation, to)
  if (from)
    ctx.send(
      'moved-out',
      from,
      ctx.t('agent.reassignedOut', { code: conversation.code, to: staff.nameOf(to) }),
    )
  ctx.event(conversation, 'reassigned', BOT, { agentId: to, ...(from ? { from } : {}), waitedMs })
}

/** Supervisors, or managers; a team without managers alerts its supervisors instead. */
function alertRecipients(ctx: Context, notify: readonly string[]): string[] {
  const { staff } = ctx.ports
  const ids = new Set<string>()
  const supervisors = staff.withRole('supervisor').map((member) => member.id)
  const managers = staff.withRole('manager').map((member) => member.id)
  if (notify.includes('supervisors')) for (const id of supervisors) ids.add(id)
  if (notify.includes('managers')) for (const id of managers.length ? managers : supervisors) ids.add(id)
  return [...ids]
}
