import type { AddressInfo } from 'node:net'
import type { Config } from '../domain/config.js'
import type { LiveState } from '../state/port.js'
import type { ConsoleLinkResult, ConsoleLinks } from './port.js'
import { hashOf, newToken } from './tokens.js'

/** `/console`'s one-time links: the token goes to the staff member, only its hash to Redis. */
export class ConsoleLinkIssuer implements ConsoleLinks {
  constructor(
    private readonly state: Pick<LiveState, 'issueConsoleLink'>,
    private readonly settings: Config['console'],
    /** Where browsers reach the console, e.g. `http://127.0.0.1:8080`, once it listens. */
    private readonly origin: () => string,
  ) {}

  async issue(staffId: string, at: number): Promise<ConsoleLinkResult> {
    const token = newToken()
    const result = await this.state.issueConsoleLink({
      linkHash: hashOf(token),
      staffId,
      at,
      ttlMs: this.settings.linkTtl,
      rate: this.settings.linkRate,
    })
    if (result.status === 'rate-limited') return result
    return { status: 'issued', url: `${this.origin()}/login/${token}`, expiresAt: result.expiresAt }
  }
}

/** The console's origin: `publicUrl` when set (behind a proxy), else the address it listens on. */
export function consoleOrigin(
  settings: Config['console'],
  address: Pick<AddressInfo, 'address' | 'port'> | undefined,
): string {
  if (settings.publicUrl) return new URL(settings.publicUrl).origin
  if (!address) throw new Error('the web console is not listening: no login link can point to it')
  const host = address.address.includes(':') ? `[${address.address}]` : address.address
  return `http://${host}:${address.port}`
}
