import { type AccountProfile, accountLoad } from './account-load.js'
import type { BenchRedis } from './support.js'

/**
 * One account's load in a process of its own (bench/cluster.ts), as each account's bot runs in
 * production: before each phase it says it is ready and waits for the word to go, so that accounts
 * run side by side; the figures go back over IPC.
 */
const { name, redis, memoryUrl, profile } = JSON.parse(process.argv[2] ?? '{}') as {
  name: string
  redis: BenchRedis & { prefix: string }
  memoryUrl: string
  profile: AccountProfile
}

function together(phase: string): Promise<void> {
  return new Promise((resolve) => {
    process.once('message', () => resolve())
    process.send?.({ ready: phase })
  })
}

const figures = await accountLoad(name, redis, memoryUrl, profile, together)
process.send?.({ figures }, () => process.exit(0))
