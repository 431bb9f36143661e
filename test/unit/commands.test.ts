import { describe, expect, it } from 'vitest'
import { closestCommand, looksLikeStaffCommand, parseStaffInput } from '../../src/domain/commands.js'

describe('what staff type', () => {
  it('reads a reply that starts with a code, in the forms agents type', () => {
    for (const typed of [
      'A17 您好',
      'a17 您好',
      'A17：您好',
      'A17,您好',
      '【A17】您好',
      '【 a17 】 您好',
      '　A17　您好',
    ]) {
      expect(parseStaffInput(typed)).toEqual({ kind: 'coded-reply', code: 'A17', text: '您好' })
    }
  })

  it('keeps text that merely starts like a code as plain text', () => {
    expect(parseStaffInput('A4纸没有了')).toEqual({ kind: 'text', text: 'A4纸没有了' })
    expect(parseStaffInput('好的')).toEqual({ kind: 'text', text: '好的' })
    expect(parseStaffInput('A17')).toEqual({ kind: 'text', text: 'A17' })
  })

  it('parses commands and their arguments, with full-width slash and any case', () => {
    expect(parseStaffInput('/list')).toEqual({ kind: 'command', command: { name: 'list' } })
    expect(parseStaffInput('／LIST')).toEqual({ kind: 'command', command: { name: 'list' } })
    expect(parseStaffInput('/take')).toEqual({ kind: 'command', command: { name: 'take' } })
    expect(parseStaffInput('/take a3')).toEqual({ kind: 'command', command: { name: 'take', code: 'A3' } })
    expect(parseStaffInput('/transfer A3 Li Wei')).toEqual({
      kind: 'command',
      command: { name: 'transfer', code: 'A3', staff: 'Li Wei' },
    })
    expect(parseStaffInput('/off force')).toEqual({ kind: 'command', command: { name: 'off', force: true } })
  })

  it('names what is wrong with a known command used wrongly', () => {
    expect(parseStaffInput('/close')).toMatchObject({
      kind: 'bad-usage',
      name: 'close',
      problem: 'missing-code',
    })
    expect(parseStaffInput('/close 17')).toMatchObject({ kind: 'bad-usage', problem: 'bad-code' })
    expect(parseStaffInput('/assign A1')).toMatchObject({ kind: 'bad-usage', problem: 'missing-staff' })
    expect(parseStaffInput('/list everything')).toMatchObject({ kind: 'bad-usage', problem: 'extra' })
    expect(parseStaffInput('/off now')).toMatchObject({ kind: 'bad-usage', problem: 'extra' })
  })

  it('names a customer by a conversation code or else by a contact id, and reads the erase confirmation', () => {
    expect(parseStaffInput('/export a17')).toEqual({
      kind: 'command',
      command: { name: 'export', customer: { code: 'A17' } },
    })
    expect(parseStaffInput('/erase wxid_li88 confirm')).toEqual({
      kind: 'command',
      command: { name: 'erase', customer: { customerId: 'wxid_li88' }, confirm: true },
    })
    expect(parseStaffInput('/erase A17 确认')).toMatchObject({ command: { confirm: true } })
    expect(parseStaffInput('/erase')).toMatchObject({ kind: 'bad-usage', problem: 'missing-customer' })
    expect(parseStaffInput('/erase A17 now')).toMatchObject({ kind: 'bad-usage', problem: 'extra' })
  })

  it('suggests the command meant by a typo, and nothing when it is unclear', () => {
    expect(parseStaffInput('/lsit')).toEqual({ kind: 'unknown-command', typed: '/lsit', suggestion: 'list' })
    expect(closestCommand('trasnfer')).toBe('transfer')
    expect(closestCommand('stat')).toBe('stats')
    expect(closestCommand('xyzzy')).toBeUndefined()
    expect(closestCommand('of')).toBeUndefined()
  })

  it('recognises a customer typing a staff command, but not other slashes', () => {
    expect(looksLikeStaffCommand('/assign A1 小王')).toBe(true)
    expect(looksLikeStaffCommand('／stats')).toBe(true)
    expect(looksLikeStaffCommand('/ 我想问一下')).toBe(false)
    expect(looksLikeStaffCommand('1/2 的价格')).toBe(false)
  })
})
