import { describe, expect, it } from 'vitest'
import { compileKeywords, foldText, indexOfKeyword, keywordSchema } from '../../src/domain/keywords.js'
import { DEFAULT_FORBIDDEN_PHRASES, PhraseChecker } from '../../src/domain/phrases.js'

const checker = new PhraseChecker(DEFAULT_FORBIDDEN_PHRASES)
const CANNOT = '这个问题我不会处理'

describe('forbidden phrases', () => {
  it.each([
    ['the phrase itself', '亲，这个问题我不会处理'],
    ['punctuation between the words', '这个问题，我不会处理！'],
    ['dots and spaces', '这个问题...我 不会 处理'],
    ['a full-width space', '这个问题\u3000我不会处理'],
    ['zero-width characters', '这\u200b个\u200c问\u200d题\ufeff我\u2060不会处理'],
    ['emoji between the words', '这个问题😅我不会处理'],
    ['line breaks', '这个问题\n我不会\r\n处理'],
    ['traditional characters (Taiwan)', '這個問題我不會處理'],
    ['traditional characters with punctuation', '這個問題，我不會處理。'],
  ])('finds it with %s', (_, text) => {
    expect(checker.find(text)).toBe(CANNOT)
  })

  it('finds each default phrase, reported as configured', () => {
    expect(checker.find('这个问题我们公司不能给您解决，抱歉')).toBe('这个问题我们公司不能给您解决')
    expect(checker.find('這個問題我們要過一段時間才能給您解決')).toBe('这个问题我们要过一段时间才能给您解决')
    expect(checker.find('这个问题这么简单您自己不会解决吗？？')).toBe('这个问题这么简单，您自己不会解决吗')
  })

  it('reports the phrase that comes first in the reply', () => {
    expect(checker.find('这个问题我们公司不能给您解决。这个问题我不会处理')).toBe(
      '这个问题我们公司不能给您解决',
    )
  })

  it('ignores full-width forms and letter case', () => {
    const custom = new PhraseChecker(['不关我的事', 'VIP不管'])
    expect(custom.find('ｖｉｐ 不管')).toBe('VIP不管')
    expect(custom.find('Vip不管')).toBe('VIP不管')
    expect(custom.find('不关我的事！')).toBe('不关我的事')
  })

  it('matches a phrase configured in traditional characters against simplified text, and Hong Kong forms', () => {
    const custom = new PhraseChecker(['您是不是幹這個的', '衞生不歸我管'])
    expect(custom.find('您是不是干这个的？')).toBe('您是不是幹這個的')
    expect(custom.find('卫生不归我管')).toBe('衞生不歸我管')
    expect(custom.find('衛生，不歸我管')).toBe('衞生不歸我管')
  })

  it.each([
    '这个问题我会处理',
    '这个问题我来处理',
    '这个问题我不会不处理吧',
    '这个问题我们公司能给您解决',
    '这个问题我们马上给您解决',
    '您好，请问还有什么可以帮您？',
    '',
  ])('lets a near miss through: %s', (text) => {
    expect(checker.find(text)).toBeUndefined()
  })

  it('finds a phrase at the end of a long reply quickly', () => {
    const pad = (filler: string, length: number) =>
      filler.repeat(Math.ceil(length / filler.length)).slice(0, length)
    const simplified =
      pad('您好，请问有什么可以帮您？我们会尽快处理您的订单。', 100_000 - CANNOT.length) + CANNOT
    const traditional = `${pad('您好，請問有什麼可以幫您？我們會儘快處理您的訂單。', 100_000 - 9)}這個問題我不會處理`
    for (const [label, text] of [
      ['simplified', simplified],
      ['traditional', traditional],
    ] as const) {
      expect(text).toHaveLength(100_000)
      const cold = performance.now()
      expect(checker.find(text)).toBe(CANNOT)
      const warm = performance.now()
      expect(checker.find(text)).toBe(CANNOT)
      const done = performance.now()
      console.log(
        `checking 100,000 ${label} characters: ${(warm - cold).toFixed(1)} ms first time, ${(done - warm).toFixed(1)} ms after`,
      )
    }
  })

  it('rejects a phrase with nothing to match, naming it', () => {
    expect(() => new PhraseChecker(['这个问题我不会处理', ' ！！ '])).toThrow(/forbidden phrase " ！！ "/)
    expect(() => new PhraseChecker([''])).toThrow(/forbidden phrase ""/)
  })
})

describe('folding and keyword matching', () => {
  it('folds traditional, full-width, case and separators into one form', () => {
    expect(foldText('這個 問題，ＡＢＣ１２３！')).toBe('这个问题abc123')
  })

  it('does not match a number keyword inside a longer number', () => {
    const [hotline] = compileKeywords(['12315'], 'keyword')
    if (!hotline) throw new Error('no keyword')
    expect(indexOfKeyword(foldText('我要打１２３１５'), hotline)).toBe(3)
    expect(indexOfKeyword(foldText('单号2012315888'), hotline)).toBe(-1)
    expect(indexOfKeyword(foldText('单号 2012315888，打12315'), hotline)).toBe(13)
  })

  it('validates keywords in config by the same rule', () => {
    expect(keywordSchema.safeParse('投诉').success).toBe(true)
    expect(keywordSchema.safeParse('？！').success).toBe(false)
  })
})
