import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { answering, freePort, type RedisServer } from '../faults/redis-server.js'
import type { LaggingLink } from './lagging-link.js'
import { startReplicatedPair } from './replicated-pair.js'

/**
 * `failover-timeout` of a group with a lagging link: longer than a run, so the replica keeps
 * replicating through the link. A failover that fails is retried only after twice this.
 */
const LAGGED_FAILOVER_TIMEOUT_MS = 60_000

/** The master group the test sentinels watch. */
export const MASTER_NAME = 'kefu-test'

/**
 * A Sentinel group of the tests' own: a master, a replica and three sentinels (quorum 2), Debian's
 * redis-server on loopback ports. A master that stops answering for a second is failed over.
 * `replicationLagMs` puts a link with that latency between the replica and the master.
 */
export class RedisSentinelGroup {
  private constructor(
    readonly master: RedisServer,
    readonly replica: RedisServer,
    private readonly sentinels: { port: number; process: ChildProcess; dir: string }[],
    private readonly link: LaggingLink | undefined,
  ) {}

  static async start(downAfterMs = 1000, replicationLagMs = 0): Promise<RedisSentinelGroup> {
    const pair = await startReplicatedPair(replicationLagMs)
    const { master, replica, link } = pair
    const sentinels: { port: number; process: ChildProcess; dir: string }[] = []
    try {
      // A sentinel rewires a replica that replicates from another address than the master's, once
      // `failover-timeout` has passed since it last changed: through the link, the lag lasted 10 s.
      const failoverTimeoutMs = link ? LAGGED_FAILOVER_TIMEOUT_MS : 5000
      for (let n = 0; n < 3; n++)
        sentinels.push(await startSentinel(master.port, downAfterMs, failoverTimeoutMs))
      const group = new RedisSentinelGroup(master, replica, sentinels, link)
      await group.replicating()
      return group
    } catch (error) {
      for (const sentinel of sentinels) stopSentinel(sentinel)
      await pair.close()
      throw error
    }
  }

  get sentinelEndpoints(): { host: string; port: number }[] {
    return this.sentinels.map(({ port }) => ({ host: '127.0.0.1', port }))
  }

  /** The port of the master the sentinels name now. */
  async masterPort(): Promise<number> {
    const probe = new Redis(this.sentinels[0]?.port ?? 0, '127.0.0.1', { maxRetriesPerRequest: 1 })
    try {
      const [, port] = (await probe.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME)) as string[]
      return Number(port)
    } finally {
      probe.disconnect()
    }
  }

  /** Waits until the replica has synced and every sentinel knows it and its fellow sentinels. */
  private async replicating(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const replica = new Redis(this.replica.port, '127.0.0.1', { maxRetriesPerRequest: 1 })
      const synced = (await replica.info('replication').finally(() => replica.disconnect())).includes(
        'master_link_status:up',
      )
      const ready = await Promise.all(
        this.sentinels.map(async ({ port }) => {
          const probe = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 1 })
          try {
            const [fields] = (await probe.call('SENTINEL', 'MASTERS')) as string[][]
            const info = new Map<string, string>()
            for (let i = 0; i + 1 < (fields?.length ?? 0); i += 2)
              info.set(fields?.[i] ?? '', fields?.[i + 1] ?? '')
            return info.get('num-slaves') === '1' && info.get('num-other-sentinels') === '2'
          } finally {
            probe.disconnect()
          }
        }),
      )
      if (synced && ready.every(Boolean)) return
      if (Date.now() > deadline) throw new Error('the test sentinels did not see the replica and each other')
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }

  /**
   * SIGKILLs the master the sentinels name now, and measures what the kill caught: the bytes of
   * replication stream the master had written and the replica never got (at least: the master's
   * offset is read just before the kill). 0 means nothing was on its way. `inFlight` waits (up to
   * 10 s) for a moment when the replica trails, the worst moment to lose a master.
   */
  async killMaster(inFlight = false): Promise<{ former: number; bytesTakenBack: number }> {
    const former = await this.masterPort()
    const [master, replica] =
      former === this.master.port ? [this.master, this.replica] : [this.replica, this.master]
    let written = await replicationOffset(master.port, 'master_repl_offset')
    const deadline = Date.now() + 10_000
    while (
      inFlight &&
      Date.now() < deadline &&
      written <= (await replicationOffset(replica.port, 'slave_repl_offset'))
    ) {
      await new Promise((resolve) => setTimeout(resolve, 5))
      written = await replicationOffset(master.port, 'master_repl_offset')
    }
    await master.kill()
    const received = await replicationOffset(replica.port, 'slave_repl_offset')
    return { former, bytesTakenBack: Math.max(0, written - received) }
  }

  /** Waits until the sentinels name another master than `formerPort`, and it answers. */
  async failedOver(formerPort: number, timeoutMs = 30_000): Promise<number> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const port = await this.masterPort()
      if (port !== formerPort) {
        await answering(port)
        return port
      }
      if (Date.now() > deadline) throw new Error('the sentinels promoted no replica')
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }

  async close(): Promise<void> {
    for (const sentinel of this.sentinels) stopSentinel(sentinel)
    await Promise.all([this.master.close(), this.replica.close(), this.link?.close()])
  }
}

/** A field of a server's `INFO replication`, as a number. */
async function replicationOffset(port: number, field: string): Promise<number> {
  const probe = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 1 })
  try {
    const info = await probe.info('replication')
    return Number(new RegExp(`^${field}:(\\d+)`, 'm').exec(info)?.[1] ?? 0)
  } finally {
    probe.disconnect()
  }
}

async function startSentinel(masterPort: number, downAfterMs: number, failoverTimeoutMs: number) {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'kefu-sentinel-'))
  // A sentinel rewrites its file as it learns the group, so each has its own.
  const file = join(dir, 'sentinel.conf')
  writeFileSync(
    file,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `logfile ${join(dir, 'sentinel.log')}`,
      `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${masterPort} 2`,
      `sentinel down-after-milliseconds ${MASTER_NAME} ${downAfterMs}`,
      `sentinel failover-timeout ${MASTER_NAME} ${failoverTimeoutMs}`,
      `sentinel parallel-syncs ${MASTER_NAME} 1`,
      '',
    ].join('\n'),
  )
  const process = spawn('redis-server', [file, '--sentinel'], { stdio: 'ignore' })
  await answering(port)
  return { port, process, dir }
}

function stopSentinel(sentinel: { process: ChildProcess; dir: string }): void {
  sentinel.process.kill('SIGKILL')
  rmSync(sentinel.dir, { recursive: true, force: true })
}
