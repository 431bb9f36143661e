import type { FastifyReply, FastifyRequest } from 'fastify'
import { refuse } from './answers.js'
import { cookieOf, SESSION_COOKIE } from './cookies.js'
import type { ConsoleParts, Viewer } from './parts.js'
import { hashOf, sameSecret } from './tokens.js'

/**
 * Every console route but the login and the assets runs behind this: the session cookie's token,
 * hashed, names a live session, whose staff member is still on the staff list as it stands now (a
 * member removed from it has no session, at once); every POST carries the session's CSRF token.
 */

/** The hash of the request's session token, if it carries one. */
export function sessionHashOf(request: FastifyRequest): string | undefined {
  const token = cookieOf(request.headers.cookie, SESSION_COOKIE)
  return token ? hashOf(token) : undefined
}

/** Who the request's session belongs to, if it has a live one. */
export async function sessionViewer(
  request: FastifyRequest,
  parts: ConsoleParts,
): Promise<Viewer | undefined> {
  const sessionHash = sessionHashOf(request)
  if (!sessionHash) return undefined
  const session = await parts.state.consoleSession(sessionHash, parts.clock())
  const staff = session && parts.staff.get(session.staffId)
  return session && staff ? { staff, csrf: session.csrf } : undefined
}

/** Without a session: 401, a page saying to send /console in WeChat (or JSON for the API). */
export function refuseWithoutSession(
  request: FastifyRequest,
  reply: FastifyReply,
  parts: ConsoleParts,
): FastifyReply {
  return refuse(request, reply, parts, 401, 'web.login.needed')
}

/** The form field or header a state-changing request carries its CSRF token in. */
function csrfOf(request: FastifyRequest): string | undefined {
  const header = request.headers['x-csrf-token']
  if (typeof header === 'string') return header
  const body = request.body
  if (body && typeof body === 'object' && 'csrf' in body && typeof body.csrf === 'string') return body.csrf
  return undefined
}

export function sessionGuard(parts: ConsoleParts) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const viewer = await sessionViewer(request, parts)
    if (!viewer) return refuseWithoutSession(request, reply, parts)
    request.viewer = viewer
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      const csrf = csrfOf(request)
      if (!csrf || !sameSecret(csrf, viewer.csrf))
        return refuse(request, reply, parts, 403, 'web.refused.csrf')
    }
    return undefined
  }
}
