import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import type { TranscriptBatch } from '../../src/domain/transcript.js'
import { EmbeddedTranscriptStore } from '../../src/store/embedded.js'
import { ROOT, run, start, writeConfig } from './kefu.js'

/**
 * `kefu backup` as an operator runs it, a real process (through tsx: building takes longer than
 * every test here), against a store another process keeps writing to, as the bot does.
 */
const dir = mkdtempSync(join(tmpdir(), 'kefu-backup-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let stores = 0

/** A store file with its configuration; the bot's store API writes to it from this process. */
async function storeWith(conversations: number) {
  const home = join(dir, `deployment-${++stores}`)
  const file = join(home, 'data', 'transcripts.db')
  const config = join(home, 'kefu.json')
  const store = new EmbeddedTranscriptStore(file)
  await store.init()
  writeConfig(config, `backup-test-${stores}`, file, 2)
  let written = 0
  const write = async (count: number) => {
    const batches: Promise<void>[] = []
    for (let n = 0; n < count; n++) batches.push(store.write(conversation(written++)))
    await Promise.all(batches)
  }
  await write(conversations)
  return { home, file, config, store, write, written: () => written }
}

/** Conversation n: closed on 2026-11-02 (Shanghai), answered by agent-1 after n % 300 seconds. */
function conversation(n: number): TranscriptBatch {
  const id = `c${n}`
  const openedAt = Date.UTC(2026, 10, 2, 1, 0) + n * 1000
  return {
    entries: Array.from({ length: 8 }, (_, i) => ({
      kind: 'message' as const,
      id: `${id}-m${i}`,
      conversationId: id,
      at: openedAt + i,
      seq: i,
      actor: { id: `customer-${n}`, role: 'customer' as const },
      direction: 'in' as const,
      text: `我的订单 ${n} 还没发货，请帮我查一下。`.repeat(4),
    })),
    conversation: {
      id,
      code: `A${n}`,
      customerId: `customer-${n}`,
      customerName: '张三',
      status: 'closed',
      agentId: 'agent-1',
      openedAt,
      firstResponseAt: openedAt + (n % 300) * 1000,
      firstResponderId: 'agent-1',
      closedAt: openedAt + 600_000,
      overdueCount: n % 7 === 0 ? 1 : 0,
      rev: 1,
    },
  }
}

function kefu(args: readonly string[], config: string, env: NodeJS.ProcessEnv = {}) {
  return run(process.execPath, ['--import', 'tsx', 'src/bin/kefu.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, KEFU_CONFIG: config, MONGODB_URI: '', ...env },
  })
}

describe('kefu backup', () => {
  it('copies the store while it is written to: the copy passes integrity_check and holds everything written before', async () => {
    const deployment = await storeWith(4000)
    const before = deployment.written()
    const copy = join(deployment.home, 'copy.db')
    const backup = start(
      process.execPath,
      ['--import', 'tsx', 'src/bin/kefu.ts', 'backup', '--to', copy],
      ROOT,
      { ...process.env, KEFU_CONFIG: deployment.config, MONGODB_URI: '' },
    )
    let exited = false
    const code = backup.exited.then((code) => {
      exited = true
      return code
    })
    // The bot under load: a batch of conversations every few milliseconds until the backup is done.
    while (!exited) {
      await deployment.write(20)
      await new Promise((wake) => setTimeout(wake, 2))
    }
    expect(await code, backup.stderr).toBe(0)
    const duringBackup = deployment.written() - before
    await deployment.store.close()
    expect(duringBackup).toBeGreaterThan(0)

    expect(backup.lines.map((line) => line.text)).toEqual([
      expect.stringMatching(
        new RegExp(`^backup of .*transcripts\\.db written to ${copy}: \\d+ conversations`),
      ),
    ])
    expect(backup.stderr).toMatch(/^copying: \d+ of \d+ pages left$/m)
    const raw = new Database(copy, { readonly: true })
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok')
    // One file: nothing of the copy lives in a -wal beside it.
    expect(raw.pragma('journal_mode', { simple: true })).toBe('delete')
    const ids = new Set(
      (raw.prepare('SELECT id FROM conversations').all() as { id: string }[]).map((row) => row.id),
    )
    const entries = (raw.prepare('SELECT count(*) AS n FROM entries').get() as { n: number }).n
    raw.close()
    const missing = Array.from({ length: before }, (_, n) => `c${n}`).filter((id) => !ids.has(id))
    expect(missing).toEqual([])
    expect(entries).toBeGreaterThanOrEqual(before * 8)
    expect(existsSync(`${copy}-wal`)).toBe(false)
  }, 60_000)

  it('refuses a destination that exists unless --force, and never the store itself', async () => {
    const deployment = await storeWith(10)
    await deployment.store.close()
    const taken = join(deployment.home, 'taken.db')
    writeFileSync(taken, 'last week’s backup')

    const refused = await kefu(['backup', '--to', taken], deployment.config)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toBe(`kefu backup: ${taken} exists: give another --to, or --force to replace it\n`)
    expect(readFileSync(taken, 'utf8')).toBe('last week’s backup')

    const itself = await kefu(['backup', '--to', deployment.file, '--force'], deployment.config)
    expect(itself.code).toBe(1)
    expect(itself.stderr).toMatch(/is the store itself/)

    const forced = await kefu(['backup', '--to', taken, '--force'], deployment.config)
    expect(forced.code, forced.stderr).toBe(0)
    expect(forced.stdout).toMatch(/: 10 conversations, 80 entries,/)
  }, 30_000)

  it('writes a timestamped copy beside the store by default', async () => {
    const deployment = await storeWith(3)
    await deployment.store.close()
    const made = await kefu(['backup'], deployment.config)
    expect(made.code, made.stderr).toBe(0)
    const [, copy] = /written to (\S+): 3 conversations/.exec(made.stdout) ?? []
    expect(copy).toMatch(/\/data\/transcripts-\d{4}-\d\d-\d\dT\d{4}Z\.db$/)
    expect(existsSync(copy as string)).toBe(true)
  }, 30_000)

  it('refuses a MongoDB store, pointing to mongodump', async () => {
    const deployment = await storeWith(1)
    await deployment.store.close()
    const copy = join(deployment.home, 'copy.db')
    const refused = await kefu(['backup', '--to', copy], deployment.config, {
      MONGODB_URI: 'mongodb://127.0.0.1:27017/kefu',
    })
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/^kefu backup: the transcript store is MongoDB .*mongodump/)
    expect(existsSync(copy)).toBe(false)
  }, 30_000)

  it('restores: the copy in place of the store gives the report the store gave at backup time', async () => {
    const deployment = await storeWith(500)
    const report = () =>
      kefu(['report', '--from', '2026-11-02', '--to', '2026-11-02', '--format', 'csv'], deployment.config)
    const atBackup = await report()
    expect(atBackup.code, atBackup.stderr).toBe(0)
    expect(atBackup.stdout).toMatch(/agent-1/)
    const copy = join(deployment.home, 'copy.db')
    expect((await kefu(['backup', '--to', copy], deployment.config)).code).toBe(0)
    // The bot goes on after the backup; then the store is lost.
    await deployment.write(100)
    await deployment.store.close()
    expect((await report()).stdout).not.toBe(atBackup.stdout)

    // docs/backup.md: stop the bot, replace the file, remove -wal and -shm, start.
    copyFileSync(copy, deployment.file)
    for (const leftover of ['-wal', '-shm']) rmSync(`${deployment.file}${leftover}`, { force: true })
    const restored = await report()
    expect(restored.code, restored.stderr).toBe(0)
    expect(restored.stdout).toBe(atBackup.stdout)
    const store = new EmbeddedTranscriptStore(deployment.file, { existing: true })
    await store.init()
    expect(await store.conversationsOpenedBetween(0, Date.UTC(2027, 0, 1))).toHaveLength(500)
    expect(await store.entries('c499')).toHaveLength(8)
    await store.close()
  }, 30_000)
})
