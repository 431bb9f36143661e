import { composeId, timerIdentity } from '../domain/ids.js'
import type { InboundMessage } from '../domain/inbound.js'
import type { Outgoing } from '../domain/outgoing.js'
import type { Timer } from '../domain/timers.js'
import type { Log } from '../log/log.js'
import type { Outbox, Recorder } from '../queue/port.js'
import { errorBoundary } from './boundary.js'
import { commitWork } from './commit.js'
import { compose, type Middleware } from './composer.js'
import { Context, type Io, type Services, type Settings, type TimerOutcome } from './context.js'
import { logUpdates } from './log-updates.js'
import { checkPermission } from './permissions.js'
import { toUpdate } from './to-update.js'
import { UnitOfWork } from './unit-of-work.js'
import type { Update } from './updates.js'

export interface KernelParts {
  io: Io
  /** Where committed work goes; handlers never see these. */
  commit: { outbox: Outbox; recorder: Recorder }
  services: Services
  settings: Settings
  log: Log
  clock: () => number
  /** The handlers, as one middleware (handlers/index.ts). */
  handlers: Middleware
}

/** A message the outbox gave up on after every attempt. */
export interface SendFailure {
  outboxId: string
  purpose: string
  outgoing: Outgoing
  error: string
}

/**
 * The one entry point from any transport to the handlers (Probot's `receive`): it needs no WeChat,
 * no queue and no real time, so tests feed it directly. Every update runs through the same stack:
 * the error boundary, a log line, the commit of its unit of work, the permission check, the handlers.
 */
export class Kernel {
  private readonly run: Middleware

  constructor(private readonly parts: KernelParts) {
    this.run = compose<Context>([
      errorBoundary((ctx) => this.work(ctx.cause)),
      logUpdates,
      commitWork,
      checkPermission,
      parts.handlers,
    ])
  }

  /** One inbound WeChat message, already durable in the ingest queue. */
  receive(message: InboundMessage): Promise<void> {
    return this.handle(toUpdate(message, this.parts.services.staff), message.id).then(() => undefined)
  }

  /** A timer is due; answers `{ retryInMs }` when it must be looked at again later. */
  async receiveTimer(timer: Timer): Promise<TimerOutcome | undefined> {
    const ctx = await this.handle({ kind: 'timer', timer }, timerIdentity(timer))
    return ctx.timerOutcome
  }

  async receiveSendFailure(failure: SendFailure): Promise<void> {
    await this.handle({ kind: 'send-failed', ...failure }, composeId('send-failed', failure.outboxId))
  }

  /** Start-up, or a new staff list: reconcile open work. */
  async recover(): Promise<void> {
    await this.handle({ kind: 'recovery' }, composeId('recovery', this.parts.clock()))
  }

  private async handle(update: Update, cause: string): Promise<Context> {
    const { io, services, settings, log } = this.parts
    const ctx = new Context(update, io, services, settings, log, this.work(cause))
    await this.run(ctx, async () => undefined)
    return ctx
  }

  private work(cause: string): UnitOfWork {
    const { io, commit, settings, clock } = this.parts
    return new UnitOfWork(
      cause,
      clock(),
      { ...commit, state: io.state, timers: io.timers },
      settings.alerts.digestWindow,
    )
  }
}
