import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'

export { deletePrefix } from '../../src/queue/connection.js'

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

/** Each test run works under its own key prefix, so parallel runs never see each other's keys. */
export function testPrefix(label: string): string {
  return `test-${label}-${randomBytes(4).toString('hex')}`
}

export function testRedis(): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: null })
}
