/** The session cookie: its name, reading it from a request and the Set-Cookie lines that set and clear it. */
export const SESSION_COOKIE = 'kefu_session'

/** The value of one cookie of a `Cookie` header (RFC 6265: `name=value; name=value`). */
export function cookieOf(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined
  for (const pair of header.split(';')) {
    const at = pair.indexOf('=')
    if (at < 0 || pair.slice(0, at).trim() !== name) continue
    const value = pair.slice(at + 1).trim()
    return value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value
  }
  return undefined
}

/**
 * HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it), for the whole
 * console, ending with the session; Secure when the console is reached over https.
 */
export function sessionCookie(token: string, maxAgeMs: number, secure: boolean): string {
  const attributes = [`${SESSION_COOKIE}=${token}`, 'HttpOnly', 'SameSite=Strict', 'Path=/']
  attributes.push(`Max-Age=${Math.floor(maxAgeMs / 1000)}`)
  if (secure) attributes.push('Secure')
  return attributes.join('; ')
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', 0, secure)
}
