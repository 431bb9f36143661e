import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import formbody from '@fastify/formbody'
import Fastify, { type FastifyInstance } from 'fastify'
import type { Redis } from 'ioredis'
import { readReport } from '../../src/app.js'
import { loadConfig } from '../../src/config/load.js'
import type { Config } from '../../src/domain/config.js'
import { StaffDirectory } from '../../src/domain/staff.js'
import { createLog } from '../../src/log/log.js'
import { keysFor } from '../../src/queue/keys.js'
import { RedisLiveState } from '../../src/state/redis-state.js'
import { EmbeddedTranscriptStore } from '../../src/store/embedded.js'
import { Text } from '../../src/text/text.js'
import type { ConsoleParts, Viewer } from '../../src/web/parts.js'
import type { ConsoleRoutes } from '../../src/web/routes/route.js'
import { deletePrefix, testPrefix, testRedis } from '../support/redis.js'

export const TZ = 'Asia/Shanghai'

/** The staff of these tests: two agents, a supervisor and a manager. */
export const STAFF = [
  { id: 'agent-a', name: '小王', roles: ['agent' as const] },
  { id: 'agent-b', name: '小李', roles: ['agent' as const] },
  { id: 'sup-1', name: '周主管', roles: ['supervisor' as const] },
  { id: 'mgr-1', name: '吴经理', roles: ['manager' as const] },
]

/**
 * The console's parts over a real embedded store in a temp dir, the real Redis live state under a
 * test prefix and the report as `npm run report` reads it; pages registered behind a preHandler that
 * stands in for the session guard: the `x-staff` header names the viewer.
 */
export interface PagesUnderTest {
  base: string
  config: Config
  configFile: string
  store: EmbeddedTranscriptStore
  parts: ConsoleParts
  as(staffId: string): Viewer
  close(): Promise<void>
}

export async function servePages(
  routes: ConsoleRoutes[],
  options: { now: number; siblings?: readonly { name: string; title?: string; url?: string }[] },
): Promise<PagesUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-web-'))
  const configFile = join(dir, 'kefu.json')
  const prefix = testPrefix('web')
  // Sibling accounts on the same Redis, each under a prefix of its own.
  const siblings = (options.siblings ?? []).map((sibling) => ({
    ...sibling,
    prefix: testPrefix(`web-${sibling.name}`),
  }))
  writeFileSync(
    configFile,
    JSON.stringify({
      locale: 'zh-CN',
      timeZone: TZ,
      store: { file: join(dir, 'data', 'transcripts.db') },
      redis: { prefix },
      staff: STAFF,
      console: { accounts: siblings },
    }),
  )
  const config = loadConfig({ KEFU_CONFIG: configFile })
  const store = new EmbeddedTranscriptStore(config.store.file ?? '')
  await store.init()
  const redis: Redis = testRedis()
  const staff = new StaffDirectory(config.staff)
  const parts: ConsoleParts = {
    config,
    staff,
    state: new RedisLiveState(redis, keysFor(prefix)),
    store,
    text: new Text(config.locale, config.timeZone),
    clock: () => options.now,
    log: createLog({ level: 'silent' }),
    submit: async () => {
      throw new Error('search and reports submit no commands')
    },
    recordRead: async () => {
      throw new Error('search and reports read no transcript')
    },
    report: (range) => readReport(config, range, () => undefined),
    siblings: config.console.accounts.map((account) => ({
      account,
      state: new RedisLiveState(redis, keysFor(account.prefix)),
    })),
  }
  const viewers = new Map(
    STAFF.map((member) => [member.id, { staff: staff.get(member.id), csrf: `csrf-${member.id}` }]),
  )
  const app: FastifyInstance = Fastify()
  await app.register(formbody)
  await app.register(async (scope) => {
    scope.addHook('preHandler', async (request) => {
      const viewer = viewers.get(String(request.headers['x-staff']))
      if (viewer?.staff) request.viewer = { staff: viewer.staff, csrf: viewer.csrf }
    })
    for (const register of routes) register(scope, parts)
  })
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  return {
    base: address,
    config,
    configFile,
    store,
    parts,
    as(staffId) {
      const viewer = viewers.get(staffId)
      if (!viewer?.staff) throw new Error(`no staff member ${staffId}`)
      return { staff: viewer.staff, csrf: viewer.csrf }
    },
    async close() {
      await app.close()
      await store.close()
      await deletePrefix(redis, prefix)
      for (const sibling of siblings) await deletePrefix(redis, sibling.prefix)
      redis.disconnect()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** A GET as this staff member. */
export function get(pages: PagesUnderTest, staffId: string, path: string): Promise<Response> {
  return fetch(`${pages.base}${path}`, { headers: { 'x-staff': staffId } })
}

/** A form POST as this staff member. */
export function post(
  pages: PagesUnderTest,
  staffId: string,
  path: string,
  fields: Record<string, string>,
): Promise<Response> {
  return fetch(`${pages.base}${path}`, {
    method: 'POST',
    headers: { 'x-staff': staffId, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  })
}
