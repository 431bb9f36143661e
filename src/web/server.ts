import type { AddressInfo } from 'node:net'
import formbody from '@fastify/formbody'
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify'
import { refuse } from './answers.js'
import { assetRoutes } from './assets.js'
import { loginRoutes, logoutRoutes } from './login.js'
import type { ConsoleParts } from './parts.js'
import type { ConsoleRoutes } from './routes/route.js'
import { refuseWithoutSession, sessionGuard, sessionViewer } from './session-guard.js'

/**
 * What every answer carries: scripts, styles and connections from the console itself only (no
 * inline script, no CDN), never framed, forms posting only to it; no sniffing; no Referer, so no
 * address leaves; nothing cached (pages and JSON show customers' data).
 */
const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  // Not `no-referrer`: Chromium then sends `Origin: null` with the console's own forms, which the
  // same-origin check must refuse. `same-origin` still tells no other site where a link came from.
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
}
/** Forms and commands are small; anything bigger is no request of the console's. */
const BODY_LIMIT = 64 * 1024

/**
 * The web console (docs/console.md): login, logout and assets in the open; every other route behind
 * the session guard. Each request is logged by its route pattern, never its address, which may hold
 * a login token.
 */
export class ConsoleServer {
  private readonly app: FastifyInstance

  constructor(
    private readonly parts: ConsoleParts,
    routes: readonly ConsoleRoutes[],
  ) {
    // Open event streams (the board's) would hold a close back: every connection ends with it.
    const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT, forceCloseConnections: true })
    this.app = app
    app.register(formbody)
    // Declared up front, so every request has the same shape (Fastify's advice for decorations).
    app.decorateRequest('viewer', undefined)
    app.addHook('onRequest', async (_request, reply) => {
      // On the raw response, so answers written past Fastify (the board's event stream) have them too.
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.raw.setHeader(name, value)
    })
    app.addHook('preHandler', async (request, reply) => {
      if (request.method !== 'GET' && request.method !== 'HEAD' && !this.sameOrigin(request))
        return refuse(request, reply, parts, 403, 'web.refused.csrf')
      return undefined
    })
    app.addHook('onResponse', async (request, reply) => {
      parts.log.info(
        {
          method: request.method,
          route: request.routeOptions.url ?? '(no route)',
          status: reply.statusCode,
          staff: request.viewer?.staff.id,
          ms: Math.round(reply.elapsedTime),
        },
        'console request',
      )
    })
    app.setErrorHandler(async (error: Error & { statusCode?: number }, request, reply) => {
      const status = error.statusCode ?? 500
      if (status < 500)
        return refuse(request, reply, parts, status, 'web.refused.badRequest', { problem: error.message })
      parts.log.error(
        { method: request.method, route: request.routeOptions.url ?? '(no route)', err: error.message },
        'console request failed',
      )
      return refuse(request, reply, parts, 500, 'web.refused.error')
    })
    // An unknown address tells nobody without a session that it does not exist.
    app.setNotFoundHandler(async (request, reply) => {
      request.viewer = await sessionViewer(request, parts)
      if (!request.viewer) return refuseWithoutSession(request, reply, parts)
      return refuse(request, reply, parts, 404, 'web.refused.notFound')
    })
    assetRoutes(app)
    loginRoutes(app, parts)
    app.register(async (guarded) => {
      guarded.addHook('preHandler', sessionGuard(parts))
      for (const register of [logoutRoutes, ...routes]) register(guarded, parts)
    })
  }

  async listen(host: string, port: number): Promise<AddressInfo> {
    await this.app.listen({ host, port })
    const address = this.address()
    if (!address) throw new Error(`the web console did not start listening on ${host}:${port}`)
    this.parts.log.info({ host: address.address, port: address.port }, 'web console listening')
    return address
  }

  address(): AddressInfo | undefined {
    return this.app.server.listening ? (this.app.server.address() as AddressInfo) : undefined
  }

  async close(): Promise<void> {
    await this.app.close()
  }

  /**
   * A state change must come from the console's own pages: an `Origin` (browsers send it with every
   * POST) names the console, by the address the browser used or by `publicUrl`; a browser that says
   * the request is cross-site is refused even without one.
   */
  private sameOrigin(request: FastifyRequest): boolean {
    if (request.headers['sec-fetch-site'] === 'cross-site') return false
    const origin = request.headers.origin
    if (origin === undefined) return true
    const own = [`${request.protocol}://${request.host}`]
    const { publicUrl } = this.parts.config.console
    if (publicUrl) own.push(new URL(publicUrl).origin)
    return own.includes(origin)
  }
}
