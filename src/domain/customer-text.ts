import { z } from 'zod'
import { compileKeywords, foldText, indexOfKeyword, type Keyword, keywordSchema } from './keywords.js'

/**
 * Reading what customers write: a rating after close, praise for the agent, the category of a new
 * conversation, an answer to the category menu.
 */

/**
 * Keyword lists come from config and are passed in with every message; folding them is far dearer than
 * matching, so each list is folded the first time it is seen. Lists are read once: pass the parsed config,
 * do not mutate it.
 */
function cachedBy<K extends object, V>(build: (key: K) => V): (key: K) => V {
  const cache = new WeakMap<K, V>()
  return (key) => {
    let value = cache.get(key)
    if (value === undefined) {
      value = build(key)
      cache.set(key, value)
    }
    return value
  }
}

// A reply that must be read whole: full-width digits become ASCII; spaces, zero-width characters and the
// emoji variation selector (⭐ is often followed by U+FE0F) go.
function compact(text: string): string {
  return text.normalize('NFKC').replace(/(?:[\s\p{Cf}]|\uFE0F)+/gu, '')
}

const CHINESE_DIGITS: Readonly<Record<string, number>> = { 一: 1, 二: 2, 两: 2, 兩: 2, 三: 3, 四: 4, 五: 5 }
const RATING = /^(?:([1-5])|([一二两兩三四五]))(?:分|星|[颗顆]星)?[.!~。]*$/u
const STARS = /^([⭐★]+)(☆*)$/u

/**
 * A satisfaction score 1–5 when the whole message is one (`5`, `５`, `5分`, `5 星`, `五分`, `⭐⭐⭐⭐⭐`,
 * `★★★☆☆`), else undefined. Deliberately strict: a sentence that merely contains a number (`5个订单`,
 * `我给5分但是…`) is not a rating, because a wrong score on an agent's record is worse than a missing one.
 */
export function parseRating(text: string): number | undefined {
  const reply = compact(text)
  const rating = RATING.exec(reply)
  if (rating) return rating[1] !== undefined ? Number(rating[1]) : CHINESE_DIGITS[rating[2] ?? '']
  const stars = STARS.exec(reply)
  if (!stars) return undefined
  const filled = [...(stars[1] ?? '')].length
  const hollow = [...(stars[2] ?? '')].length
  // Hollow stars only make sense as the rest of a five-star scale.
  if (filled > 5 || (hollow > 0 && filled + hollow !== 5)) return undefined
  return filled
}

/**
 * Words that earn an agent the praise bonus. Plain thanks (谢谢, 感谢, 多谢) is left out on purpose: customers
 * say it out of politeness at the end of almost every conversation, so it would pay the bonus for nothing.
 * Stronger thanks (非常感谢, 太感谢了) counts.
 */
export const DEFAULT_PRAISE_KEYWORDS: readonly string[] = [
  '表扬',
  '好评',
  '点赞',
  '满意',
  '非常感谢',
  '十分感谢',
  '万分感谢',
  '太感谢了',
  '服务很好',
  '服务真好',
  '服务太好了',
  '辛苦了',
  '辛苦你了',
  '辛苦您了',
  '很专业',
  '很耐心',
  '五星',
]

/**
 * A keyword is negated when a negator is followed, up to the keyword, only by degree words, auxiliaries and
 * pronouns: 不满意, 一点也不满意, 不是很满意, 不太满意, 谈不上满意, 没有让我满意, 不会给你们好评. A negator
 * followed by anything else is not read as negating the keyword (不错很满意, 不得不说很满意, 无比满意), and
 * 别 is not a negator here because of 特别满意.
 */
const NEGATED =
  /[不没无未][很太怎么那这够大非常十分特别完全算是有会能想要给值得配让令叫使我你您他她人们上到]*$/u
const NEGATION_REACH = 8
// Negation does not carry across sentences: “不错，满意” is praise, “不满意” is not.
const CLAUSE_BREAK = /[\p{P}\r\n]+/u

