import {
  Context,
  type Ports,
  RetryLater,
  type TimerUpdate,
  type Update,
  type UpdateKind,
  type UpdateOf,
} from '../handlers/context.js'
import { COMMANDS, type CommandName, parseStaffInput, type UsageProblem } from './domain/commands.js'
import type { InboundMessage } from './domain/inbound.js'
import { oversees, type Staff } from './domain/staff.js'
import type { Timer, TimerKind } from './domain/timers.js'
import type { Outgoing } from './queue/port.js'
import type { TextKey } from './text.js'

/** Usage problems that deserve a word of their own before the usage line. */
const USAGE_HINTS = {
  'bad-code': 'staff.badCode',
  'bad-minutes': 'staff.badMinutes',
  'bad-period': 'staff.badPeriod',
} as const satisfies Partial<Record<UsageProblem, TextKey>>

export type Handler<K extends UpdateKind> = (ctx: Context<UpdateOf<K>>) => Promise<void>
export type TimerHandler<K extends TimerKind> = (ctx: Context<TimerUpdate<K>>) => Promise<void>

/**
 * The one entry point from the transport to the handlers (as Probot's `receive`): it needs no
 * WeChat, so tests call it directly. It tells customers from staff by contact id, parses what staff
 * type, enforces who may run which command (invariant 7), and is the one error boundary.
 */
export class Dispatcher {
  private readonly handlers = new Map<UpdateKind, Handler<UpdateKind>[]>()
  private readonly commands = new Map<CommandName, Handler<'staff-command'>>()
  private readonly timers = new Map<TimerKind, TimerHandler<TimerKind>>()

  constructor(private readonly ports: Ports) {}

  on<K extends UpdateKind>(kind: K, handler: Handler<K>): this {
    const list = this.handlers.get(kind) ?? []
    list.push(handler as unknown as Handler<UpdateKind>)
    this.handlers.set(kind, list)
    return this
  }

  command(name: CommandName, handler: Handler<'staff-command'>): this {
    this.commands.set(name, handler)
    return this
  }

  /** The one handler of a kind of timer. */
  timer<K extends TimerKind>(kind: K, handler: TimerHandler<K>): this {
    this.timers.set(kind, handler as unknown as TimerHandler<TimerKind>)
    return this
  }

  /** One inbound WeChat message, already durable in the ingest queue. */
  async receive(message: InboundMessage): Promise<void> {
    const staff = this.ports.staff.get(message.from.id)
    if (!staff) return this.run(new Context({ kind: 'customer-message', message }, this.ports))
    if (message.kind !== 'text') {
      return this.run(new Context({ kind: 'staff-reply', message, staff, text: '' }, this.ports))
    }
    const input = parseStaffInput(message.text)
    const ctx = (update: Update) => new Context(update, this.ports)
    switch (input.kind) {
      case 'command': {
        const refusal = this.refusal(staff, input.command.name)
        if (refusal) {
          return this.run(ctx({ kind: 'staff-reply', message, staff, text: '' }), (c) =>
            c.reply('denied', refusal),
          )
        }
        return this.run(ctx({ kind: 'staff-command', message, staff, command: input.command }))
      }
      case 'coded-reply':
        return this.run(ctx({ kind: 'staff-reply', message, staff, code: input.code, text: input.text }))
      case 'text':
        return this.run(ctx({ kind: 'staff-reply', message, staff, text: input.text }))
      case 'unknown-command':
        return this.answerStaff(message, staff, [
          this.ports.text.t('staff.unknownCommand', { typed: input.typed }),
          ...(input.suggestion
            ? [this.ports.text.t('staff.didYouMean', { suggestion: `/${input.suggestion}` })]
            : []),
          this.ports.text.t('staff.seeHelp'),
        ])
      case 'bad-usage':
        return this.answerStaff(message, staff, [
          ...(input.problem in USAGE_HINTS
            ? [this.ports.text.t(USAGE_HINTS[input.problem as keyof typeof USAGE_HINTS])]
            : []),
          this.ports.text.t('staff.usage', { usage: this.ports.text.t(`usage.${input.name}`) }),
        ])
    }
  }

  /** A timer is due. Returns a delay when it must be looked at again later. */
  async receiveTimer(timer: Timer): Promise<{ retryInMs: number } | undefined> {
    try {
      await this.run(new Context({ kind: 'timer', timer }, this.ports))
      return undefined
    } catch (error) {
      if (error instanceof RetryLater) return { retryInMs: error.delayMs }
      throw error
    }
  }

  /** The outbox gave up on a message: supervisors hear of it. */
  async receiveSendFailure(failure: { outboxId: string; outgoing: Outgoing; error: string }): Promise<void> {
    await this.run(new Context({ kind: 'send-failed', ...failure }, this.ports))
  }

  async recover(): Promise<void> {
    await this.run(new Context({ kind: 'recovery' }, this.ports))
  }

  private refusal(staff: Staff, name: CommandName): string | undefined {
    const { permission } = COMMANDS[name]
    if (permission === 'oversight' && !oversees(staff)) {
      return this.ports.text.t('staff.oversightOnly', { command: `/${name}` })
    }
    if (permission === 'agent' && !staff.roles.includes('agent')) {
      return this.ports.text.t('staff.agentOnly', { command: `/${name}` })
    }
    if (permission === 'manager' && !staff.roles.includes('manager')) {
      return this.ports.text.t('staff.managerOnly', { command: `/${name}` })
    }
    return undefined
  }

  private answerStaff(message: InboundMessage, staff: Staff, lines: string[]): Promise<void> {
    const ctx = new Context({ kind: 'staff-reply', message, staff, text: '' }, this.ports)
    return this.run(ctx, (c) => c.reply('help', lines.join('\n')))
  }

  /**
   * Runs the handlers of an update. Errors are logged with the update's identity (never its text)
   * and rethrown, so the queue retries the job; staff hear that their command failed.
   */
  private async run(ctx: Context, only?: (ctx: Context) => void | Promise<void>): Promise<void> {
    const update = ctx.update
    const handlers = only
      ? [only]
      : update.kind === 'staff-command'
        ? [this.commandHandler(update.command.name) as (ctx: Context) => Promise<void>]
        : update.kind === 'timer'
          ? [this.timerHandler(update.timer.kind) as (ctx: Context) => Promise<void>]
          : ((this.handlers.get(update.kind) ?? []) as ((ctx: Context) => Promise<void>)[])
    try {
      for (const handler of handlers) await handler(ctx)
      await ctx.commit()
    } catch (error) {
      if (error instanceof RetryLater) throw error
      ctx.log.error({ err: error, update: update.kind, cause: ctx.cause }, 'handler failed')
      if (update.kind === 'staff-command' || update.kind === 'staff-reply') {
        // A fresh unit of work: nothing the failed handler prepared goes out with the apology.
        const apology = new Context(update, this.ports)
        apology.reply('error', apology.t('staff.internalError'))
        await apology.commit().catch(() => undefined)
      }
      throw error
    }
  }

  private commandHandler(name: CommandName): Handler<'staff-command'> {
    const handler = this.commands.get(name)
    if (!handler) throw new Error(`no handler for /${name}`)
    return handler
  }

  private timerHandler(kind: TimerKind): TimerHandler<TimerKind> {
    const handler = this.timers.get(kind)
    if (!handler) throw new Error(`no handler for ${kind} timers`)
    return handler
  }
}
