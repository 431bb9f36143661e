import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/** A secret for a link, a session or a form: 32 random bytes, base64url (safe in URLs and cookies). */
export function newToken(): string {
  return randomBytes(32).toString('base64url')
}

/** What Redis keeps of a token: its SHA-256, so a copy of Redis opens no session. */
export function hashOf(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

/** Compares two secrets in time that does not tell how much of a guess was right. */
export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}
