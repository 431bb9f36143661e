import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ConsoleParts, Viewer } from '../parts.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the session guard (src/web/session-guard.ts) on every request it lets through. */
    viewer?: Viewer
  }
}

/**
 * One page's routes, registered inside the session guard's scope: every request they see has a
 * viewer. Each page is one file in this folder (board, conversation, search, reports).
 */
export type ConsoleRoutes = (app: FastifyInstance, parts: ConsoleParts) => void

/** The request's viewer; a route reached without one is a wiring mistake, not a user's. */
export function viewerOf(request: FastifyRequest): Viewer {
  if (!request.viewer) throw new Error(`no session guard in front of ${request.routeOptions.url}`)
  return request.viewer
}
