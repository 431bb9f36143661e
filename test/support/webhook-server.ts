import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Posted {
  headers: IncomingHttpHeaders
  raw: string
  body: Record<string, unknown>
}

/**
 * A webhook receiver on a loopback port of its own: it keeps what was posted and answers as told —
 * `ok`, failing the next few posts with 500 (`refuse`), or never answering (`hang`).
 */
export class WebhookServer {
  readonly posted: Posted[] = []
  /** Every request, answered or not. */
  attempts = 0
  mode: 'ok' | 'hang' = 'ok'
  private refusals = 0

  private constructor(private readonly server: Server) {}

  static async start(): Promise<WebhookServer> {
    let hook: WebhookServer | undefined
    const server = createServer((request, response) => {
      const chunks: Buffer[] = []
      request.on('data', (chunk: Buffer) => chunks.push(chunk))
      request.on('end', () => hook?.hear(request.headers, Buffer.concat(chunks).toString('utf8'), response))
    })
    hook = new WebhookServer(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return hook
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`
  }

  /** The next `count` posts get a 500. */
  refuse(count: number): void {
    this.refusals = count
  }

  kinds(): string[] {
    return this.posted.map((post) => String(post.body.kind))
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve())
      this.server.closeAllConnections()
    })
  }

  private hear(headers: IncomingHttpHeaders, raw: string, response: ServerResponse): void {
    this.attempts++
    if (this.mode === 'hang') return
    if (this.refusals > 0) {
      this.refusals--
      response.writeHead(500).end('try later')
      return
    }
    this.posted.push({ headers, raw, body: JSON.parse(raw) as Record<string, unknown> })
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}')
  }
}
