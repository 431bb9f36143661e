import { Redis, type RedisOptions } from 'ioredis'

/**
 * The replicas of a Sentinel connection's master, as its sentinels list them, and the short-lived
 * connections used to ask: the durability check looks at each replica, since one takes over in a
 * failover. ioredis' Sentinel connector keeps no list of replicas, so the sentinels are asked anew.
 */

export interface Node {
  host: string
  port: number
}

/** A connection for one look: it fails instead of retrying, and its error reaches the caller. */
export async function openBriefly(options: RedisOptions): Promise<Redis> {
  const client = new Redis({
    ...options,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 3000,
  })
  // A failure rejects the connect or the command; unheard, ioredis would print it on stderr too.
  client.on('error', () => undefined)
  await client.connect()
  return client
}

/** Asks each sentinel in turn, with the sentinel password and TLS the connection itself uses. */
export async function sentinelReplicas(redis: Redis): Promise<Node[]> {
  const { sentinels = [], name, sentinelUsername, sentinelPassword, sentinelTLS } = redis.options
  let lastError: unknown = new Error('no sentinel configured')
  for (const { host, port } of sentinels) {
    try {
      const sentinel = await openBriefly({
        host,
        port,
        username: sentinelUsername,
        password: sentinelPassword,
        tls: sentinelTLS,
      })
      try {
        const replicas = (await sentinel.call('SENTINEL', 'REPLICAS', name ?? '')) as string[][]
        return replicas.map(fieldsOf).map((fields) => ({
          host: fields.get('ip') ?? '',
          port: Number(fields.get('port')),
        }))
      } finally {
        sentinel.disconnect()
      }
    } catch (error) {
      lastError = error
    }
  }
  throw lastError
}

/** A Sentinel reply's flat list of names and values. */
function fieldsOf(flat: string[]): Map<string, string> {
  const fields = new Map<string, string>()
  for (let i = 0; i + 1 < flat.length; i += 2) fields.set(flat[i] ?? '', flat[i + 1] ?? '')
  return fields
}
