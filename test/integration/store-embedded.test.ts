import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { EmbeddedTranscriptStore } from '../../src/store/embedded.js'
import { describeTranscriptStoreConformance, message, summary } from './store-conformance.js'

const dir = mkdtempSync(join(tmpdir(), 'kefu-store-'))
let files = 0
const freshFile = () => join(dir, `nested-${++files}`, 'transcripts.db')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describeTranscriptStoreConformance('embedded file', async () => new EmbeddedTranscriptStore(freshFile()))

describe('embedded transcript store', () => {
  it('keeps what it stored when the file is closed and opened again', async () => {
    const file = freshFile()
    const first = new EmbeddedTranscriptStore(file)
    await first.init()
    await first.write({
      entries: [message('m1', 'c1', 1000, 0, '还在吗')],
      conversation: summary({ id: 'c1' }),
    })
    await first.close()
    const second = new EmbeddedTranscriptStore(file)
    await second.init()
    expect(await second.entries('c1')).toMatchObject([{ id: 'm1', text: '还在吗' }])
    expect(await second.conversation('c1')).toMatchObject({ code: 'A1' })
    await second.close()
  })

  it('reports a damaged row by its id instead of returning it', async () => {
    const file = freshFile()
    const store = new EmbeddedTranscriptStore(file)
    await store.init()
    await store.write({ entries: [message('m1', 'c1', 1000, 0)] })
    const raw = new Database(file)
    raw.prepare('UPDATE entries SET json = \'{"kind":"message"}\' WHERE id = \'m1\'').run()
    raw.close()
    await expect(store.entries('c1')).rejects.toThrow(/transcript entry m1 is damaged/)
    await store.close()
  })

  it('says clearly that it must be opened first', async () => {
    await expect(new EmbeddedTranscriptStore(freshFile()).entries('c1')).rejects.toThrow(
      /call init\(\) first/,
    )
  })
})
