import { afterEach, describe, expect, it } from 'vitest'
import type { ConsoleLinkResult, ConsoleLinks } from '../../src/web/port.js'
import { KernelHarness, keysIn } from '../support/kernel.js'

const MINUTE = 60_000
const TOKEN = 'tok3nSecretAbc123'
const URL = `https://console.example.com/login/${TOKEN}`
const SHOP = { id: 'shop@chatroom', topic: '小店客户群' }
let h: KernelHarness
afterEach(() => h?.close())

/** Login links as the handler sees them: answers as told, and remembers who asked when. */
class RecordedLinks implements ConsoleLinks {
  readonly asked: { staffId: string; at: number }[] = []
  constructor(private readonly answer: (at: number) => ConsoleLinkResult) {}
  async issue(staffId: string, at: number): Promise<ConsoleLinkResult> {
    this.asked.push({ staffId, at })
    return this.answer(at)
  }
}

const issuing = () => new RecordedLinks((at) => ({ status: 'issued', url: URL, expiresAt: at + 5 * MINUTE }))

/** Everything the store holds of every conversation opened today, and its audit table. */
async function everythingStored(): Promise<string> {
  const conversations = await h.store.conversationsOpenedBetween(0, h.now + MINUTE)
  const entries = await Promise.all(conversations.map((conversation) => h.store.entries(conversation.id)))
  return JSON.stringify({ conversations, entries, audit: await h.store.auditRecords() })
}

describe('/console', () => {
  it('sends whoever asks a one-time link, 1:1, and keeps it out of the logs and the transcript', async () => {
    const links = issuing()
    h = await new KernelHarness({}, links).start()
    await h.says('agent-a', '/on')
    await h.says('cust-li', '你好', '李四')
    for (const staff of ['agent-a', 'supervisor-1', 'manager-1']) {
      const before = h.outbox.sent.length
      await h.says(staff, '/console')
      expect(links.asked.at(-1)).toEqual({ staffId: staff, at: h.now })
      const said = h.outbox.sent.slice(before)
      expect(said).toHaveLength(1)
      expect(said[0]).toMatchObject({ to: staff, purpose: 'console-link' })
      expect(keysIn(said[0]?.text ?? '')).toEqual(['console.link'])
      expect(said[0]?.text).toContain(URL)
      // 10:00 in Shanghai, and the link lives five minutes.
      expect(said[0]?.text).toContain('"until":"10:05:00"')
    }
    expect(JSON.stringify(h.log.lines)).not.toContain(TOKEN)
    expect(await everythingStored()).not.toContain(TOKEN)
  })

  it('tells a staff member who asked too often when to ask again', async () => {
    const links = new RecordedLinks(() => ({ status: 'rate-limited', retryInMs: 2 * MINUTE + 1 }))
    h = await new KernelHarness({}, links).start()
    await h.says('supervisor-1', '/console')
    expect(h.heard('supervisor-1')).toEqual([['console.rateLimited']])
    expect(h.outbox.sent.at(-1)?.text).toContain('"minutes":3')
  })

  it('says the console is off when none is configured', async () => {
    h = await new KernelHarness().start()
    await h.says('manager-1', '/console')
    expect(h.heard('manager-1')).toEqual([['console.notConfigured']])
  })

  it('treats a customer sending /console as a customer: no link is asked for or sent', async () => {
    const links = issuing()
    h = await new KernelHarness({}, links).start()
    await h.says('cust-li', '/console', '李四')
    expect(h.heard('cust-li')).toEqual([['customer.commandRefused']])
    expect(links.asked).toEqual([])
    expect(JSON.stringify(h.outbox.sent)).not.toContain(TOKEN)
  })

  it('posts no link in a group, where /console is no command', async () => {
    const links = issuing()
    h = await new KernelHarness({ groups: { watch: [SHOP.id] } }, links).start()
    await h.saysIn(SHOP, 'cust-zhang', '在吗', { name: '张三' })
    await h.saysIn(SHOP, 'agent-a', '/console')
    expect(links.asked).toEqual([])
    expect(JSON.stringify(h.outbox.sent)).not.toContain(TOKEN)
  })

  it('tells the supervisors of a link the outbox gave up on, without the link', async () => {
    h = await new KernelHarness({}, issuing()).start()
    await h.says('agent-a', '/console')
    const link = h.outbox.sent.at(-1)
    await h.kernel.receiveSendFailure({
      outboxId: link?.id ?? '',
      purpose: 'console-link',
      outgoing: { kind: 'text', to: 'agent-a', text: link?.text ?? '' },
      error: 'WeChat is not logged in',
    })
    const notice = h.outbox.sent.find((sent) => sent.to === 'supervisor-1')?.text ?? ''
    expect(keysIn(notice)).toEqual(['supervisor.sendFailed'])
    expect(notice).toContain('console.linkWithheld')
    expect(notice).not.toContain(TOKEN)
  })
})
