import { describe, expect, it } from 'vitest'
import {
  type Category,
  categoriesSchema,
  classify,
  DEFAULT_CATEGORIES,
  DEFAULT_PRAISE_KEYWORDS,
  isPraise,
  parseMenuChoice,
  parseRating,
} from '../../src/domain/customer-text.js'

describe('ratings', () => {
  it.each([
    ['5', 5],
    ['５', 5],
    [' 5 ', 5],
    ['5分', 5],
    ['5 星', 5],
    ['5星', 5],
    ['五', 5],
    ['五分', 5],
    ['五星', 5],
    ['五顆星', 5],
    ['5分！', 5],
    ['⭐⭐⭐⭐⭐', 5],
    ['⭐️⭐️⭐️', 3],
    ['★★★☆☆', 3],
    ['1', 1],
    ['两分', 2],
    ['3\u200b分', 3],
  ])('reads %s as %i', (text, score) => {
    expect(parseRating(text)).toBe(score)
  })

  it.each([
    '5个订单',
    '15',
    '0',
    '6',
    '我给5分但是…',
    '5分钟',
    '-5',
    '5/5',
    '4.5',
    '五星好评但是物流慢',
    '⭐⭐⭐⭐⭐⭐',
    '★★★☆',
    '☆☆☆☆☆',
    '好',
    '',
  ])('does not read %s as a rating', (text) => {
    expect(parseRating(text)).toBeUndefined()
  })
})

describe('praise', () => {
  it.each([
    '非常满意，谢谢',
    '服务很好，给你点赞',
    '辛苦了！',
    '客服很专业，也很耐心',
    '太感谢了，问题解决了',
    '必须好评',
    '五星',
    '不错，很满意',
    '不错很满意',
    '不得不说服务真好',
    '無比滿意',
    '服務很好',
    '服 务 很 好',
    '之前不满意，现在很满意',
    '特别满意',
  ])('counts %s', (text) => {
    expect(isPraise(text)).toBe(true)
  })

  it.each([
    '谢谢',
    '好的谢谢',
    '不满意',
    '一点也不满意',
    '不专业',
    '没有耐心',
    '差评',
    '不是很满意',
    '不太满意',
    '很不满意',
    '谈不上满意',
    '没有让我满意',
    '不会给你们好评',
    '不 满意',
    '不滿意！',
    '我的订单到哪了',
  ])('does not count %s', (text) => {
    expect(isPraise(text)).toBe(false)
  })

  it('uses configured keywords, folded like the defaults', () => {
    expect(isPraise('你们真给力', ['給力'])).toBe(true)
    expect(isPraise('你们真给力', DEFAULT_PRAISE_KEYWORDS)).toBe(false)
    expect(isPraise('一点也不给力', ['给力'])).toBe(false)
  })
})

describe('categories', () => {
  const categories = categoriesSchema.parse(DEFAULT_CATEGORIES)

  it.each([
    ['我的订单什么时候发货', 'order'],
    ['快遞單號是多少', 'order'],
    ['收到的杯子破损了，要退货', 'aftersales'],
    ['我要投诉，你们的物流太慢', 'complaint'],
    ['再不退款我就打12315', 'complaint'],
    ['你们就是骗子', 'complaint'],
  ])('puts %s in %s', (text, id) => {
    expect(classify(text, categories)?.id).toBe(id)
  })

  it('leaves a message no keyword matches unclassified', () => {
    expect(classify('你好，在吗', categories)).toBeUndefined()
    expect(classify('订单号 2012315888', categories)?.id).toBe('order')
  })

  it('checks priority categories first, then list order', () => {
    const list: Category[] = [
      { id: 'a', keywords: ['发票'] },
      { id: 'b', keywords: ['发票', '加急'] },
      { id: 'urgent', keywords: ['加急'], priority: true },
    ]
    expect(classify('发票', list)?.id).toBe('a')
    expect(classify('发票加急', list)?.id).toBe('urgent')
  })

  it('accepts the defaults and fills in keywords', () => {
    expect(categories.map((c) => c.id)).toEqual(['consult', 'order', 'aftersales', 'complaint'])
    expect(categoriesSchema.parse([{ id: 'vip', name: '大客户' }])).toEqual([
      { id: 'vip', name: '大客户', keywords: [] },
    ])
  })

  it('reports a duplicate id, a bad id, an unknown field and an empty keyword where they are', () => {
    const issues = (input: unknown) =>
      categoriesSchema.safeParse(input).error?.issues.map((issue) => [issue.path.join('.'), issue.message])
    expect(issues([{ id: 'order' }, { id: 'faq' }, { id: 'order' }])).toEqual([
      ['2.id', 'duplicate category id "order"'],
    ])
    expect(issues([{ id: 'After Sales' }])?.[0]?.[0]).toBe('0.id')
    expect(issues([{ id: 'faq', keyword: ['x'] }])?.[0]?.[0]).toBe('0')
    expect(issues([{ id: 'faq', keywords: ['发票', '！！'] }])?.[0]?.[0]).toBe('0.keywords.1')
    expect(issues([])).toHaveLength(1)
  })
})

describe('menu choices', () => {
  it.each([
    ['1', 0],
    ['４', 3],
    ['2号', 1],
    ['3.', 2],
    ['３．', 2],
    [' 2 ', 1],
  ])('reads %s as entry %i', (text, index) => {
    expect(parseMenuChoice(text, 4)).toBe(index)
  })

  it.each(['0', '5', '01', '1个', '我选1', '1和2', '-1', '一', ''])(
    'does not read %s as a choice',
    (text) => {
      expect(parseMenuChoice(text, 4)).toBeUndefined()
    },
  )
})
