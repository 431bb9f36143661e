import { afterEach, describe, expect, it } from 'vitest'
import { Harness, received } from '../support/harness.js'

let h: Harness
afterEach(async () => {
  await h?.stop()
})

describe('/whoami through WeChat', () => {
  it('answers a customer and a staff member with their own contact id, and is no customer message', async () => {
    h = await new Harness().start()
    await h.onDuty(h.agentA)
    const li = h.customer('wxid_li_4', '李四')
    li.say('/whoami')
    expect(await received(li, '联系人 ID')).toBe('您的微信联系人 ID：\nwxid_li_4')
    h.agentB.say('/whoami')
    expect(await received(h.agentB, '联系人 ID')).toBe('您的微信联系人 ID：\nagent-b')

    await h.settle()
    expect(await h.bot.transcripts.conversationsOfCustomer('wxid_li_4')).toEqual([])
    expect(h.agentA.texts()).toEqual([expect.stringMatching(/您已上岗/)])
    expect(li.texts()).toHaveLength(1)
  })
})
