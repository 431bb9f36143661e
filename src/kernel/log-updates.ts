import type { Middleware } from './composer.js'

/** One debug line per update: its kind, its cause and how long it took (never a text or a name). */
export const logUpdates: Middleware = async (ctx, next) => {
  const started = Date.now()
  await next()
  ctx.log.debug({ update: ctx.update.kind, cause: ctx.cause, ms: Date.now() - started }, 'update handled')
}
