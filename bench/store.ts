import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { MessageEntry, TranscriptBatch } from '../src/domain/transcript.js'
import { EmbeddedTranscriptStore } from '../src/store/embedded.js'
import { MongoTranscriptStore } from '../src/store/mongo.js'
import type { TranscriptStore } from '../src/store/port.js'
import { type Figure, progress, rate } from './support.js'

export interface StoreProfile {
  /** Batches written, three entries each: a message in, a message out, an event — one handled message. */
  batches: number
  reads: number
}

/** Transcript store writes per second (as handlers write them) and reading a 1,000-message conversation. */
export async function storeFigures(profile: StoreProfile): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-bench-store-'))
  const figures: Figure[] = []
  try {
    figures.push(
      ...(await measure('embedded', new EmbeddedTranscriptStore(join(dir, 'transcripts.db')), profile)),
    )
    const uri = process.env.MONGODB_URI
    if (uri) {
      figures.push(
        ...(await measure(
          'MongoDB',
          new MongoTranscriptStore(uri, { collectionPrefix: `bench_${Date.now()}_` }),
          profile,
        )),
      )
    } else {
      figures.push({ section: 'store MongoDB', measure: 'not measured: MONGODB_URI is not set', value: '—' })
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return figures
}

async function measure(name: string, store: TranscriptStore, profile: StoreProfile): Promise<Figure[]> {
  progress(`store: ${name}, ${profile.batches} batches`)
  await store.init()
  try {
    // Handlers write concurrently; the store sees many batches at once, as under load.
    const batches = Array.from({ length: profile.batches }, (_, n) => batch(`c${n % 500}`, n))
    const started = Date.now()
    await Promise.all(batches.map((one) => store.write(one)))
    const writeMs = Date.now() - started
    const entries = profile.batches * 3

    await store.write({ entries: Array.from({ length: 1000 }, (_, n) => message('long', `long-${n}`, n)) })
    const readStarted = process.hrtime.bigint()
    for (let n = 0; n < profile.reads; n++) {
      const read = await store.entries('long')
      if (read.length !== 1000) throw new Error(`bench: read ${read.length} of 1000 entries`)
    }
    const readMs = Number(process.hrtime.bigint() - readStarted) / 1e6 / profile.reads
    const section = `store ${name}`
    return [
      { section, measure: 'entries written per second', value: `${rate(entries, writeMs)}` },
      { section, measure: 'read one conversation of 1,000 messages', value: `${readMs.toFixed(1)} ms` },
    ]
  } finally {
    await store.close()
  }
}

function message(conversationId: string, id: string, n: number): MessageEntry {
  return {
    kind: 'message',
    id,
    conversationId,
    at: 1_700_000_000_000 + n,
    seq: n,
    actor: { id: 'customer-1', role: 'customer', name: '张三' },
    direction: 'in',
    text: `第 ${n} 条消息：我的订单三天了还没发货，请帮我查一下物流到哪里了？`,
  }
}

function batch(conversationId: string, n: number): TranscriptBatch {
  return {
    entries: [
      message(conversationId, `in-${n}`, n),
      {
        ...message(conversationId, `out-${n}`, n),
        direction: 'out',
        actor: { id: 'agent-1', role: 'agent' },
      },
      {
        kind: 'event',
        id: `ev-${n}`,
        conversationId,
        at: 1_700_000_000_000 + n,
        seq: n,
        actor: { id: 'bot', role: 'bot' },
        type: 'clock-stopped',
        data: { by: 'agent-1', waitedMs: 1234 },
      },
    ],
  }
}
