import { Socket } from 'node:net'
import { AbstractConnector, type RedisOptions } from 'ioredis'

/**
 * Up to this many commands issued in one turn of the event loop leave in one system call. Holding
 * a whole turn's commands saved more writes but left Redis idle while Node built them, and lost
 * throughput; 4 to 8 did best on 2 cores (bench/README.md).
 */
export const COMMANDS_PER_WRITE = 8

type WriteCallback = (error?: Error | null) => void
/** A socket's own gathered write: one system call for many chunks. */
const writev = Socket.prototype._writev as NonNullable<Socket['_writev']>
interface Chunk {
  chunk: unknown
  encoding: BufferEncoding
}

/**
 * A socket whose writes within one turn of the event loop go out together. Handling messages issues
 * commands from many promise chains at once (sixteen ingest workers, each a chain of commands), and
 * on a small machine each write system call costs about as much as building the command. Unlike
 * ioredis' auto-pipelining nothing waits for the next loop iteration: what is held goes out once
 * the current turn's callbacks have run, or at COMMANDS_PER_WRITE.
 *
 * It implements the stream's own `_write` (a write is taken as soon as it is held, so every write
 * passes here) and sends with `_writev`; `_final` sends what is held before the socket ends.
 */
export class WriteBatchingSocket extends Socket {
  private held: Chunk[] = []

  override _write(chunk: unknown, encoding: BufferEncoding, callback: WriteCallback): void {
    this.held.push({ chunk, encoding })
    if (this.held.length >= COMMANDS_PER_WRITE) this.send()
    else if (this.held.length === 1) process.nextTick(() => this.send())
    callback()
  }

  override _final(callback: WriteCallback): void {
    this.send()
    super._final(callback)
  }

  private send(): void {
    if (this.held.length === 0) return
    const batch = this.held
    this.held = []
    // A failed write fails the connection, which ioredis reconnects, resending unanswered commands.
    writev.call(this, batch, (error?: Error | null) => {
      if (error) this.destroy(error)
    })
  }
}

/**
 * The ioredis connector (its public `Connector` option) that connects through a WriteBatchingSocket.
 * Used for plain TCP connections; TLS and Sentinel connections keep ioredis' own.
 */
export class WriteBatchingConnector extends AbstractConnector {
  private readonly options: RedisOptions

  /** ioredis hands a connector the client's parsed options. */
  constructor(options: unknown) {
    const parsed = options as RedisOptions
    super(parsed.disconnectTimeout ?? 2000)
    this.options = parsed
  }

  connect(): Promise<Socket> {
    this.connecting = true
    const { host = 'localhost', port = 6379, family = 0, path } = this.options
    // In the next tick, as ioredis' own connector does: the caller attaches its listeners first.
    return new Promise((resolve, reject) => {
      process.nextTick(() => {
        if (!this.connecting) return reject(new Error('Connection is closed.'))
        const socket = new WriteBatchingSocket()
        this.stream = socket
        socket.once('error', (error: Error) => {
          this.firstError = error
        })
        if (path) socket.connect({ path })
        else socket.connect({ host, port, family })
        resolve(socket)
      })
    })
  }
}
