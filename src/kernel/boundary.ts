import type { Middleware } from './composer.js'
import type { Context } from './context.js'
import type { UnitOfWork } from './unit-of-work.js'
import { isStaffUpdate } from './updates.js'

/**
 * The one error boundary (grammY's `bot.catch`): a handler that throws is logged with the update's
 * kind and cause (never its text), a staff member hears that their message could not be handled, and
 * the error goes on to the queue, which runs the job again. The apology is a fresh unit of work:
 * nothing the failed handler prepared goes out with it.
 */
export function errorBoundary(freshWork: (ctx: Context) => UnitOfWork): Middleware {
  return async (ctx, next) => {
    try {
      await next()
    } catch (error) {
      ctx.log.error({ err: error, update: ctx.update.kind, cause: ctx.cause }, 'handler failed')
      if (isStaffUpdate(ctx.update)) {
        const apology = ctx.fresh(freshWork(ctx))
        apology.reply('error', apology.t('staff.internalError'))
        await apology.work.commit().catch((failure: unknown) => {
          ctx.log.error({ err: failure, cause: ctx.cause }, 'could not tell the staff member either')
        })
      }
      throw error
    }
  }
}
