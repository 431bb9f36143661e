import { z } from 'zod'
import { durationSchema } from './duration.js'

/**
 * The `redis` section: where the bot's Redis is (one server, a Sentinel group, or a Cluster), under
 * which key prefix, and how the instance lock and writes behave. Exactly one topology is given.
 */

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379'

const HOST_PORT = /^\s*([^\s:]+|\[[^\]\s]+\]):(\d{1,5})\s*$/

const endpointSchema = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65_535),
  })
  .strict()
export type RedisEndpoint = z.infer<typeof endpointSchema>

/**
 * A list of servers: `[{ host, port }, …]`, or `host:port,host:port` as the environment gives it
 * (REDIS_SENTINELS, REDIS_CLUSTER_NODES).
 */
const endpointsSchema = z.preprocess(
  (value, ctx) => {
    if (typeof value !== 'string') return value
    return value.split(',').map((text) => {
      const match = HOST_PORT.exec(text)
      if (!match) {
        ctx.addIssue({
          code: 'custom',
          message: `"${text.trim()}" is not host:port (write host:port,host:port)`,
        })
        return z.NEVER
      }
      const [, host = '', port = ''] = match
      return { host: host.replace(/^\[(.*)\]$/, '$1'), port: Number(port) }
    })
  },
  z.array(endpointSchema).min(1, 'list at least one server'),
)

/**
 * TLS to the servers: `true`, or the two settings one needs besides the system's CAs (extra CAs come
 * from NODE_EXTRA_CA_CERTS). With `redis.url`, TLS is `rediss://` in the URL.
 */
const tlsSchema = z.union([
  z.boolean(),
  z
    .object({
      /** The name the certificate is checked against, when the servers are reached by address. */
      servername: z.string().min(1).optional(),
      /** `false` accepts any certificate: for a test setup only. */
      rejectUnauthorized: z.boolean().optional(),
    })
    .strict(),
])
export type RedisTls = z.infer<typeof tlsSchema>

/**
 * A Redis Cluster: the nodes to discover it from, and the few cluster options that keep the bot's
 * guarantees (no reads from replicas: a replica may lag behind a write just made).
 */
