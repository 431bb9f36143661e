import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each starts a Redis Cluster or a Sentinel group of its own: `npm run test:faults -- --ha`.
    exclude: ['test/ha/**', '**/node_modules/**'],
    pool: 'forks',
    // Most files wait on timers, Redis and child processes rather than the CPU: two at a time
    // overlap those waits on a 2-core machine (Vitest's default there is one).
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
})
