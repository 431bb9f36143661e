import type { AddressInfo } from 'node:net'
import { ServiceCalendar } from '../domain/calendar.js'
import type { Config } from '../domain/config.js'
import type { TranscriptBatch } from '../domain/transcript.js'
import type { Log } from '../log/log.js'
import { Text } from '../text/text.js'
import { Alerts } from './alerts.js'
import { OpsServer } from './http-server.js'
import { Metrics, type Readings } from './metrics.js'
import { WebhookSender } from './webhook.js'

/** What the composition root lets operations look at. */
export interface OpsProbes extends Omit<Readings, 'redisReady' | 'loggedIn' | 'now'> {
  /** ioredis's connection status (`ready` when commands go through). */
  redisStatus(): string
  pingRedis(): Promise<unknown>
  spoolLimit: number
}

/** Alerts still waiting when the bot stops get this long to go out. */
const STOP_GRACE_MS = 2000
/** The spool drains without telling anyone; a look this often sees it empty again. */
const SPOOL_LOOK_MS = 1000

/**
 * What operators see without WeChat: the alerts (webhook), `/healthz`, `/readyz` and `/metrics`.
 * The composition root tells it what happens (logged out, Redis lost, a write failed…); nothing
 * here blocks the bot or throws into it.
 */
export class Operations {
  private readonly alerts: Alerts
  private readonly sender: WebhookSender | undefined
  private readonly metrics: Metrics
  private readonly server: OpsServer
  private loggedIn = false
  private open = false
  private spoolLook: NodeJS.Timeout | undefined

  constructor(
    private readonly config: Config,
    private readonly probes: OpsProbes,
    log: Log,
    clock: () => number,
  ) {
    const { webhook } = config.alerts
    this.sender = webhook && new WebhookSender(webhook, log)
    this.alerts = new Alerts({
      account: config.account,
      prefix: config.redis.prefix,
      text: new Text(config.locale, config.timeZone),
      log,
      clock,
      ...(webhook && this.sender ? { webhook: { sender: this.sender, format: webhook.format } } : {}),
    })
    this.metrics = new Metrics(
      {
        ...probes,
        redisReady: () => probes.redisStatus() === 'ready',
        loggedIn: () => this.loggedIn,
        now: clock,
      },
      config.sla,
      new ServiceCalendar(config.hours, config.shifts, config.timeZone),
      log,
      {
        replyTimeout: config.groups.replyTimeout,
        ladder: config.groups.ladder,
        serviceTimeOnly: config.sla.serviceTimeOnly,
      },
    )
    this.server = new OpsServer(
      {
        checks: {
          redis: () => this.redisCheck(),
          store: async () =>
            !this.open ? 'not open' : this.alerts.isDown('store') ? 'writes failing' : undefined,
          wechat: async () => (this.loggedIn ? undefined : 'not logged in'),
        },
        metrics: async () => ({
          contentType: this.metrics.registry.contentType,
          body: await this.metrics.registry.metrics(),
        }),
      },
      log,
    )
  }

  /** Redis and the store are open: the HTTP server listens (when a port is set), the spool is watched. */
  async start(): Promise<void> {
    this.open = true
    const { host, port } = this.config.http
    if (port !== undefined) await this.server.listen(host, port)
    this.spoolLook = setInterval(() => this.spoolChanged(), SPOOL_LOOK_MS).unref()
  }

  async stop(): Promise<void> {
    this.open = false
    clearInterval(this.spoolLook)
    await this.server.close()
    await this.sender?.close(STOP_GRACE_MS)
  }

  /** Where `/healthz`, `/readyz` and `/metrics` are served, if they are. */
  address(): AddressInfo | undefined {
    return this.server.address()
  }

  loggedInToWeChat(): void {
    this.loggedIn = true
    this.alerts.cameBack('wechat')
  }

  loggedOutOfWeChat(): void {
    this.loggedIn = false
    this.alerts.wentDown('wechat')
  }

  redisLost(): void {
    this.alerts.wentDown('redis')
  }

  redisBack(): void {
    this.alerts.cameBack('redis')
  }

  storeWritten(): void {
    this.alerts.cameBack('store')
  }

  storeFailed(): void {
    this.alerts.wentDown('store')
  }

  /** A send the outbox gave up on; `to` is a contact id, never a name. */
  sendFailed(failure: { outboxId: string; purpose: string; to: string; staff: boolean }): void {
    this.metrics.sendFailed()
    this.alerts.sendFailed(failure)
  }

  /** A WAIT for replicas (`redis.waitReplicas`) fell short. */
  replicaWaitShort(): void {
    this.metrics.replicaWaitShort()
  }

  /** A queue worker stopped taking due work and was replaced (`src/queue/worker-watchdog.ts`). */
  workerReplaced(queue: string): void {
    this.metrics.workerReplaced(queue)
  }

  recorded(batch: TranscriptBatch): void {
    this.metrics.recorded(batch)
  }

  spoolChanged(): void {
    this.alerts.spool(this.probes.spooled(), this.probes.spoolLimit)
  }

  private async redisCheck(): Promise<string | undefined> {
    const status = this.probes.redisStatus()
    if (status !== 'ready') return `not connected (${status})`
    await this.probes.pingRedis()
    return undefined
  }
}
