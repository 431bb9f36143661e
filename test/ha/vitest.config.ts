import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

/**
 * The high-availability tests (`npm run test:faults -- --ha`): each file starts a Redis Cluster or a
 * Sentinel group of its own, six to eight redis-server processes, and runs the bot on it, so they
 * take seconds each and run one at a time, apart from `npm test`.
 */
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/ha/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 90_000,
    hookTimeout: 60_000,
  },
})
