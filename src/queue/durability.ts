import { Cluster, type Redis } from 'ioredis'
import type { RedisConnection } from './connection.js'
import { type Node, openBriefly, sentinelReplicas } from './sentinel-replicas.js'

/**
 * Whether this Redis keeps what the bot gives it. Queued messages, timers and live state exist only
 * in Redis: without AOF a Redis restart loses everything since the last snapshot, and an eviction
 * policy other than `noeviction` lets Redis drop queue keys silently when memory runs short. Start-up
 * logs each finding; a `doctor` can fail on them.
 */

export interface DurabilityFinding {
  /**
   * The Redis setting (`appendonly`, `maxmemory-policy`), `CONFIG` when none could be read, or
   * `replica` when a Sentinel master's replicas could not be listed or one could not be reached.
   */
  field: string
  value: string
  expected: string
  why: string
}

export interface Durability {
  /** Nothing found wrong, and nothing left unchecked. */
  ok: boolean
  findings: DurabilityFinding[]
}

const EXPECTED: readonly Omit<DurabilityFinding, 'value'>[] = [
  {
    field: 'appendonly',
    expected: 'yes',
    why: 'without the append-only file a restart of Redis loses the queued messages and timers written since its last snapshot',
  },
  {
    field: 'maxmemory-policy',
    expected: 'noeviction',
    why: 'Redis may silently evict queue and conversation keys when it runs out of memory',
  },
]

/**
 * Every server is checked, as a replica takes over its master's keys in a failover: in a Cluster
 * each node, masters and replicas; behind Sentinel the master and each replica its sentinels list,
 * reached with the connection's own password and TLS. A finding then names its node.
 */
export async function checkDurability(redis: RedisConnection): Promise<Durability> {
  const servers = await serversOf(redis)
  const results = await Promise.all(servers.map((server) => server.check()))
  const findings = results.flatMap((found, index) => {
    const node = servers[index]?.node
    return servers.length > 1
      ? found.map((finding) => ({ ...finding, value: `${finding.value} on ${node}` }))
      : found
  })
  return { ok: findings.length === 0, findings }
}

interface Server {
  node: string
  check(): Promise<DurabilityFinding[]>
}

const UNCHECKED_REPLICA = {
  field: 'replica',
  why: 'a replica becomes the master in a failover, and this one could not be checked for the append-only file and noeviction',
}

async function serversOf(redis: RedisConnection): Promise<Server[]> {
  const at = (server: Redis, node = address(server.options)) => ({ node, check: () => checkServer(server) })
  if (redis instanceof Cluster) return redis.nodes('all').map((node) => at(node))
  if (!redis.options.sentinels) return [at(redis)]
  // The options name no master behind Sentinel: the socket says which one answered.
  const master = at(redis, `${redis.stream.remoteAddress}:${redis.stream.remotePort}`)
  try {
    const replicas = await sentinelReplicas(redis)
    return [
      master,
      ...replicas.map((replica) => ({ node: address(replica), check: () => checkReplica(redis, replica) })),
    ]
  } catch (error) {
    const value = `not listed by any sentinel (${(error as Error).message})`
    return [
      master,
      { node: 'the replicas', check: async () => [{ ...UNCHECKED_REPLICA, value, expected: 'listed' }] },
    ]
  }
}

/** With the data connection's password, and its TLS where it uses TLS behind Sentinel. */
async function checkReplica(redis: Redis, replica: Node): Promise<DurabilityFinding[]> {
  const { username, password, tls, enableTLSForSentinelMode } = redis.options
  let client: Redis
  try {
    client = await openBriefly({
      ...replica,
      username,
      password,
      ...(enableTLSForSentinelMode ? { tls } : {}),
    })
  } catch (error) {
    return [
      { ...UNCHECKED_REPLICA, value: `unreachable (${(error as Error).message})`, expected: 'reachable' },
    ]
  }
  try {
    return await checkServer(client)
  } finally {
    client.disconnect()
  }
}

function address({ host, port }: { host?: string; port?: number }): string {
  return `${host}:${port}`
}

async function checkServer(redis: Redis): Promise<DurabilityFinding[]> {
  const findings: DurabilityFinding[] = []
  for (const setting of EXPECTED) {
    let value: string
    try {
      // One field per call: Redis before 7 reads one pattern per CONFIG GET.
      const reply = (await redis.config('GET', setting.field)) as string[]
      value = reply[1] ?? ''
    } catch (error) {
      // Managed Redis services often rename or forbid CONFIG: the settings cannot be seen from here.
      return [
        {
          field: 'CONFIG',
          value: (error as Error).message,
          expected: 'CONFIG GET allowed',
          why: 'this Redis does not let the bot read appendonly and maxmemory-policy: check with its operator that the append-only file is on and the eviction policy is noeviction',
        },
      ]
    }
    if (value !== setting.expected) findings.push({ ...setting, value })
  }
  return findings
}
