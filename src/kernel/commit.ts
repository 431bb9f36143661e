import type { Middleware } from './composer.js'

/** The end of an update: what its handlers prepared leaves together (see UnitOfWork.commit). */
export const commitWork: Middleware = async (ctx, next) => {
  await next()
  await ctx.work.commit()
}
