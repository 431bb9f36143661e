import { describe, expect, it } from 'vitest'
import type { Staff } from '../../src/domain/staff.js'
import type { TranscriptEntry } from '../../src/domain/transcript.js'
import { mayRead, shownEntry, shownName, shownText, sightOf } from '../../src/domain/visibility.js'

const member = (id: string, ...roles: Staff['roles']): Staff => ({ id, name: id, roles })

describe('who sees what of a customer', () => {
  it('shows a supervisor the phone number masked and a manager the number whole', () => {
    const text = '我的电话 13812345678'
    expect(shownText(sightOf(member('sue', 'supervisor')), text)).toBe('我的电话 138****5678')
    expect(shownText(sightOf(member('max', 'manager')), text)).toBe(text)
    expect(shownText(sightOf(member('both', 'supervisor', 'manager')), text)).toBe(text)
    expect(shownName(sightOf(member('sue', 'supervisor')), '王小明')).toBe('王**')
  })

  it('lets an agent open only the conversations assigned to them', () => {
    const agent = member('amy', 'agent')
    expect(mayRead(agent, { agentId: 'amy' })).toBe(true)
    expect(mayRead(agent, { agentId: 'bob' })).toBe(false)
    expect(mayRead(agent, {})).toBe(false)
    expect(mayRead(member('sue', 'supervisor'), { agentId: 'bob' })).toBe(true)
  })

  it("masks a transcript entry's customer, not its staff, for a supervisor; a manager gets it as stored", () => {
    const base = { conversationId: 'c1', at: 0, seq: 0 }
    const said: TranscriptEntry = {
      ...base,
      kind: 'message',
      id: 'm1',
      direction: 'in',
      actor: { id: 'cust-li', role: 'customer', name: '李四' },
      text: '电话 13812345678',
    }
    const answered: TranscriptEntry = {
      ...base,
      kind: 'message',
      id: 'm2',
      direction: 'out',
      actor: { id: 'agent-a', role: 'agent', name: '小王' },
      text: '收到',
    }
    const waiting: TranscriptEntry = {
      ...base,
      kind: 'event',
      id: 'e1',
      type: 'group-waiting',
      actor: { id: 'cust-li', role: 'customer', name: '李四' },
      data: { customerId: 'cust-li', customerName: '李四' },
    }
    expect(shownEntry('masked', said)).toMatchObject({ actor: { name: '李*' }, text: '电话 138****5678' })
    expect(shownEntry('masked', answered)).toEqual(answered)
    expect(shownEntry('masked', waiting)).toMatchObject({
      actor: { name: '李*' },
      data: { customerId: 'cust-li', customerName: '李*' },
    })
    for (const entry of [said, answered, waiting]) expect(shownEntry('whole', entry)).toBe(entry)
  })
})