const praiseKeywords = cachedBy((list: readonly string[]) => compileKeywords(list, 'praise keyword'))

function praisedIn(clause: string, keyword: Keyword): boolean {
  for (let at = indexOfKeyword(clause, keyword); at !== -1; at = indexOfKeyword(clause, keyword, at + 1)) {
    if (!NEGATED.test(clause.slice(Math.max(0, at - NEGATION_REACH), at))) return true
  }
  return false
}

/**
 * Whether a customer's message praises the service. Matching ignores spacing, punctuation inside a clause,
 * full-width forms and traditional characters, like forbidden phrases; a negated keyword does not count.
 */
export function isPraise(text: string, keywords: readonly string[] = DEFAULT_PRAISE_KEYWORDS): boolean {
  const compiled = praiseKeywords(keywords)
  return text.split(CLAUSE_BREAK).some((clause) => {
    const folded = foldText(clause)
    return compiled.some((keyword) => praisedIn(folded, keyword))
  })
}

const categorySchema = z
  .object({
    /** Stable key: stored on conversations and used to find the display name in the templates. */
    id: z
      .string()
      .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'lowercase letters, digits and single dashes, e.g. after-sales'),
    /** Shown to customers and staff instead of the template's name for this id. */
    name: z.string().trim().min(1).optional(),
    /** Any one of them in the first message puts the conversation in this category. */
    keywords: z.array(keywordSchema).default([]),
    /** Checked before the other categories, so a complaint that also mentions an order is a complaint. */
    priority: z.boolean().optional(),
  })
  .strict()
export type Category = z.infer<typeof categorySchema>

export const categoriesSchema = z
  .array(categorySchema)
  .min(1, 'at least one category (the menu offers them to customers)')
  .superRefine((categories, ctx) => {
    const seen = new Set<string>()
    categories.forEach((category, index) => {
      if (seen.has(category.id)) {
        ctx.addIssue({
          code: 'custom',
          message: `duplicate category id "${category.id}"`,
          path: [index, 'id'],
        })
      }
      seen.add(category.id)
    })
  })

/** The menu lists them in this order; consult is where a conversation no keyword matches ends up. */
export const DEFAULT_CATEGORIES: readonly Category[] = [
  { id: 'consult', keywords: [] },
  {
    id: 'order',
    keywords: ['订单', '下单', '发货', '物流', '快递', '单号', '付款', '支付', '配送', '到货', '催单'],
  },
  {
    id: 'aftersales',
    keywords: ['售后', '退货', '换货', '退款', '维修', '保修', '质量', '破损', '坏了', '瑕疵', '三包'],
  },
  {
    id: 'complaint',
    keywords: ['投诉', '举报', '差评', '太差', '欺骗', '骗子', '12315', '消协', '维权', '曝光'],
    priority: true,
  },
]

const categoryKeywords = cachedBy((categories: readonly Category[]) =>
  [...categories.filter((c) => c.priority), ...categories.filter((c) => !c.priority)].map((category) => ({
    category,
    keywords: compileKeywords(category.keywords, `keyword of category "${category.id}"`),
  })),
)

/**
 * The category a first message belongs to by its keywords: priority categories first, then in list order.
 * Undefined when none matches; the caller then asks with the menu or uses its fallback.
 */
export function classify(text: string, categories: readonly Category[]): Category | undefined {
  const folded = foldText(text)
  return categoryKeywords(categories).find(({ keywords }) =>
    keywords.some((keyword) => indexOfKeyword(folded, keyword) !== -1),
  )?.category
}

const MENU_CHOICE = /^([1-9]\d*)(?:号|\.|。)?$/u

/**
 * The 0-based index of the menu entry when the whole message is its number (`2`, `２`, `2号`, `2.`),
 * else undefined: a message with a number in it is a question, not a choice.
 */
export function parseMenuChoice(text: string, count: number): number | undefined {
  const choice = MENU_CHOICE.exec(compact(text))
  if (!choice) return undefined
  const number = Number(choice[1])
  return number <= count ? number - 1 : undefined
}
