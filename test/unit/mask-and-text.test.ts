import { describe, expect, it } from 'vitest'
import { maskName, maskPersonalData, preview } from '../../src/domain/mask.js'
import { median } from '../../src/domain/stats.js'
import { startOfDay } from '../../src/domain/zoned-time.js'
import { Text } from '../../src/text/text.js'
import { locales } from '../../templates/index.js'

describe('masking personal data', () => {
  it('masks phone, ID-card and bank-card numbers and e-mail addresses', () => {
    expect(maskPersonalData('电话13812345678')).toBe('电话138****5678')
    expect(maskPersonalData('身份证110101199003071234')).toBe('身份证1101**********1234')
    expect(maskPersonalData('身份证11010119900307123X')).toBe('身份证1101**********123X')
    expect(maskPersonalData('卡号6222020200112233445')).toBe('卡号****3445')
    expect(maskPersonalData('mail zhang.san@example.com')).toBe('mail z***@example.com')
    expect(maskPersonalData('订单 20231')).toBe('订单 20231')
  })

  it('masks street addresses down to the region', () => {
    expect(maskPersonalData('收货地址：北京市朝阳区建国路88号SOHO现代城5号楼1201室，谢谢')).toBe(
      '收货地址：北京市朝阳区****，谢谢',
    )
    expect(maskPersonalData('上海市浦东新区张江路123弄45号')).toBe('上海市浦东新区****')
    expect(maskPersonalData('寄到广东省深圳市南山区科技园南区')).toBe('寄到广东省深圳市南山区****')
    expect(maskPersonalData('我在北京市，明天去杭州')).toBe('我在北京市，明天去杭州')
  })

  it('keeps the first character of a name and cuts previews short on one line', () => {
    expect(maskName('张三')).toBe('张*')
    expect(maskName('欧阳娜娜')).toBe('欧***')
    expect(maskName('')).toBe('*')
    expect(preview('第一行\n第二行 13812345678 很长很长很长很长很长很长很长很长很长很长', 20)).toBe(
      '第一行 第二行 138****5678…',
    )
  })
})

describe('templates', () => {
  const keysOf = (node: object, prefix = ''): string[] =>
    Object.entries(node).flatMap(([key, value]) =>
      typeof value === 'string' ? [`${prefix}${key}`] : keysOf(value as object, `${prefix}${key}.`),
    )
  const placeholders = (text: string) =>
    [...text.matchAll(/\{([A-Za-z][A-Za-z0-9]*)\}/g)].map((match) => match[1]).sort()

  it('gives every sentence in both locales, with the same placeholders', () => {
    const zh = keysOf(locales['zh-CN'])
    expect(keysOf(locales.en)).toEqual(zh)
    const lookup = (locale: object, key: string) =>
      key
        .split('.')
        .reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], locale) as string
    for (const key of zh) {
      expect(placeholders(lookup(locales.en, key)), key).toEqual(placeholders(lookup(locales['zh-CN'], key)))
    }
  })

  it('renders variables and refuses to say a sentence with one missing', () => {
    const zh = new Text('zh-CN', 'Asia/Shanghai')
    expect(zh.t('customer.greeting', { code: 'A7' })).toContain('您的会话编号是 A7')
    expect(() => zh.t('customer.greeting')).toThrow(/needs \{code\}/)
    expect(zh.duration(312_000)).toBe('5分12秒')
    expect(zh.duration(4000)).toBe('4秒')
    expect(new Text('en', 'Asia/Shanghai').duration(3_900_000)).toBe('1h 5m')
  })
})

describe('daily figures', () => {
  it('computes the median and the start of the day in the service time zone', () => {
    expect(median([])).toBeUndefined()
    expect(median([5, 1, 3])).toBe(3)
    expect(median([4, 1, 3, 2])).toBe(2.5)
    // 2026-11-24 01:30 in Shanghai is 2026-11-23 17:30 UTC.
    const at = Date.UTC(2026, 10, 23, 17, 30)
    expect(new Date(startOfDay(at, 'Asia/Shanghai')).toISOString()).toBe('2026-11-23T16:00:00.000Z')
  })
})
