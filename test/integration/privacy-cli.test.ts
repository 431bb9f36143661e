import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { keysFor } from '../../src/queue/keys.js'
import { RedisLiveState } from '../../src/state/redis-state.js'
import { EmbeddedTranscriptStore } from '../../src/store/embedded.js'
import { message, summary } from '../integration/store-conformance.js'
import { ROOT, run } from '../service/kefu.js'
import { deletePrefix, REDIS_URL, testPrefix, testRedis } from '../support/redis.js'

const dir = mkdtempSync(join(tmpdir(), 'kefu-privacy-'))
const dbFile = join(dir, 'transcripts.db')
const configFile = join(dir, 'kefu.json')
const prefix = testPrefix('privacy-cli')
const redis = testRedis()
const PHONE = '13912345678'

/** `kefu …` as an operator types it, as its own process, on the test's store file and Redis prefix. */
const kefu = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'src/bin/kefu.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, KEFU_CONFIG: configFile },
  })

async function readStore<T>(read: (store: EmbeddedTranscriptStore) => Promise<T>): Promise<T> {
  const store = new EmbeddedTranscriptStore(dbFile, { existing: true })
  await store.init()
  try {
    return await read(store)
  } finally {
    await store.close()
  }
}

beforeAll(async () => {
  writeFileSync(
    configFile,
    JSON.stringify({
      store: { file: dbFile },
      redis: { url: REDIS_URL, prefix },
      staff: [{ id: 'agent-a', name: '小王' }],
    }),
  )
  const store = new EmbeddedTranscriptStore(dbFile)
  await store.init()
  // cust-1 (张三, the conformance fixtures' customer) has two closed conversations; cust-open one open.
  await store.write({
    entries: [message('m1', 'c1', 1000, 0, `我的电话是${PHONE}`), message('m2', 'c1', 2000, 0)],
    conversation: summary({ id: 'c1', status: 'closed', closedAt: 3000 }),
  })
  await store.write({
    entries: [message('m3', 'c2', 9000, 0)],
    conversation: summary({ id: 'c2', code: 'A5', status: 'closed', openedAt: 9000 }),
  })
  await store.write({
    entries: [{ ...message('m4', 'c3', 5000, 0), actor: { id: 'cust-open', role: 'customer' } }],
    conversation: summary({ id: 'c3', code: 'B2', customerId: 'cust-open', customerName: '李四' }),
  })
  await store.close()
  await new RedisLiveState(redis, keysFor(prefix)).ingestCustomerMessage({
    messageId: 'wx-1',
    kind: 'text',
    customerId: 'cust-open',
    customerName: '李四',
    text: '还在吗',
    at: Date.now(),
    newConversationId: 'c3',
    flood: { max: 100, per: 10_000 },
    deadlines: [],
    fallbackCategory: 'consult',
    offerMenu: false,
  })
})

afterAll(async () => {
  await deletePrefix(redis, prefix)
  await redis.quit()
  rmSync(dir, { recursive: true, force: true })
})

describe('kefu export and kefu erase', () => {
  it('exports one customer as JSON to stdout or to a private file, audited under --by', async () => {
    const printed = await kefu('export', 'cust-1', '--by', '周经理')
    expect(printed.code).toBe(0)
    const data = JSON.parse(printed.stdout)
    expect(data.conversations.map((c: { id: string }) => c.id)).toEqual(['c2', 'c1'])
    expect(printed.stdout).toContain(PHONE)
    expect(printed.stderr).toContain('customer cust-1: 2 conversations, 3 entries')

    const file = join(dir, 'export.json')
    const written = await kefu('export', 'cust-1', '--to', file)
    expect(written.code).toBe(0)
    expect(written.stdout).toBe('')
    expect(JSON.parse(readFileSync(file, 'utf8')).entries).toEqual(data.entries)
    expect(statSync(file).mode & 0o777).toBe(0o600)

    const audit = await readStore((store) => store.auditRecords())
    expect(
      audit.map((r) => r.action !== 'search' && [r.action, r.by, r.via, r.customerId, r.entries]),
    ).toEqual([
      ['export', '周经理', 'cli', 'cust-1', 3],
      ['export', userInfo().username, 'cli', 'cust-1', 3],
    ])
  })

  it('erases only with --confirm and no open conversation; then the store holds nothing of them', async () => {
    const unconfirmed = await kefu('erase', 'cust-1')
    expect(unconfirmed.code).toBe(2)
    expect(unconfirmed.stderr).toContain('add --confirm')

    const open = await kefu('erase', 'cust-open', '--confirm')
    expect(open.code).toBe(1)
    expect(open.stderr).toContain('open conversation A1: close it first')
    expect((await readStore((store) => store.customerData('cust-open'))).entries).toHaveLength(1)

    const erased = await kefu('erase', 'cust-1', '--confirm', '--by', 'ops')
    expect(erased.code).toBe(0)
    expect(erased.stdout).toContain('customer cust-1 erased: 2 conversations, 3 entries')
    expect(await readStore((store) => store.customerData('cust-1'))).toEqual({
      customerId: 'cust-1',
      conversations: [],
      entries: [],
    })
    const audit = await readStore((store) => store.auditRecords())
    expect(audit.at(-1)).toMatchObject({
      action: 'erase',
      by: 'ops',
      via: 'cli',
      conversations: 2,
      entries: 3,
    })
    for (const personal of ['张三', PHONE, '我的电话']) expect(JSON.stringify(audit)).not.toContain(personal)

    const again = await kefu('export', 'cust-1')
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('no record of customer cust-1')
  })

  it('answers a wrong line with the usage', async () => {
    const wrong = await kefu('export')
    expect(wrong.code).toBe(2)
    expect(wrong.stderr).toContain('kefu export: missing <customer-id>')
    expect(wrong.stderr).toContain('Usage: kefu export <customer-id>')
  })
})
