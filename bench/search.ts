import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { ConversationSummary, MessageEntry, TranscriptBatch } from '../src/domain/transcript.js'
import { EmbeddedTranscriptStore } from '../src/store/embedded.js'
import type { ConversationQuery, SearchPage } from '../src/store/port.js'
import { type Figure, percentile, progress, rate } from './support.js'

export interface SearchProfile {
  /** Conversations stored, five messages each. */
  conversations: number
  /** Times each query runs; p50 and p95 are over these. */
  reads: number
}

/** What a console page may take for one search (the count and one page of 20). */
const TARGET_MS = 200
const PAGE = 20
const AGENTS = 40
const DAY = 86_400_000
const START = Date.UTC(2026, 8, 1)
/** Conversations are spread over this many days, as three months of a busy shop. */
const DAYS = 90
/** Written per group commit: one transaction each, with a progress line every ten of them. */
const CHUNK = 2000

const CUSTOMER_LINES = [
  '你好，我的订单三天了还没发货，能帮我查一下吗？',
  '请问退款什么时候到账？已经申请一周了',
  '快递一直显示运输中，是不是丢件了',
  '收到的商品有破损，想换货',
  '发票怎么开？需要公司抬头的',
  '地址填错了，还能改吗',
  '优惠券用不了，提示不满足条件',
  '衣服尺码偏小，可以退货吗',
  '什么时候有活动？想多买几件',
  '客服在吗？急！',
]
const AGENT_LINES = [
  '您好，这边马上帮您查询一下',
  '已为您催促仓库尽快发货，请耐心等待',
  '退款预计一到三个工作日原路退回',
  '麻烦提供一下订单号和破损照片',
  '地址已经帮您修改好了',
  '感谢您的耐心等待，还有其他问题吗？',
]
const NAMES = ['张', '王', '李', '赵', '刘', '陈', '杨', '黄', '周', '吴']

