import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { keysFor } from '../../src/queue/keys.js'
import type { LiveState } from '../../src/state/port.js'
import { RedisLiveState } from '../../src/state/redis-state.js'
import { accountRoutes } from '../../src/web/routes/accounts.js'
import { testRedis } from '../support/redis.js'
import { get, type PagesUnderTest, servePages } from './store-parts.js'

/**
 * The accounts page over the real Redis: this account and a sibling under its own prefix, each
 * written to by its own live state as its bot would, read side by side by a manager.
 */

const NOW = 1_000_000
const redis = testRedis()
let pages: PagesUnderTest
let n = 0

/** A customer message to `state`, its reply clock started `waitedMs` ago; its overdue step at 60 s. */
async function customerWaits(state: LiveState, customerId: string, waitedMs: number): Promise<void> {
  const at = NOW - waitedMs
  const result = await state.ingestCustomerMessage({
    messageId: `m${++n}`,
    kind: 'text',
    customerId,
    customerName: `name-${customerId}`,
    text: 'hello',
    at,
    newConversationId: `conv-${customerId}`,
    flood: { max: 1000, per: 10_000 },
    // Three steps, the second the overdue one, as the default ladder has them.
    deadlines: [at + 48_000, at + 60_000, at + 120_000],
    fallbackCategory: 'consult',
    offerMenu: false,
  })
  if (result.status !== 'taken') throw new Error(`a message from ${customerId} was ${result.status}`)
}

beforeAll(async () => {
  pages = await servePages([accountRoutes], {
    now: NOW,
    siblings: [{ name: 'shop-b', title: '二店', url: 'https://b.example.com/' }],
  })
  const own = pages.parts.state as LiveState
  const [sibling] = pages.config.console.accounts
  if (!sibling) throw new Error('no sibling configured')
  // The sibling's bot writes under its own prefix; this test does it with that prefix's live state.
  const theirs = new RedisLiveState(redis, keysFor(sibling.prefix))
  // Here: one customer queued (nobody on duty), waiting 10 s.
  await customerWaits(own, 'here-1', 10_000)
  // The sibling: an agent on duty holding two waiting customers, one of them past the overdue step.
  await theirs.goOnDuty({ agentId: 'agent-b1', cap: 5 })
  await customerWaits(theirs, 'there-1', 5_000)
  await customerWaits(theirs, 'there-2', 90_000)
})
afterAll(async () => {
  await pages.close()
  redis.disconnect()
})

const cells = (page: string, account: string) => {
  const row = new RegExp(`<tr data-account="${account}">([\\s\\S]*?)</tr>`).exec(page)?.[1] ?? ''
  const of = (name: string) => new RegExp(`<td data-${name}[^>]*>(\\d+)</td>`).exec(row)?.[1]
  return {
    row,
    numbers: {
      open: of('open'),
      waiting: of('waiting'),
      overdue: of('overdue'),
      queued: of('queued'),
      onDuty: of('on-duty'),
    },
  }
}

describe('the accounts page', () => {
  it("shows a manager each account's floor from its own prefix, and the total", async () => {
    const response = await get(pages, 'mgr-1', '/accounts')
    expect(response.status).toBe(200)
    const page = await response.text()
    const own = cells(page, pages.config.account.name)
    expect(own.numbers).toEqual({ open: '1', waiting: '1', overdue: '0', queued: '1', onDuty: '0' })
    expect(own.row).toContain('（本账号）')
    const sibling = cells(page, 'shop-b')
    expect(sibling.numbers).toEqual({ open: '2', waiting: '2', overdue: '1', queued: '0', onDuty: '1' })
    expect(sibling.row).toContain('<a href="https://b.example.com/">二店</a>')
    const total = /<tr data-total>([\s\S]*?)<\/tr>/.exec(page)?.[1] ?? ''
    expect(total).toContain('<td data-open>3</td>')
    expect(total).toContain('<td data-on-duty>1</td>')
    // Read-only: the page's one form is the logout button; no customer's name or text is shown.
    expect(page.match(/<form/g)).toHaveLength(1)
    expect(page).not.toContain('name-there')
    expect(page).not.toContain('hello')
    // The navigation leads a manager here, and names this console's account.
    expect(page).toContain('<a href="/accounts">各账号概况</a>')
    expect(page).toContain(`<span class="account" data-account>${pages.config.account.name}</span>`)
  })

  it('is for managers only', async () => {
    for (const staffId of ['sup-1', 'agent-a']) {
      const response = await get(pages, staffId, '/accounts')
      expect(response.status).toBe(403)
      const page = await response.text()
      expect(page).toContain('只有经理可以查看各账号概况。')
      expect(page).not.toContain('data-account="shop-b"')
      expect(page).not.toContain('href="/accounts"')
    }
  })
})
