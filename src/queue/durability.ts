import { Cluster, type Redis } from 'ioredis'
import type { RedisConnection } from './connection.js'

/**
 * Whether this Redis keeps what the bot gives it. Queued messages, timers and live state exist only
 * in Redis: without AOF a Redis restart loses everything since the last snapshot, and an eviction
 * policy other than `noeviction` lets Redis drop queue keys silently when memory runs short. Start-up
 * logs each finding; a `doctor` can fail on them.
 */

export interface DurabilityFinding {
  /** The Redis setting (`appendonly`, `maxmemory-policy`), or `CONFIG` when none could be read. */
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
 * Every server is checked: in a Cluster each node, masters and replicas, as a replica takes over
 * its master's keys in a failover; a finding then names its node.
 */
export async function checkDurability(redis: RedisConnection): Promise<Durability> {
  const servers = redis instanceof Cluster ? redis.nodes('all') : [redis]
  const results = await Promise.all(servers.map((server) => checkServer(server)))
  const findings = results.flatMap((found, index) => {
    const server = servers[index] as Redis
    const node = `${server.options.host}:${server.options.port}`
    return servers.length > 1
      ? found.map((finding) => ({ ...finding, value: `${finding.value} on ${node}` }))
      : found
  })
  return { ok: findings.length === 0, findings }
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