/** A small deterministic generator (mulberry32), so every run stores the same texts. */
function random(seed: number): () => number {
  let state = seed
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Search over an embedded store of `conversations` conversations (five messages each, Chinese as
 * customers and agents write it): p50 and p95 of the queries the search page makes, each a count and
 * one page, beside the same text search as a LIKE over the stored entries without the index.
 */
export async function searchFigures(profile: SearchProfile): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-bench-search-'))
  const file = join(dir, 'transcripts.db')
  const store = new EmbeddedTranscriptStore(file)
  await store.init()
  try {
    const section = `search embedded, ${profile.conversations.toLocaleString('en')} conversations`
    const fillMs = await fill(store, profile.conversations)
    const figures: Figure[] = [
      {
        section,
        measure: 'stored (5 messages each, search index kept by the write path)',
        value: `${rate(profile.conversations, fillMs)} conversations/s, ${Math.round(statSync(file).size / 1e6)} MB`,
      },
    ]
    const week = { openedFrom: START + 30 * DAY, openedTo: START + 37 * DAY }
    const deep = Math.floor(profile.conversations / 2 / PAGE) * PAGE
    const cases: [string, ConversationQuery, SearchPage][] = [
      ['everything, page 1', {}, { offset: 0, limit: PAGE }],
      [`everything, deep page (offset ${deep.toLocaleString('en')})`, {}, { offset: deep, limit: PAGE }],
      ['code = A17', { code: 'A17' }, { offset: 0, limit: PAGE }],
      ['agent + one week', { agentId: 'agent-7', ...week }, { offset: 0, limit: PAGE }],
      ['rating = 1', { rating: 1 }, { offset: 0, limit: PAGE }],
      [
        'status closed + category, page 50',
        { status: 'closed', category: 'order' },
        { offset: 49 * PAGE, limit: PAGE },
      ],
      ['text "退款什么时候" (trigram index)', { text: '退款什么时候' }, { offset: 0, limit: PAGE }],
      ['text "破损" (2 characters: a scan of the messages)', { text: '破损' }, { offset: 0, limit: PAGE }],
      [
        'text "退款什么时候" + agent + one week',
        { text: '退款什么时候', agentId: 'agent-7', ...week },
        { offset: 0, limit: PAGE },
      ],
      [
        'customer by phone (manager: their messages, or the name)',
        { customer: '13900001234' },
        { offset: 0, limit: PAGE },
      ],
      ['customer by name "王李" (2 characters: scans)', { customer: '王李' }, { offset: 0, limit: PAGE }],
    ]
    for (const [measure, query, page] of cases) {
      const times = await timed(profile.reads, async () => {
        await store.searchConversations(query, page)
      })
      figures.push(figure(section, measure, times, TARGET_MS))
    }
    // The baseline: the same text query without the index, as a LIKE over every stored entry.
    const raw = new Database(file, { readonly: true })
    try {
      const where = `id IN (SELECT conversation_id FROM entries
        WHERE type IS NULL AND json_extract(json, '$.text') LIKE '%退款什么时候%')`
      const count = raw.prepare(`SELECT count(*) FROM conversations WHERE ${where}`)
      const rows = raw.prepare(
        `SELECT id, json FROM conversations WHERE ${where} ORDER BY opened_at DESC, id DESC LIMIT ${PAGE}`,
      )
      const times = await timed(Math.min(profile.reads, 5), async () => {
        count.get()
        rows.all()
      })
      figures.push(figure(section, 'baseline: text "退款什么时候" as LIKE over entries, no index', times))
    } finally {
      raw.close()
    }
    return figures
  } finally {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

async function fill(store: EmbeddedTranscriptStore, conversations: number): Promise<number> {
  const next = random(42)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T
  const started = Date.now()
  for (let first = 0; first < conversations; first += CHUNK) {
    const batches: TranscriptBatch[] = []
    for (let n = first; n < Math.min(conversations, first + CHUNK); n++) {
      const id = `conv-${n}`
      const openedAt = START + Math.floor((n / conversations) * DAYS * DAY)
      const agentId = `agent-${n % AGENTS}`
      const customer = `cust-${n % 30_000}`
      const line = (k: number, direction: 'in' | 'out', text: string): MessageEntry => ({
        kind: 'message',
        id: `${id}-${k}`,
        conversationId: id,
        at: openedAt + k * 60_000,
        seq: k,
        actor: direction === 'in' ? { id: customer, role: 'customer' } : { id: agentId, role: 'agent' },
        direction,
        text,
      })
      const rated = next() < 0.4
      const summary: ConversationSummary = {
        id,
        code: `A${n % 1000}`,
        customerId: customer,
        customerName: `${pick(NAMES)}${pick(NAMES)}${n % 97}`,
        status: next() < 0.8 ? 'closed' : 'assigned',
        agentId,
        openedAt,
        firstResponseAt: openedAt + 60_000,
        overdueCount: 0,
        category: pick(['consult', 'order', 'aftersales', 'complaint']),
        ...(rated && { rating: 1 + Math.floor(next() * 5) }),
        rev: 1,
      }
      batches.push({
        entries: [
          line(0, 'in', pick(CUSTOMER_LINES)),
          line(1, 'out', pick(AGENT_LINES)),
          line(2, 'in', pick(CUSTOMER_LINES)),
          line(3, 'out', pick(AGENT_LINES)),
          line(4, 'in', next() < 0.05 ? `电话 139${String(n).padStart(8, '0')}` : '好的，谢谢'),
        ],
        conversation: summary,
      })
    }
    // Written in one turn of the event loop: one group commit, as the bot's writes under load are.
    await Promise.all(batches.map((batch) => store.write(batch)))
    const done = Math.min(conversations, first + CHUNK)
    if (done % (CHUNK * 10) === 0 || done === conversations) {
      progress(
        `search: ${done.toLocaleString('en')} of ${conversations.toLocaleString('en')} conversations stored`,
      )
    }
  }
  return Date.now() - started
}

async function timed(runs: number, run: () => Promise<void>): Promise<number[]> {
  await run() // warm the page cache and the statement cache
  const times: number[] = []
  for (let n = 0; n < runs; n++) {
    const started = process.hrtime.bigint()
    await run()
    times.push(Number(process.hrtime.bigint() - started) / 1e6)
  }
  return times.sort((a, b) => a - b)
}

function figure(section: string, measure: string, sorted: number[], targetMs?: number): Figure {
  const p95 = percentile(sorted, 95)
  return {
    section,
    measure: `${measure}: p50 / p95`,
    value: `${percentile(sorted, 50).toFixed(1)} / ${p95.toFixed(1)} ms`,
    ...(targetMs !== undefined && { target: `p95 ≤ ${targetMs} ms`, met: p95 <= targetMs }),
  }
}
