import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Log } from '../log/log.js'
import { withTimeout } from '../queue/with-timeout.js'

/** Each check: undefined when it passes, else what fails. */
export type Checks = Record<string, () => Promise<string | undefined>>

export interface Endpoints {
  /** `/readyz`: every check must pass. */
  checks: Checks
  /** `/metrics`: Prometheus text. */
  metrics(): Promise<{ contentType: string; body: string }>
}

/** A check that has not answered by then fails: a probe must never hang. */
const CHECK_TIMEOUT_MS = 2000

/**
 * `/healthz` (the process answers), `/readyz` (200 only when every check passes, else 503 naming
 * those that fail) and `/metrics`; anything else is 404.
 */
export class OpsServer {
  private server: Server | undefined

  constructor(
    private readonly endpoints: Endpoints,
    private readonly log: Log,
  ) {}

  async listen(host: string, port: number): Promise<AddressInfo> {
    const server = createServer((request, response) => {
      this.route(request, response).catch((error: unknown) => {
        this.log.error({ path: request.url, err: (error as Error).message }, 'ops request failed')
        if (!response.headersSent) reply(response, 500, { error: 'internal error' })
        else response.destroy()
      })
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, host, () => {
        server.off('error', reject)
        resolve()
      })
    })
    this.server = server
    const address = server.address() as AddressInfo
    this.log.info({ host: address.address, port: address.port }, 'health and metrics server listening')
    return address
  }

  address(): AddressInfo | undefined {
    return (this.server?.address() as AddressInfo | null) ?? undefined
  }

  async close(): Promise<void> {
    const server = this.server
    if (!server) return
    this.server = undefined
    await new Promise<void>((resolve) => {
      server.close(() => resolve())
      // Keep-alive connections (a scraper's) would hold the close back.
      server.closeAllConnections()
    })
  }

  private async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD')
      return reply(response, 405, { error: 'method not allowed' })
    }
    switch (path) {
      case '/healthz':
        return reply(response, 200, { status: 'ok' })
      case '/readyz': {
        const checks = await runChecks(this.endpoints.checks)
        const ready = Object.values(checks).every((result) => result === 'ok')
        return reply(response, ready ? 200 : 503, { ready, checks })
      }
      case '/metrics': {
        const { contentType, body } = await this.endpoints.metrics()
        response.writeHead(200, { 'content-type': contentType })
        response.end(body)
        return
      }
      default:
        return reply(response, 404, { error: 'not found', path })
    }
  }
}

async function runChecks(checks: Checks): Promise<Record<string, string>> {
  const results = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      const result = await withTimeout(check(), CHECK_TIMEOUT_MS, name).catch(
        (error: unknown) => (error as Error).message,
      )
      return [name, result ?? 'ok'] as const
    }),
  )
  return Object.fromEntries(results)
}

function reply(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
  response.end(JSON.stringify(body))
}
