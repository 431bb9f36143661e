import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually, received, STAFF } from '../support/harness.js'
import { type ConsoleClient, consoleBot, field } from './console-client.js'

let bot: Awaited<ReturnType<typeof consoleBot>>
let id = ''
const as = async (member: { id: string }): Promise<ConsoleClient> => {
  const browser = bot.client()
  await browser.login(await bot.link(member))
  return browser
}

beforeAll(async () => {
  bot = await consoleBot()
  const { h } = bot
  await h.onDuty(h.agentA)
  const sun = h.customer('cust-sun', '孙七')
  sun.say('我的手机号是13812345678，帮我查下物流')
  await received(h.agentA, '【A1】孙七：我的手机号是13812345678')
  await h.settle()
  const [conversation] = await h.bot.transcripts.conversationsOfCustomer('cust-sun')
  id = conversation?.id ?? ''
}, 60_000)
afterAll(() => bot?.stop())

const reads = async () =>
  (await bot.h.bot.transcripts.entries(id)).filter(
    (entry) => entry.kind === 'event' && entry.type === 'transcript-read',
  )

describe('the conversation page', () => {
  it('shows a supervisor personal data masked, a manager whole, and records each read', async () => {
    const supervisor = await (await as(STAFF.supervisor)).get(`/conversations/${id}`)
    expect(supervisor.status).toBe(200)
    const masked = await supervisor.text()
    expect(masked).toContain('138****5678')
    expect(masked).not.toContain('13812345678')
    expect(masked).toContain('孙*')
    expect(masked).toMatch(/<li data-entry="in">/)

    const manager = await (await as(STAFF.manager)).get(`/conversations/${id}`)
    const whole = await manager.text()
    expect(whole).toContain('13812345678')
    expect(whole).toContain('孙七')

    await eventually(async () => (await reads()).length === 2, 5000, 'both reads recorded')
    const [first, second] = await reads()
    expect(first).toMatchObject({
      actor: { id: STAFF.supervisor.id },
      data: { by: STAFF.supervisor.id, via: 'web', sight: 'masked' },
    })
    expect(second).toMatchObject({
      actor: { id: STAFF.manager.id },
      data: { by: STAFF.manager.id, via: 'web', sight: 'whole' },
    })
  })

  it('lets an agent open their own conversation only; a colleague gets 403', async () => {
    expect((await (await as(STAFF.agentA)).get(`/conversations/${id}`)).status).toBe(200)
    const colleague = await (await as(STAFF.agentB)).get(`/conversations/${id}`)
    expect(colleague.status).toBe(403)
    expect(await colleague.text()).not.toContain('13812345678')
    expect((await (await as(STAFF.agentB)).get('/conversations/unknown')).status).toBe(404)
  })

  it('finds a conversation by its code', async () => {
    const response = await (await as(STAFF.supervisor)).get('/c/a1')
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe(`/conversations/${id}`)
  })

  it('offers assign to supervisors only, and a page assign moves the conversation in WeChat', async () => {
    const agentPage = await (await (await as(STAFF.agentA)).get(`/conversations/${id}`)).text()
    expect(agentPage).not.toContain('data-action="assign"')
    expect(agentPage).toContain('data-action="transfer"')

    const { h } = bot
    await h.onDuty(h.agentB)
    const supervisor = await as(STAFF.supervisor)
    const page = await (await supervisor.get(`/conversations/${id}`)).text()
    expect(page).toMatch(/<form data-action="assign" method="post" action="\/conversations\/[^"]+\/assign">/)
    const assigned = await supervisor.post(
      `/conversations/${id}/assign`,
      { csrf: field(page, 'csrf'), agent: STAFF.agentB.id },
      { origin: bot.origin },
    )
    expect(assigned.status).toBe(303)
    expect(assigned.headers.get('location')).toBe(`/conversations/${id}?done=assign`)
    await received(h.agentB, '【A1】陈主管 将会话分配给您')
    await received(h.supervisor, '会话 A1 已分配给 小李')
    const after = await (await supervisor.get(`/conversations/${id}?done=assign`)).text()
    expect(after).toContain('data-done="assign"')
    expect(after).toContain('小李')
  })

  it('closes from the page; a closed conversation offers no moves', async () => {
    const { h } = bot
    const zhou = h.customer('cust-zhou', '周九')
    zhou.say('请帮我改一下收货地址')
    await received(h.agentA, '周九：请帮我改一下收货地址')
    await h.settle()
    const [conversation] = await h.bot.transcripts.conversationsOfCustomer('cust-zhou')
    const path = `/conversations/${conversation?.id}`
    const supervisor = await as(STAFF.supervisor)
    const csrf = await supervisor.csrf(path)
    const closed = await supervisor.post(`${path}/close`, { csrf }, { origin: bot.origin })
    expect(closed.status).toBe(303)
    expect(closed.headers.get('location')).toBe(`${path}?done=close`)
    const page = await (await supervisor.get(path)).text()
    expect(page).toContain('data-fact="status">已结束')
    expect(page).not.toContain('data-action=')
    expect((await supervisor.post(`${path}/close`, { csrf })).status).toBe(403)
  })

  it('refuses an assign without the CSRF token, and one to somebody who is no agent', async () => {
    const supervisor = await as(STAFF.supervisor)
    expect((await supervisor.post(`/conversations/${id}/assign`, { agent: STAFF.agentA.id })).status).toBe(
      403,
    )
    const csrf = await supervisor.csrf(`/conversations/${id}`)
    const wrong = await supervisor.post(`/conversations/${id}/assign`, { csrf, agent: STAFF.manager.id })
    expect(wrong.status).toBe(400)
  })
})
