import type { CommandContext } from '../src/kernel/composer.js'

/**
 * The purpose of the message that carries a login link: a link is a credential, so a failed send of
 * one is reported without its text (handlers/send-failed.ts).
 */
export const LOGIN_LINK_PURPOSE = 'console-link'

/**
 * `/console`: a one-time login link to the web console, sent to the staff member alone. It goes to
 * their own contact id as a 1:1 message, never to a room (a message in a group is never a command
 * anyway: src/kernel/to-update.ts). The link stays out of every log and out of the transcript: only
 * whether one was issued is logged, and a reply to staff is not a transcript entry.
 */
export async function consoleLink(ctx: CommandContext<'console'>): Promise<void> {
  const { staff } = ctx.update
  const links = ctx.io.console
  if (!links) {
    ctx.send('console', staff.id, ctx.t('console.notConfigured'))
    return
  }
  const result = await links.issue(staff.id, ctx.now)
  ctx.log.info({ staff: staff.id, status: result.status }, 'console login link asked for')
  if (result.status === 'rate-limited') {
    const minutes = Math.max(1, Math.ceil(result.retryInMs / 60_000))
    ctx.send('console', staff.id, ctx.t('console.rateLimited', { minutes }))
    return
  }
  ctx.send(
    LOGIN_LINK_PURPOSE,
    staff.id,
    ctx.t('console.link', { url: result.url, until: ctx.services.text.time(result.expiresAt) }),
  )
}
