import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'

/**
 * A Redis server of the fault suite's own, on a free loopback port with AOF on (as in production),
 * so that it can be restarted and taken away without touching the machine's Redis.
 */
export class RedisServer {
  private process: ChildProcess | undefined
  private readonly dir = mkdtempSync(join(tmpdir(), 'kefu-faults-redis-'))

  private constructor(
    readonly port: number,
    /** Settings after the defaults, which they override (`--appendonly no`). */
    private readonly settings: string[],
  ) {}

  /** `port`: a loopback port known to be free (a cluster node needs its bus port, port + 10000, too). */
  static async start(settings: string[] = [], port?: number): Promise<RedisServer> {
    const server = new RedisServer(port ?? (await freePort()), settings)
    await server.up()
    return server
  }

  /** Up, as far as this process knows: not stopped, killed or closed. */
  get running(): boolean {
    return this.process !== undefined
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`
  }

  async up(): Promise<void> {
    this.process = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'everysec',
        '--save',
        '',
        '--maxmemory-policy',
        'noeviction',
        '--logfile',
        join(this.dir, 'redis.log'),
        ...this.settings,
      ],
      { stdio: 'ignore' },
    )
    await answering(this.port)
  }

  /** A clean shutdown: Redis writes its AOF out first, as a production restart would. */
  async down(): Promise<void> {
    const running = this.process
    if (!running) return
    const exited = new Promise((resolve) => running.once('exit', resolve))
    running.kill('SIGTERM')
    await exited
    this.process = undefined
  }

  /** A crash: no AOF flush, no goodbye to replicas or sentinels. */
  async kill(): Promise<void> {
    const running = this.process
    if (!running) return
    const exited = new Promise((resolve) => running.once('exit', resolve))
    running.kill('SIGKILL')
    await exited
    this.process = undefined
  }

  async restart(downtimeMs = 0): Promise<void> {
    await this.down()
    await new Promise((resolve) => setTimeout(resolve, downtimeMs))
    await this.up()
  }

  async close(): Promise<void> {
    await this.down()
    rmSync(this.dir, { recursive: true, force: true })
  }
}

/** Waits until a Redis server (or sentinel) on this loopback port answers PING. */
export async function answering(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const probe = new Redis(port, '127.0.0.1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    })
    probe.on('error', () => undefined)
    try {
      await probe.connect()
      await probe.ping()
      probe.disconnect()
      return
    } catch {
      probe.disconnect()
      if (Date.now() > deadline) throw new Error(`redis-server did not start on port ${port}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      )
    })
  })
}