const clusterSchema = z
  .object({
    nodes: endpointsSchema,
    options: z
      .object({
        /** How long a refresh of the slot map may take before it is tried elsewhere. */
        slotsRefreshTimeout: durationSchema.optional(),
        /** How often the slot map is refreshed besides after a MOVED reply. */
        slotsRefreshInterval: durationSchema.optional(),
        /** How many MOVED/ASK redirections one command follows before it fails. */
        maxRedirections: z.number().int().min(1).max(1000).optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict()

/** Redis's own rule: the part between the first `{` and the first `}` after it, if not empty. */
export function hashTagOf(prefix: string): string | undefined {
  const open = prefix.indexOf('{')
  const close = open < 0 ? -1 : prefix.indexOf('}', open + 1)
  return close > open + 1 ? prefix.slice(open + 1, close) : undefined
}

export const CLUSTER_PREFIX_RULE =
  'in a Redis Cluster the prefix must be hash-tagged, e.g. {shop-a}, so that every key of one account lives in one slot and each state change stays atomic'

export const redisSchema = z
  .object({
    /** One server (the default, redis://127.0.0.1:6379); `rediss://` for TLS. */
    url: z
      .string()
      .regex(/^rediss?:\/\/[^/\s]/, 'not a Redis URL: write redis://host:6379 (rediss:// for TLS)')
      .pipe(z.url({ error: 'not a valid URL: write redis://host:6379' }))
      .optional(),
    /** Sentinels that watch the master group `name`: the bot follows the master they name. */
    sentinels: endpointsSchema.optional(),
    /** The master group the sentinels watch (`sentinel monitor <name> …`). */
    name: z.string().min(1).optional(),
    /** The password of the Redis servers (Sentinel and Cluster; with `url` it is in the URL). */
    password: z.string().min(1).optional(),
    /** The sentinels' own password, when they have one. */
    sentinelPassword: z.string().min(1).optional(),
    tls: tlsSchema.optional(),
    cluster: clusterSchema.optional(),
    /** Every key of this deployment starts with it; one prefix per bot account. */
    prefix: z
      .string()
      .regex(/^[A-Za-z0-9_{}.-]+$/, 'letters, digits, _ . - { } only')
      .default('kefu'),
    /**
     * Before anything leaves Redis (a message acknowledged to WeChat, a send, a transcript write),
     * wait (`WAIT`) until this many replicas hold what the bot wrote up to then, so that a failover
     * cannot take back the state behind something already done outside; a message a WAIT does not
     * confirm in `timeout` is kept in the local spool as well. Off by default: a single server has
     * no replica to wait for, and each WAIT costs a replication round trip on the bot's one command
     * connection.
     */
    waitReplicas: z
      .object({
        replicas: z.number().int().min(1).max(16).default(1),
        timeout: durationSchema
          .default(500)
          .refine((ms) => ms >= 1, 'at least 1ms: WAIT with 0 blocks until the replicas answer, forever'),
      })
      .strict()
      .optional(),
    /** Commands issued together leave in one socket write (src/queue/write-batching.ts). */
    batchWrites: z.boolean().default(true),
    /**
     * One bot per prefix: the running bot holds a lock this long, renewed every third of it; a
     * crashed bot's lock expires within it, and a restart waits that long at most.
     */
    lockTtl: durationSchema
      .default(15_000)
      .refine((ms) => ms >= 1000, 'at least 1s: the lock is renewed every third of it'),
  })
  .strict()
  .superRefine((redis, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message })
    const given = (['url', 'sentinels', 'cluster'] as const).filter((field) => redis[field] !== undefined)
    if (given.length > 1) {
      issue(
        given[1] as string,
        `give one Redis topology, not ${given.join(' and ')}: url (one server), sentinels with name (Sentinel), or cluster`,
      )
      return
    }
    if (redis.sentinels && !redis.name)
      issue('name', 'with sentinels, name the master group they watch (sentinel monitor <name> …)')
    if (!redis.sentinels) {
      if (redis.name !== undefined)
        issue('name', 'the master group name goes with sentinels, which are not given')
      if (redis.sentinelPassword !== undefined)
        issue('sentinelPassword', 'a sentinel password goes with sentinels, which are not given')
    }
    if (!redis.sentinels && !redis.cluster) {
      if (redis.password !== undefined)
        issue('password', 'with url, the password goes in the URL: redis://:password@host:6379')
      if (redis.tls !== undefined) issue('tls', 'with url, TLS is rediss:// in the URL')
    }
    if (redis.cluster && hashTagOf(redis.prefix) === undefined)
      issue('prefix', `"${redis.prefix}": ${CLUSTER_PREFIX_RULE}`)
  })
  .transform(({ url, ...redis }) => ({
    ...redis,
    url: redis.sentinels || redis.cluster ? undefined : (url ?? DEFAULT_REDIS_URL),
  }))
export type RedisConfig = z.output<typeof redisSchema>

/** Where the configured Redis is: what a connection is built from. */
export type RedisTarget = Pick<
  RedisConfig,
  'url' | 'sentinels' | 'name' | 'password' | 'sentinelPassword' | 'tls' | 'cluster'
>

/** Where the configured Redis is, for messages: never a password. */
export function describeRedis(redis: RedisTarget): string {
  const list = (servers: readonly RedisEndpoint[]) =>
    servers.map(({ host, port }) => `${host}:${port}`).join(', ')
  if (redis.cluster) return `the Redis Cluster at ${list(redis.cluster.nodes)}`
  if (redis.sentinels) return `the Sentinel group "${redis.name}" at ${list(redis.sentinels)}`
  return (redis.url ?? DEFAULT_REDIS_URL).replace(/\/\/([^@/]*)@/, '//***@')
}
