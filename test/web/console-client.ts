import { Redis } from 'ioredis'
import type { Staff } from '../../src/domain/staff.js'
import { keysFor } from '../../src/queue/keys.js'
import { RedisLiveState } from '../../src/state/redis-state.js'
import { ConsoleLinkIssuer, consoleOrigin } from '../../src/web/links.js'
import { Harness, type HarnessOptions } from '../support/harness.js'
import { REDIS_URL } from '../support/redis.js'

/**
 * The real bot with its console on a free port, and `/console`'s links for its staff. The reply
 * timeout is long unless a test says otherwise: the ladder must not move a conversation to another
 * agent in the middle of a test about pages (the harness's 2 seconds would, on a busy machine).
 */
export async function consoleBot(options: HarnessOptions = {}) {
  const h = await new Harness({
    sla: { replyTimeout: '10m' },
    ...options,
    console: { port: 0, ...options.console },
  }).start()
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null })
  const address = h.bot.consoleAddress()
  if (!address) throw new Error('the console did not start')
  const origin = consoleOrigin(h.bot.config.console, address)
  const links = new ConsoleLinkIssuer(
    new RedisLiveState(redis, keysFor(h.prefix)),
    h.bot.config.console,
    () => origin,
  )
  return {
    h,
    origin,
    /** A one-time link for a staff member, as `/console` would send it. */
    async link(staff: Pick<Staff, 'id'>): Promise<string> {
      const issued = await links.issue(staff.id, Date.now())
      if (issued.status !== 'issued') throw new Error(`no link for ${staff.id}: ${issued.status}`)
      return issued.url
    },
    client: () => new ConsoleClient(origin),
    async stop() {
      await h.stop()
      await redis.quit()
    },
  }
}

/** A browser as far as the console can tell: a cookie jar and the forms' fields. */
export class ConsoleClient {
  cookie: string | undefined
  constructor(readonly origin: string) {}

  get(path: string): Promise<Response> {
    return fetch(new URL(path, this.origin), { redirect: 'manual', headers: this.headers() })
  }

  post(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(new URL(path, this.origin), {
      method: 'POST',
      redirect: 'manual',
      headers: { ...this.headers(), ...headers },
      body: new URLSearchParams(form),
    })
  }

  /** Opens the link's page and presses its button, as a person would; the answer to the POST. */
  async login(url: string): Promise<Response> {
    const page = await (await fetch(url, { redirect: 'manual' })).text()
    const response = await this.post('/login', { token: field(page, 'token') })
    const setCookie = response.headers.get('set-cookie')
    if (setCookie) this.cookie = setCookie.split(';')[0]
    return response
  }

  /** The CSRF token the pages' forms carry. */
  async csrf(path = '/conversations/none'): Promise<string> {
    return field(await (await this.get(path)).text(), 'csrf')
  }

  private headers(): Record<string, string> {
    return this.cookie ? { cookie: this.cookie } : {}
  }
}

/** The value of a form's hidden field on a page. */
export function field(page: string, name: string): string {
  const value = new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1]
  if (value === undefined) throw new Error(`no field ${name} on the page:\n${page}`)
  return value
}
