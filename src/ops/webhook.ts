import type { Log } from '../log/log.js'
import type { Alert } from './alert-kinds.js'

export interface WebhookTarget {
  url: string
  timeoutMs: number
  headers: Record<string, string>
}

export interface DeliveryPolicy {
  /** Alerts waiting at most; past it the oldest is dropped (and logged): memory stays bounded. */
  queueLimit: number
  attempts: number
  /** The wait before the second attempt; it doubles with each one after, up to `maxBackoffMs`. */
  backoffMs: number
  maxBackoffMs: number
}

export const DELIVERY: DeliveryPolicy = {
  queueLimit: 100,
  attempts: 6,
  backoffMs: 1000,
  maxBackoffMs: 30_000,
}

/**
 * Posts alerts to the webhook one after another, in the order they happened, off the bot's path:
 * `post` returns at once, and nothing here throws into the bot. Each attempt has a timeout; a failed
 * one is retried with backoff; an alert that fails every attempt is given up with a log line.
 */
export class WebhookSender {
  private readonly waiting: { alert: Alert; body: string }[] = []
  private sending: Promise<void> | undefined
  private closed = false
  /** Aborts the attempt in flight and cuts a backoff short, when the bot stops. */
  private readonly stopping = new AbortController()

  constructor(
    private readonly target: WebhookTarget,
    private readonly log: Log,
    private readonly policy: DeliveryPolicy = DELIVERY,
  ) {}

  post(alert: Alert, body: string): void {
    if (this.closed) return
    if (this.waiting.length >= this.policy.queueLimit) {
      const dropped = this.waiting.shift()
      this.log.error(
        { kind: dropped?.alert.kind, at: dropped?.alert.at, waiting: this.waiting.length },
        'alert dropped: too many alerts wait for the webhook',
      )
    }
    this.waiting.push({ alert, body })
    this.sending ??= this.sendAll().finally(() => {
      this.sending = undefined
    })
  }

  /** Gives alerts still waiting up to `graceMs` to go out, then drops them. */
  async close(graceMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs)
    })
    await Promise.race([this.sending, grace])
    clearTimeout(timer)
    this.closed = true
    this.stopping.abort()
    await this.sending
    if (this.waiting.length)
      this.log.warn({ dropped: this.waiting.length }, 'alerts not posted to the webhook: the bot stopped')
  }

  private async sendAll(): Promise<void> {
    for (let next = this.waiting[0]; next && !this.closed; next = this.waiting[0]) {
      await this.deliver(next.alert, next.body)
      if (this.waiting[0] === next) this.waiting.shift()
    }
  }

  private async deliver(alert: Alert, body: string): Promise<void> {
    const { attempts, backoffMs, maxBackoffMs } = this.policy
    for (let attempt = 1; ; attempt++) {
      try {
        await this.attempt(body)
        this.log.debug({ kind: alert.kind, attempt }, 'alert posted to the webhook')
        return
      } catch (error) {
        if (this.closed) return
        if (attempt >= attempts) {
          this.log.error(
            { kind: alert.kind, at: alert.at, attempts, err: (error as Error).message },
            'alert given up: the webhook did not take it',
          )
          return
        }
        await this.pause(Math.min(backoffMs * 2 ** (attempt - 1), maxBackoffMs))
      }
    }
  }

  private async attempt(body: string): Promise<void> {
    const { url, timeoutMs, headers } = this.target
    const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), this.stopping.signal])
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      signal,
    })
    const answer = await response.text()
    if (!response.ok) throw new Error(`HTTP ${response.status}`)
    // A WeCom robot answers 200 with a non-zero errcode when it refuses a message.
    const errcode = parseErrcode(answer)
    if (errcode) throw new Error(`errcode ${errcode}`)
  }

  private pause(ms: number): Promise<void> {
    const signal = this.stopping.signal
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        signal.removeEventListener('abort', done)
        resolve()
      }
      const timer = setTimeout(done, ms)
      signal.addEventListener('abort', done)
    })
  }
}

function parseErrcode(answer: string): number | undefined {
  try {
    const parsed: unknown = JSON.parse(answer)
    const errcode = (parsed as { errcode?: unknown } | null)?.errcode
    return typeof errcode === 'number' ? errcode : undefined
  } catch {
    return undefined
  }
}
