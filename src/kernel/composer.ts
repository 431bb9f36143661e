import type { CommandName } from '../domain/commands.js'
import type { TimerKind } from '../domain/timers.js'
import type { Context, TimerOutcome } from './context.js'
import type { CommandUpdate, TimerUpdate, Update, UpdateKind, UpdateOf } from './updates.js'

export type Next = () => Promise<void>
/** One step of handling an update: do something, and call `next` to let the steps after it run. */
export type Middleware<C extends Context = Context> = (ctx: C, next: Next) => Promise<void> | void

export type CommandContext<N extends CommandName> = Context<CommandUpdate<N>>
export type CommandHandler<N extends CommandName> = (ctx: CommandContext<N>) => Promise<void>
/** Every command has its handler: a command added to the grammar without one does not compile. */
export type CommandTable = { [N in CommandName]: CommandHandler<N> }

export type TimerContext<K extends TimerKind> = Context<TimerUpdate<K>>
/** A timer handler may answer `{ retryInMs }` to be looked at again later, instead of throwing. */
export type TimerHandler<K extends TimerKind> = (
  ctx: TimerContext<K>,
) => Promise<void> | Promise<TimerOutcome | undefined>
export type TimerTable = { [K in TimerKind]: TimerHandler<K> }

/** Runs middleware in order, each deciding whether the rest runs (grammY's model). */
export function compose<C extends Context>(stack: readonly Middleware<C>[]): Middleware<C> {
  return (ctx, last) => {
    let called = -1
    const run = async (index: number): Promise<void> => {
      if (index <= called) throw new Error('next() called more than once by one middleware')
      called = index
      const step = stack[index]
      if (step) await step(ctx, () => run(index + 1))
      else await last()
    }
    return run(0)
  }
}

/**
 * A stack of middleware, and sugar for the common cases: `on(kind)` for one kind of update,
 * `command(name)` for one staff command, `timer(kind)` for one kind of timer, `filter` for any
 * condition. Each is `use` with a check in front; a composer is itself middleware.
 */
export class Composer<C extends Context = Context> {
  private readonly stack: Middleware<C>[] = []

  use(...middleware: Middleware<C>[]): this {
    this.stack.push(...middleware)
    return this
  }

  /** Runs `middleware` when `predicate` holds; otherwise goes on to what follows. */
  filter<D extends C>(predicate: (ctx: C) => ctx is D, ...middleware: Middleware<D>[]): this
  filter(predicate: (ctx: C) => boolean, ...middleware: Middleware<C>[]): this
  filter(predicate: (ctx: C) => boolean, ...middleware: Middleware<C>[]): this {
    const inner = compose(middleware)
    return this.use((ctx, next) => (predicate(ctx) ? inner(ctx, next) : next()))
  }

  on<K extends UpdateKind>(kind: K, ...middleware: Middleware<Context<UpdateOf<K>>>[]): this {
    return this.filter(
      (ctx): ctx is C & Context<UpdateOf<K>> => ctx.update.kind === kind,
      ...(middleware as Middleware<C & Context<UpdateOf<K>>>[]),
    )
  }

  command<N extends CommandName>(name: N, handler: CommandHandler<N>): this {
    return this.filter(
      (ctx): ctx is C & CommandContext<N> =>
        (ctx.update.kind === 'staff-command' || ctx.update.kind === 'open-command') &&
        ctx.update.command.name === name,
      (ctx) => handler(ctx),
    )
  }

  /** Every command, from a table that must name a handler for each. */
  commands(table: CommandTable): this {
    for (const name of Object.keys(table) as CommandName[]) {
      this.command(name, table[name] as CommandHandler<typeof name>)
    }
    return this
  }

  timer<K extends TimerKind>(kind: K, handler: TimerHandler<K>): this {
    return this.filter(
      (ctx): ctx is C & TimerContext<K> => ctx.update.kind === 'timer' && ctx.update.timer.kind === kind,
      async (ctx) => {
        const outcome = await handler(ctx)
        if (outcome) ctx.timerOutcome = outcome
      },
    )
  }

  /** Every kind of timer, from a table that must name a handler for each. */
  timers(table: TimerTable): this {
    for (const kind of Object.keys(table) as TimerKind[]) {
      this.timer(kind, table[kind] as TimerHandler<typeof kind>)
    }
    return this
  }

  middleware(): Middleware<C> {
    return compose(this.stack)
  }
}

/** Narrows a context to one kind of update. */
export function isUpdate<K extends UpdateKind>(ctx: Context, kind: K): ctx is Context<UpdateOf<K>> {
  return (ctx.update as Update).kind === kind
}
