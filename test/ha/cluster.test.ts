import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBot, readAccountsReport } from '../../src/app.js'
import { dayKey } from '../../src/domain/zoned-time.js'
import { Harness, received } from '../support/harness.js'
import { RedisCluster } from '../support/redis-cluster.js'
import { ConsoleClient } from '../web/console-client.js'
import { coreLoop } from './core-loop.js'

let cluster: RedisCluster
beforeAll(async () => {
  cluster = await RedisCluster.start()
}, 60_000)
afterAll(() => cluster?.close())

/** How many WAITs each node has run, by port. */
async function waitCalls(): Promise<Map<number, number>> {
  const calls = new Map<number, number>()
  for (const server of cluster.servers) {
    const probe = new Redis(server.port, '127.0.0.1')
    const stats = await probe.info('commandstats').finally(() => probe.disconnect())
    calls.set(server.port, Number(/cmdstat_wait:calls=(\d+)/.exec(stats)?.[1] ?? 0))
  }
  return calls
}

const hashTagged = () => `{kefu-${randomBytes(3).toString('hex')}}`

describe('the bot on a Redis Cluster (3 masters, 3 replicas)', () => {
  it('runs the core loop under a hash-tagged prefix: assigned, answered, escalated', async () => {
    const h = await new Harness({
      sla: { replyTimeout: '1s' },
      redis: { cluster: { nodes: cluster.nodes }, prefix: hashTagged() },
    }).start()
    try {
      await h.onDuty(h.agentA)
      await coreLoop(h, 'c')
      await h.settle()
      const [conversation] = await h.bot.transcripts.conversationsOfCustomer('cust-zhang')
      expect(conversation).toMatchObject({ agentId: 'agent-a' })
    } finally {
      await h.stop()
    }
  }, 60_000)

  it('keeps three accounts on the one cluster apart: no message, timer, alert, send, transcript, report row or console summary crosses', async () => {
    // Three hash tags whose slots lie on three different masters: the accounts spread over the shards.
    const prefixes: string[] = []
    const masters = new Set<number>()
    while (prefixes.length < 3) {
      const prefix = hashTagged()
      const master = (await cluster.masterOf(prefix)).port
      if (masters.has(master)) continue
      masters.add(master)
      prefixes.push(prefix)
    }
    // The layout of docs/operations.md, "Several accounts": one process per account, its own prefix
    // and its own store file (each harness has one), each console listing the other two.
    const names = ['shop-a', 'shop-b', 'shop-c']
    const tags = ['甲', '乙', '丙']
    const accounts = prefixes.map(
      (prefix, index) =>
        new Harness({
          sla: { replyTimeout: '1s' },
          redis: { cluster: { nodes: cluster.nodes }, prefix },
          account: { name: names[index] as string, title: `${tags[index]}店` },
          console: {
            port: 0,
            accounts: prefixes
              .map((sibling, at) => ({ name: names[at] as string, prefix: sibling }))
              .filter((_, at) => at !== index),
          },
        }),
    )
    try {
      await Promise.all(accounts.map((h) => h.start()))
      await Promise.all(accounts.map((h) => h.onDuty(h.agentA)))
      const startedAt = Date.now()
      await Promise.all(accounts.map((h, index) => coreLoop(h, tags[index] as string)))
      await Promise.all(accounts.map((h) => h.settle()))
      accounts.forEach((h, index) => {
        const others = tags.filter((_, other) => other !== index)
        const seen = [
          h.agentA,
          h.agentB,
          h.supervisor,
          h.manager,
          h.person('cust-zhang'),
          h.person('cust-li'),
        ]
          .flatMap((person) => person.texts())
          .join('\n')
        expect(seen).toContain(tags[index])
        for (const other of others) expect(seen).not.toContain(other)
      })
      // Each account's own records: one conversation per customer, its code the first of its own,
      // and nothing in its store of another account's.
      for (const [index, h] of accounts.entries()) {
        const conversations = await h.bot.transcripts.conversationsOfCustomer('cust-zhang')
        expect(conversations.map((conversation) => conversation.code)).toEqual(['A1'])
        const mine = [...conversations, ...(await h.bot.transcripts.conversationsOfCustomer('cust-li'))]
        const entries = JSON.stringify(
          await Promise.all(mine.map((conversation) => h.bot.transcripts.entries(conversation.id))),
        )
        expect(entries).toContain(tags[index])
        for (const other of tags.filter((_, at) => at !== index)) expect(entries).not.toContain(other)
      }
      // The managers' report across the three: each account its own two conversations, the total six.
      const timeZone = accounts[0]?.bot.config.timeZone ?? 'Asia/Shanghai'
      const { accounts: reports, total } = await readAccountsReport(
        accounts.map((h) => h.bot.config),
        { from: dayKey(startedAt, timeZone), to: dayKey(Date.now(), timeZone), by: 'range' },
        () => undefined,
      )
      expect(reports.map(({ report }) => report.periods[0]?.team.conversations)).toEqual([2, 2, 2])
      expect(total.periods[0]?.agents.map((row) => [row.agentId, row.conversations])).toEqual([
        ['shop-a', 2],
        ['shop-b', 2],
        ['shop-c', 2],
      ])
      // A second agent on duty in shop-b only: each console summary shows its account's own count.
      await accounts[1]?.onDuty(accounts[1].agentB)
      for (const [index, h] of accounts.entries()) {
        h.manager.say('/console')
        const link = await received(h.manager, /\/login\/\S+/, 10_000)
        const origin = new URL(/https?:\/\/\S+/.exec(link)?.[0] ?? '').origin
        const client = new ConsoleClient(origin)
        await client.login(/https?:\/\/\S+/.exec(link)?.[0] ?? '')
        const page = await (await client.get('/accounts')).text()
        expect(page).toContain(`<span class="account" data-account>${tags[index]}店</span>`)
        // Every log line of the account's process names it.
        expect(h.log.lines.find((line) => line.message === 'bot started')?.fields).toMatchObject({
          account: names[index],
        })
        for (const [at, name] of names.entries()) {
          const row = new RegExp(`<tr data-account="${name}">([\\s\\S]*?)</tr>`).exec(page)?.[1] ?? ''
          expect(row).toContain('<td data-open>2</td>')
          expect(row).toContain(`<td data-on-duty>${at === 1 ? 2 : 1}</td>`)
        }
      }
    } finally {
      await Promise.all(accounts.map((h) => h.stop()))
    }
  }, 90_000)

  it('sends WAIT (redis.waitReplicas) to the master of the account’s slot, where its writes went', async () => {
    const prefix = hashTagged()
    const h = await new Harness({
      sla: { replyTimeout: '1m' },
      redis: { cluster: { nodes: cluster.nodes }, prefix, waitReplicas: { replicas: 1, timeout: '500ms' } },
    }).start()
    try {
      const before = await waitCalls()
      await h.onDuty(h.agentA)
      h.customer('cust-zhou', '周八').say('在吗')
      await received(h.agentA, '周八：在吗', 10_000)
      const after = await waitCalls()
      const master = (await cluster.masterOf(prefix)).port
      // Elsewhere WAIT would answer at once, this connection having written nothing there.
      for (const [port, calls] of after)
        expect([port, calls - (before.get(port) ?? 0) > 0]).toEqual([port, port === master])
    } finally {
      await h.stop()
    }
  }, 60_000)

  it('refuses a prefix without a hash tag before it connects, saying why', () => {
    expect(() =>
      createBot({ redis: { cluster: { nodes: cluster.nodes }, prefix: 'kefu' }, staff: [{ id: 'agent-a' }] }),
    ).toThrow(/in a Redis Cluster the prefix must be hash-tagged, e\.g\. \{shop-a\}/)
  })
})
