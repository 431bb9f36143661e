import { createConnection, createServer, type Server, type Socket } from 'node:net'
import { freePort } from '../faults/redis-server.js'

/**
 * A replication link with a latency, between a replica and its master on loopback: a TCP relay that
 * passes each chunk on `delayMs` after it arrived, both ways, as a link between two zones would.
 * On loopback a replica trails its master by microseconds, and a kill never catches a write on the
 * way; over this link it trails by `delayMs`. When one side dies, what is still on the way is
 * dropped, as a dead master's last writes never reach its replica. `silence()` makes it a pulled
 * cable: the connections stay open and nothing passes any more, on them or on new ones.
 */
export class LaggingLink {
  private constructor(
    readonly port: number,
    private readonly server: Server,
    private readonly sockets: Set<Socket>,
    private readonly state: LinkState,
  ) {}

  static async start(targetPort: number, delayMs: number): Promise<LaggingLink> {
    const port = await freePort()
    const sockets = new Set<Socket>()
    const state: LinkState = { silent: false }
    const server = createServer((inbound) => {
      const outbound = createConnection(targetPort, '127.0.0.1')
      for (const socket of [inbound, outbound]) {
        sockets.add(socket)
        socket.on('close', () => sockets.delete(socket))
      }
      relay(inbound, outbound, delayMs, state)
      relay(outbound, inbound, delayMs, state)
    })
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
    return new LaggingLink(port, server, sockets, state)
  }

  silence(): void {
    this.state.silent = true
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy()
    await new Promise((resolve) => this.server.close(resolve))
  }
}

interface LinkState {
  silent: boolean
}

function relay(from: Socket, to: Socket, delayMs: number, state: LinkState): void {
  const pending = new Set<NodeJS.Timeout>()
  from.on('data', (chunk) => {
    if (state.silent) return
    const timer = setTimeout(() => {
      pending.delete(timer)
      if (!to.destroyed && !state.silent) to.write(chunk)
    }, delayMs)
    pending.add(timer)
  })
  const cut = () => {
    for (const timer of pending) clearTimeout(timer)
    pending.clear()
    from.destroy()
    to.destroy()
  }
  from.on('close', cut)
  from.on('error', cut)
}
