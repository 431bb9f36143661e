import { appendFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { InboundMessage } from '../../src/domain/inbound.js'
import { InboundSpool, SpoolFullError } from '../../src/queue/spool.js'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})
function spoolFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-spool-'))
  dirs.push(dir)
  return join(dir, 'nested', 'spool.jsonl')
}
const message = (n: number): InboundMessage => ({
  id: `m${n}`,
  from: { id: 'c1', name: '张三' },
  kind: 'text',
  text: `消息 ${n}`,
  receivedAt: 1000 + n,
})

describe('inbound spool', () => {
  it('hands messages over oldest first, and keeps them across a restart of the process', async () => {
    const file = spoolFile()
    const spool = new InboundSpool(file, 10)
    for (const n of [1, 2, 3]) spool.add(message(n))
    const reopened = new InboundSpool(file, 10)
    expect(reopened.size).toBe(3)
    const taken: string[] = []
    expect(await reopened.drain(async (m) => void taken.push(m.id))).toBe(3)
    expect(taken).toEqual(['m1', 'm2', 'm3'])
    expect(reopened.size).toBe(0)
    expect(new InboundSpool(file, 10).size).toBe(0)
  })

  it('keeps what was not taken when the handover fails, in front of what came meanwhile', async () => {
    const file = spoolFile()
    const spool = new InboundSpool(file, 10)
    for (const n of [1, 2, 3]) spool.add(message(n))
    const taken: string[] = []
    await expect(
      spool.drain(async (m) => {
        if (m.id === 'm2') {
          spool.add(message(4))
          throw new Error('Redis went away again')
        }
        taken.push(m.id)
      }),
    ).rejects.toThrow('Redis went away again')
    expect(spool.size).toBe(3)
    await spool.drain(async (m) => void taken.push(m.id))
    expect(taken).toEqual(['m1', 'm2', 'm3', 'm4'])
  })

  it('refuses a message past its bound, with a clear error', () => {
    const spool = new InboundSpool(spoolFile(), 2)
    spool.add(message(1))
    spool.add(message(2))
    expect(() => spool.add(message(3))).toThrow(SpoolFullError)
    expect(() => spool.add(message(3))).toThrow(/spool is full \(2 messages\)/)
  })

  it('skips a line cut short by a crash', async () => {
    const file = spoolFile()
    new InboundSpool(file, 10).add(message(1))
    appendFileSync(file, '{"id":"m2","fro')
    const spool = new InboundSpool(file, 10)
    const taken: string[] = []
    await spool.drain(async (m) => void taken.push(m.id))
    expect(taken).toEqual(['m1'])
  })
})
