import { RedisCluster } from '../support/redis-cluster.js'

/**
 * The globalSetup of test/ha/vitest.e2e-cluster.config.ts: one 3/3 Redis Cluster of the run's own
 * for every e2e file it includes, made known to the test workers through KEFU_TEST_REDIS_CLUSTER
 * (the workers are forked after this runs, and inherit the environment), closed at teardown.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const cluster = await RedisCluster.start()
  process.env.KEFU_TEST_REDIS_CLUSTER = cluster.nodes.map(({ host, port }) => `${host}:${port}`).join(',')
  return () => cluster.close()
}
