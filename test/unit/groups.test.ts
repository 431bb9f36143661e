import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/domain/config.js'
import { DEFAULT_ACKNOWLEDGEMENTS, watches } from '../../src/domain/group-config.js'
import { answerTarget, groupRules, parseQuote, readGroupMessage } from '../../src/domain/group-messages.js'
import type { InboundMessage } from '../../src/domain/inbound.js'
import { problems } from '../support/config-problems.js'

const staff = [{ id: 'agent-a', name: '小王' }]
const rules = groupRules(DEFAULT_ACKNOWLEDGEMENTS, {
  isStaff: (id) => id === 'agent-a',
  isStaffName: (name) => name === '小王',
})

function inRoom(
  text: string,
  extra: Partial<InboundMessage> & { mentions?: string[]; mentionsBot?: boolean } = {},
) {
  const { mentions = [], mentionsBot = false, ...rest } = extra
  const message: InboundMessage = {
    id: 'm1',
    from: { id: 'cust-zhang', name: '张三' },
    kind: 'text',
    text,
    receivedAt: 0,
    room: { id: 'shop@chatroom', topic: '小店', mentions, mentionsBot, fromBot: false },
    ...rest,
  }
  return message
}

describe('the groups configuration', () => {
  it('watches nothing unless told, and defaults to the regulations’ 10 minutes and ladder', () => {
    const { groups } = parseConfig({ staff })
    expect(groups.watch).toEqual([])
    expect(watches(groups, { id: 'shop@chatroom', topic: '小店' })).toBe(false)
    expect(groups.replyTimeout).toBe(600_000)
    expect(groups.ladder.map((step) => [step.after, step.notify])).toEqual([
      [480_000, ['agents']],
      [600_000, ['supervisors']],
      [1_200_000, ['managers']],
    ])
    expect(parseConfig({ staff }).tally.groupOverdue).toBe(-50)
  })

  it('watches rooms by id, by topic, or all', () => {
    const byTopic = parseConfig({ staff, groups: { watch: ['小店'] } }).groups
    expect(watches(byTopic, { id: 'x@chatroom', topic: '小店' })).toBe(true)
    expect(watches(byTopic, { id: 'x@chatroom', topic: '别的群' })).toBe(false)
    const all = parseConfig({ staff, groups: { watch: 'all' } }).groups
    expect(watches(all, { id: 'y@chatroom', topic: '' })).toBe(true)
  })

  it('refuses a wrong mode and durations without units', () => {
    expect(
      problems(() => parseConfig({ staff, groups: { replyTimeout: 600, answeredBy: 'someone' } })),
    ).toEqual([
      expect.stringMatching(/^groups.answeredBy: .*any.*mention/),
      expect.stringMatching(/^groups.replyTimeout: 600 has no unit/),
    ])
  })

  it('refuses agents nobody on the staff list is, and ladders out of order', () => {
    const rooms = [{ room: '小店', agents: ['小王', '老张'] }]
    expect(problems(() => parseConfig({ staff, groups: { rooms } }))).toEqual([
      'groups.rooms #1.agents #2: no staff member with the id, name or alias "老张"',
    ])
    const ladder = [{ after: '10m' }, { after: '5m' }]
    expect(problems(() => parseConfig({ staff, groups: { ladder } }))).toEqual([
      'groups.ladder #2.after: each step must come later than the one before it',
    ])
  })
})

describe('what a group message waits for', () => {
  it('waits for a question, not for thanks, acknowledgements or a thumbs-up', () => {
    expect(readGroupMessage(inRoom('请问什么时候发货'), rules)).toBe('waits')
    for (const text of ['谢谢', '谢谢！', '好的~', 'OK', '收到👌', '👍', '🙏🙏'])
      expect(readGroupMessage(inRoom(text), rules), text).toBe('acknowledgement')
    expect(readGroupMessage(inRoom('？？'), rules)).toBe('waits')
    expect(readGroupMessage(inRoom('好的，那运费怎么算'), rules)).toBe('waits')
  })

  it('does not wait for stickers or for talk between customers', () => {
    expect(readGroupMessage(inRoom('[表情]', { kind: 'emoticon' }), rules)).toBe('sticker')
    expect(readGroupMessage(inRoom('@李四 你买的哪个', { mentions: ['cust-li'] }), rules)).toBe('chatter')
    const quote = '「李四：我买的红色」\n- - - - - - - - - - - - - - -\n好看吗'
    expect(readGroupMessage(inRoom(quote), rules)).toBe('chatter')
  })

  it('always waits when it @-mentions the bot or staff, or quotes staff', () => {
    expect(readGroupMessage(inRoom('谢谢', { mentionsBot: true }), rules)).toBe('waits')
    expect(readGroupMessage(inRoom('[表情]', { kind: 'emoticon', mentions: ['agent-a'] }), rules)).toBe(
      'waits',
    )
    const quote = '「小王：今天发货」\n- - - - - - - - - - - - - - -\n还没收到'
    expect(readGroupMessage(inRoom(quote), rules)).toBe('waits')
  })

  it('reads WeChat quotes', () => {
    expect(parseQuote('「张三：在吗」\n- - - - - - - - - - - - - - -\n在的')).toEqual({
      name: '张三',
      quoted: '在吗',
      text: '在的',
    })
    expect(parseQuote('就是普通的一句话')).toBeUndefined()
  })
})

describe('whom a staff message answers', () => {
  it('everyone with answeredBy any; with mention, those it @-mentions (contact or typed) or quotes', () => {
    expect(answerTarget(inRoom('好的'), 'any')).toEqual({ all: true })
    expect(answerTarget(inRoom('@李四\u2005在的', { mentions: ['cust-li'] }), 'mention')).toEqual({
      all: false,
      customerIds: ['cust-li'],
      names: ['李四'],
    })
    const quote = '「张三：在吗」\n- - - - - - - - - - - - - - -\n在的'
    expect(answerTarget(inRoom(quote), 'mention')).toEqual({ all: false, customerIds: [], names: ['张三'] })
  })
})
