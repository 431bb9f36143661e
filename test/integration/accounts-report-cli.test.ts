import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../src/cli.js'
import type { ConversationSummary, TranscriptEntry } from '../../src/domain/transcript.js'
import { zonedTime } from '../../src/domain/zoned-time.js'
import { EmbeddedTranscriptStore } from '../../src/store/embedded.js'

/** Two accounts of one deployment, each with its own config and store file, reported together. */

const TZ = 'Asia/Shanghai'
const DAY = '2026-11-02'
const dir = mkdtempSync(join(tmpdir(), 'kefu-accounts-report-'))
const at = (hour: number, seconds = 0) => zonedTime(DAY, hour * 60, TZ) + seconds * 1000

interface Account {
  name: string
  title: string
  config: string
  store: string
}
const account = (name: string, title: string): Account => ({
  name,
  title,
  config: join(dir, `${name}.json`),
  store: join(dir, name, 'transcripts.db'),
})
const SHOP_A = account('shop-a', '旗舰店')
const SHOP_B = account('shop-b', '二店')

function summary(id: string, agentId: string, openedAt: number, firstResponseS: number): ConversationSummary {
  return {
    id,
    code: id.toUpperCase(),
    customerId: `customer-${id}`,
    customerName: '客户',
    status: 'assigned',
    agentId,
    firstResponderId: agentId,
    openedAt,
    firstResponseAt: openedAt + firstResponseS * 1000,
    overdueCount: 0,
    rev: 1,
  }
}

function overdue(id: string, conversationId: string, agentId: string, when: number): TranscriptEntry {
  return {
    id,
    conversationId,
    at: when,
    seq: 0,
    actor: { id: 'bot', role: 'bot' },
    kind: 'event',
    type: 'overdue',
    data: { agentId },
  }
}

/** One account's config file and store: its agent's conversations answered after `responses` seconds. */
async function seed(
  shop: Account,
  agent: { id: string; name: string },
  responses: number[],
  overdueOnes: number,
  extra: object = {},
): Promise<void> {
  writeFileSync(
    shop.config,
    JSON.stringify({
      account: { name: shop.name, title: shop.title },
      redis: { prefix: `{${shop.name}}` },
      timeZone: TZ,
      store: { file: shop.store },
      staff: [agent],
      ...extra,
    }),
  )
  const store = new EmbeddedTranscriptStore(shop.store)
  await store.init()
  for (const [index, seconds] of responses.entries()) {
    const id = `${shop.name}-c${index}`
    await store.write({
      conversation: summary(id, agent.id, at(9 + index), seconds),
      entries: index < overdueOnes ? [overdue(`${id}-o`, id, agent.id, at(9 + index, 300))] : [],
    })
  }
  await store.close()
}

function capture() {
  let text = ''
  return { write: (chunk: string) => (text += chunk), text: () => text }
}

async function report(...argv: string[]) {
  const stdout = capture()
  const stderr = capture()
  const code = await main(['report', '--from', DAY, '--to', DAY, ...argv], { stdout, stderr, env: {} })
  return { code, stdout: stdout.text(), stderr: stderr.text() }
}

/** The Markdown table row whose first cell after the date is `label`. */
function row(markdown: string, label: string): string[] {
  const line = markdown.split('\n').find((text) => text.split('|')[2]?.trim() === label)
  return (line ?? '').split('|').map((cell) => cell.trim())
}

