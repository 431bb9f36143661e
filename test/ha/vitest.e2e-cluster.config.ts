import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

/**
 * The e2e files of the core loop, escalation and routing, unchanged, on a 3/3 Redis Cluster that
 * test/ha/cluster-setup.ts starts (`npm run test:faults -- --ha` runs this after test/ha): the
 * harness sees KEFU_TEST_REDIS_CLUSTER and puts each test's bot on the Cluster under a hash-tagged
 * prefix of its own, so every slot-bound script and BullMQ queue runs as it would in production.
 */
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/e2e/core-loop.test.ts', 'test/e2e/escalation.test.ts', 'test/e2e/routing.test.ts'],
    globalSetup: ['test/ha/cluster-setup.ts'],
    pool: 'forks',
    // The Cluster's six servers share the machine with the bots: one file at a time, as in test/ha.
    maxWorkers: 1,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
