import { execFile } from 'node:child_process'
import { createServer } from 'node:net'
import { promisify } from 'node:util'
import { Redis } from 'ioredis'
import { RedisServer } from '../faults/redis-server.js'

const run = promisify(execFile)

/**
 * A Redis Cluster of the tests' own: three masters and three replicas, Debian's redis-server on
 * loopback ports, made with `redis-cli --cluster create`. A node that stops answering is taken
 * over by its replica within about a second (`cluster-node-timeout`), not Redis's default 15 s.
 */
export class RedisCluster {
  private constructor(readonly servers: RedisServer[]) {}

  static async start(nodeTimeoutMs = 1000): Promise<RedisCluster> {
    const servers: RedisServer[] = []
    try {
      for (let n = 0; n < 6; n++) {
        servers.push(
          await RedisServer.start(
            [
              '--cluster-enabled',
              'yes',
              '--cluster-config-file',
              'nodes.conf',
              '--cluster-node-timeout',
              String(nodeTimeoutMs),
              // Redis waits 5 s by default before a replica's first sync; a replica never synced
              // takes no master over.
              '--repl-diskless-sync-delay',
              '0',
            ],
            await clusterPort(),
          ),
        )
      }
      const cluster = new RedisCluster(servers)
      await run('redis-cli', [
        '--cluster',
        'create',
        ...servers.map((server) => `127.0.0.1:${server.port}`),
        '--cluster-replicas',
        '1',
        '--cluster-yes',
      ])
      await cluster.healthy()
      await cluster.replicasSynced()
      return cluster
    } catch (error) {
      await Promise.all(servers.map((server) => server.close()))
      throw error
    }
  }

  /** Where the bot discovers the cluster from: any node would do, all are given. */
  get nodes(): { host: string; port: number }[] {
    return this.servers.map((server) => ({ host: '127.0.0.1', port: server.port }))
  }

  /**
   * Waits until every running node says the cluster is ok and no slot is served by a node that is
   * not running: after a kill, until a replica has taken over (the others see the kill only after
   * `cluster-node-timeout`, and say ok until then).
   */
  async healthy(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const running = this.servers.filter((server) => server.running)
      const states = await Promise.all(running.map(clusterState))
      const servedBy = await Promise.all(running.map(mastersServing))
      const gone = servedBy.flat().filter((port) => !running.some((server) => server.port === port))
      if (states.every((state) => state === 'ok') && gone.length === 0) return
      if (Date.now() > deadline) throw new Error(`the test cluster did not become ok: ${states.join(', ')}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }

  /** Waits until every replica's link to its master is up: its first sync is done. */
  private async replicasSynced(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const infos = await Promise.all(
        this.servers.map(async (server) => {
          const probe = probeOf(server)
          try {
            return await probe.info('replication')
          } finally {
            probe.disconnect()
          }
        }),
      )
      const replicas = infos.filter((info) => info.includes('role:slave'))
      if (replicas.length === 3 && replicas.every((info) => info.includes('master_link_status:up'))) return
      if (Date.now() > deadline) throw new Error('the test cluster’s replicas did not sync')
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }

  /** The node that serves a key's slot as master now. */
  async masterOf(key: string): Promise<RedisServer> {
    const probe = probeOf(this.servers.find((server) => server.running) as RedisServer)
    try {
      const slot = (await probe.call('CLUSTER', 'KEYSLOT', key)) as number
      const ranges = (await probe.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][]
      const range = ranges.find(([from, to]) => slot >= from && slot <= to)
      const server = this.servers.find((candidate) => candidate.port === range?.[2][1])
      if (!server) throw new Error(`no master serves slot ${slot}`)
      return server
    } finally {
      probe.disconnect()
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.servers.map((server) => server.close()))
  }
}

function probeOf(server: RedisServer): Redis {
  return new Redis(server.port, '127.0.0.1', { maxRetriesPerRequest: 1, retryStrategy: () => null })
}

/** The ports of the masters a node says serve slots. */
async function mastersServing(server: RedisServer): Promise<number[]> {
  const probe = probeOf(server)
  probe.on('error', () => undefined)
  try {
    const ranges = (await probe.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][]
    return ranges.map(([, , [, port]]) => port)
  } catch {
    return []
  } finally {
    probe.disconnect()
  }
}

async function clusterState(server: RedisServer): Promise<string> {
  const probe = probeOf(server)
  probe.on('error', () => undefined)
  try {
    const info = (await probe.call('CLUSTER', 'INFO')) as string
    return /cluster_state:(\w+)/.exec(info)?.[1] ?? 'unknown'
  } catch (error) {
    return (error as Error).message
  } finally {
    probe.disconnect()
  }
}

/**
 * A free loopback port whose cluster bus port (port + 10000) is free too: the OS's free ports lie
 * above 32768, where the bus port may not exist.
 */
async function clusterPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 10_000)
    if ((await isFree(port)) && (await isFree(port + 10_000))) return port
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.unref()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}