beforeAll(async () => {
  // 旗舰店: 小王 answers in 10 s, 20 s and 30 s, one of them overdue. 二店: 小李 in 40 s and 50 s.
  await seed(SHOP_A, { id: 'wx-wang', name: '小王' }, [10, 20, 30], 1)
  await seed(SHOP_B, { id: 'wx-li', name: '小李' }, [40, 50], 0)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('npm run report across accounts', () => {
  it('reads one account from one --config as KEFU_CONFIG would', async () => {
    const { code, stdout } = await report('--config', SHOP_A.config)
    expect(code).toBe(0)
    expect(stdout).toContain(`# 客服 KPI 报表：${DAY} 至 ${DAY}`)
    expect(row(stdout, '小王')[3]).toBe('3')
    expect(stdout).not.toContain('小李')
  })

  it("prints each account's report under its title, then the total with a row per account", async () => {
    const { code, stdout, stderr } = await report('--config', SHOP_A.config, '--config', SHOP_B.config)
    expect(code).toBe(0)
    expect(stderr).toContain('正在读取账号 旗舰店 的记录库')
    expect(stderr).toContain('正在读取账号 二店 的记录库')
    const [a, b, total] = stdout.split(/^(?=# )/m)
    expect(a).toContain(`# 客服 KPI 报表：旗舰店 · ${DAY} 至 ${DAY}`)
    expect(b).toContain(`# 客服 KPI 报表：二店 · ${DAY} 至 ${DAY}`)
    expect(total).toContain(`# 客服 KPI 报表：全部 2 个账号合计 · ${DAY} 至 ${DAY}`)
    // Each account's report holds its own agents only.
    expect(row(a ?? '', '小王')[3]).toBe('3')
    expect(a).not.toContain('小李')
    expect(row(b ?? '', '小李')[3]).toBe('2')
    expect(b).not.toContain('小王')
    // The total: one row per account by title, and all accounts, the median from all five answers.
    expect(total).toContain('| 日期 | 账号 |')
    expect(row(total ?? '', '旗舰店')[3]).toBe('3')
    expect(row(total ?? '', '二店')[3]).toBe('2')
    const all = row(total ?? '', '**全部账号**')
    expect(all[3]).toBe('5')
    expect(all[5]).toBe('30秒')
    expect(total).not.toContain('小王')
  })

  it('leads every CSV row with its account, the total last', async () => {
    const { code, stdout } = await report(
      '--config',
      SHOP_A.config,
      '--config',
      SHOP_B.config,
      '--format',
      'csv',
    )
    expect(code).toBe(0)
    const lines = stdout.split('\r\n').filter(Boolean)
    expect(lines.filter((line) => line.startsWith('账号,日期,客服,'))).toHaveLength(2)
    expect(lines.some((line) => line.startsWith(`旗舰店,${DAY},小王,3,`))).toBe(true)
    expect(lines.some((line) => line.startsWith(`二店,${DAY},小李,2,`))).toBe(true)
    expect(lines).toContain(lines.find((line) => line.startsWith('账号,日期,账号,')))
    expect(lines.some((line) => line.startsWith(`全部账号,${DAY},旗舰店,3,`))).toBe(true)
    expect(lines.some((line) => line.startsWith(`全部账号,${DAY},全部账号,5,`))).toBe(true)
  })

  it('refuses two configs of one store, which it would count twice', async () => {
    const copy = join(dir, 'copy.json')
    writeFileSync(
      copy,
      JSON.stringify({
        account: { name: 'shop-c' },
        timeZone: TZ,
        store: { file: SHOP_A.store },
        staff: [{ id: 'wx-wang' }],
      }),
    )
    const { code, stdout, stderr } = await report('--config', SHOP_A.config, '--config', copy)
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toContain('账号 shop-a 与 shop-c 用的是同一个记录库')
  })

  it('refuses one account given twice, and accounts whose rules differ', async () => {
    const twice = await report('--config', SHOP_A.config, '--config', SHOP_A.config)
    expect(twice.code).toBe(1)
    expect(twice.stderr).toContain('账号 shop-a 与 shop-a 同名')
    const other = account('shop-d', '三店')
    await seed(other, { id: 'wx-zhao', name: '小赵' }, [5], 0, { tally: { overdueReply: -35 } })
    const differing = await report('--config', SHOP_A.config, '--config', other.config)
    expect(differing.code).toBe(1)
    expect(differing.stderr).toContain('账号 shop-d 的 tally 与账号 shop-a 不同')
  })

  it('names the file of a config that is wrong', async () => {
    const { code, stderr } = await report('--config', SHOP_A.config, '--config', join(dir, 'none.json'))
    expect(code).toBe(1)
    expect(stderr).toContain('none.json')
  })
})
