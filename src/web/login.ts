import type { FastifyInstance, FastifyRequest } from 'fastify'
import { refuse, sendPage } from './answers.js'
import { clearedSessionCookie, sessionCookie } from './cookies.js'
import { html } from './html.js'
import { page } from './layout.js'
import { LoginLimit } from './login-limit.js'
import type { ConsoleParts } from './parts.js'
import { type ConsoleRoutes, viewerOf } from './routes/route.js'
import { sessionHashOf } from './session-guard.js'
import { hashOf, newToken } from './tokens.js'

/** Failed logins one client address may have in a minute before every login from it is refused. */
const FAILED_LOGINS_PER_MINUTE = 20
/** What newToken makes: 32 bytes in base64url. Anything else is no link of ours. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/

function tokenOf(request: FastifyRequest): string | undefined {
  const body = request.body
  if (body && typeof body === 'object' && 'token' in body && typeof body.token === 'string') return body.token
  return undefined
}

/**
 * Login by the one-time link `/console` sends: GET shows a page with a button, so that WeChat's
 * link preview, which fetches the link, cannot use it up; the button's POST uses the link and opens
 * the session. Neither answer keeps the token in the address bar: after login the browser is on `/`.
 */
export function loginRoutes(app: FastifyInstance, parts: ConsoleParts): void {
  const { text } = parts
  const secure = secureCookies(parts)
  const limit = new LoginLimit(FAILED_LOGINS_PER_MINUTE, 60_000)

  app.get('/login', async (_request, reply) =>
    sendPage(
      reply,
      200,
      page(parts, undefined, {
        title: text.t('web.login.title'),
        body: html`<p>${text.t('web.login.needed')}</p>`,
      }),
    ),
  )

  app.get<{ Params: { token: string } }>('/login/:token', async (request, reply) => {
    const { token } = request.params
    if (!TOKEN.test(token)) return refuse(request, reply, parts, 401, 'web.login.refused')
    const minutes = Math.round(parts.config.console.linkTtl / 60_000)
    const body = html`<p>${text.t('web.login.confirm', { minutes })}</p>
<form data-login method="post" action="/login">
<input type="hidden" name="token" value="${token}">
<button type="submit">${text.t('web.login.button')}</button>
</form>`
    return sendPage(reply, 200, page(parts, undefined, { title: text.t('web.login.title'), body }))
  })

  app.post('/login', async (request, reply) => {
    const at = parts.clock()
    if (limit.blocked(request.ip, at)) return refuse(request, reply, parts, 429, 'web.login.tooMany')
    const token = tokenOf(request)
    const sessionToken = newToken()
    const opened =
      token && TOKEN.test(token)
        ? await parts.state.openConsoleSession({
            linkHash: hashOf(token),
            sessionHash: hashOf(sessionToken),
            csrf: newToken(),
            at,
            ttlMs: parts.config.console.sessionTtl,
          })
        : { status: 'refused' as const }
    // A link issued before its staff member left the list opens nothing.
    if (opened.status === 'opened' && !parts.staff.get(opened.staffId))
      await parts.state.endConsoleSession(hashOf(sessionToken))
    if (opened.status !== 'opened' || !parts.staff.get(opened.staffId)) {
      limit.failed(request.ip, at)
      return refuse(request, reply, parts, 401, 'web.login.refused')
    }
    parts.log.info({ staff: opened.staffId }, 'console session opened')
    return reply
      .header('set-cookie', sessionCookie(sessionToken, opened.expiresAt - at, secure))
      .redirect('/', 303)
  })
}

/** Logout, behind the session guard like every state change (so it carries the CSRF token too). */
export const logoutRoutes: ConsoleRoutes = (app, parts) => {
  app.post('/logout', async (request, reply) => {
    const sessionHash = sessionHashOf(request)
    if (sessionHash) await parts.state.endConsoleSession(sessionHash)
    parts.log.info({ staff: viewerOf(request).staff.id }, 'console session ended')
    return reply.header('set-cookie', clearedSessionCookie(secureCookies(parts))).redirect('/login', 303)
  })
}

/** Cookies that browsers send over https only, when the console is reached over https. */
function secureCookies(parts: ConsoleParts): boolean {
  return parts.config.console.publicUrl?.startsWith('https:') ?? false
}
