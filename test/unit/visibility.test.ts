import { describe, expect, it } from 'vitest'
import type { Staff } from '../../src/domain/staff.js'
import { mayRead, shownName, shownText, sightOf } from '../../src/domain/visibility.js'

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
})
