import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import type { ConfigInput } from '../../src/domain/config.js'

export { deletePrefix } from '../../src/queue/connection.js'

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

/** Each test run works under its own key prefix, so parallel runs never see each other's keys. */
export function testPrefix(label: string): string {
  return `test-${label}-${randomBytes(4).toString('hex')}`
}

/**
 * Where a test's bot keeps its state unless the test says otherwise: the server at REDIS_URL, or
 * the Redis Cluster whose nodes KEFU_TEST_REDIS_CLUSTER lists (`host:port,host:port`, set by
 * test/ha/cluster-setup.ts), under a prefix of the test's own, hash-tagged there so that all of
 * the test's keys share one slot, as a Cluster requires.
 */
export function testRedisTarget(label: string): NonNullable<ConfigInput['redis']> {
  const nodes = process.env.KEFU_TEST_REDIS_CLUSTER
  return nodes
    ? { cluster: { nodes }, prefix: `{${testPrefix(label)}}` }
    : { url: REDIS_URL, prefix: testPrefix(label) }
}

export function testRedis(): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: null })
}
