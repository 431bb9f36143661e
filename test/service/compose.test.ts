import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { ROOT } from './kefu.js'

/**
 * The compose files as docker-compose reads them. No image can be pulled on these machines, so the
 * files are checked, not run: `docker-compose config` where it is installed (Debian's
 * `docker-compose`), and always the replica set's own agreements, which config cannot see.
 */
const MAIN = join(ROOT, 'docker-compose.yml')
const REPLICA_SET = join(ROOT, 'docker-compose.replica-set.yml')
const installed = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0

interface Service {
  command?: string[]
  environment?: Record<string, string>
  healthcheck?: { test: string[] }
}

function config(...files: string[]): { services: Record<string, Service> } {
  const args = files.flatMap((file) => ['-f', file])
  return parse(execFileSync('docker-compose', [...args, 'config'], { cwd: ROOT, encoding: 'utf8' }))
}

describe('the compose files', () => {
  it.skipIf(!installed)('docker-compose accepts the main file alone and with the replica set', () => {
    expect(config(MAIN).services.mongo?.command).toBeUndefined()
    const merged = config(MAIN, REPLICA_SET).services
    expect(merged.mongo?.command).toEqual(['mongod', '--replSet', 'rs0', '--bind_ip_all'])
    expect(merged.bot?.environment?.MONGODB_URI).toBe('mongodb://mongo:27017/kefu?replicaSet=rs0')
    // The bot's other settings come through from the main file.
    expect(merged.bot?.environment?.REDIS_URL).toBe('redis://redis:6379')
  })

  it('names one set everywhere, and its member as the bot reaches it', () => {
    const { services } = parse(readFileSync(REPLICA_SET, 'utf8')) as { services: Record<string, Service> }
    const command = services.mongo?.command ?? []
    const set = command[command.indexOf('--replSet') + 1]
    const uri = new URL(services.bot?.environment?.MONGODB_URI ?? '')
    const initiate = services.mongo?.healthcheck?.test.at(-1) ?? ''
    expect(uri.searchParams.get('replicaSet')).toBe(set)
    expect(initiate).toContain(`rs.initiate({ _id: '${set}'`)
    // Clients connect to the members the set names: the member must be the host the URI names.
    expect(initiate).toContain(`host: '${uri.host}'`)
  })
})
