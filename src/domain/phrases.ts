import { compileKeywords, foldText, indexOfKeyword, type Keyword } from './keywords.js'

/** The 禁忌语 the department regulations name; deployments add their own in config. */
export const DEFAULT_FORBIDDEN_PHRASES: readonly string[] = [
  '这个问题我不会处理',
  '这个问题我们公司不能给您解决',
  '这个问题我们要过一段时间才能给您解决',
  '这个问题这么简单，您自己不会解决吗',
]

/**
 * Holds back agent replies that contain a forbidden phrase. Every reply is checked before it is sent, so
 * phrases are folded once here and a check is one fold of the reply plus a substring search per phrase.
 * Spaces, punctuation, emoji, zero-width characters, full-width forms, letter case and traditional
 * characters do not hide a phrase.
 */
export class PhraseChecker {
  private readonly phrases: readonly Keyword[]

  /** Throws when a phrase has nothing to match (only spaces or punctuation): it would hold every reply. */
  constructor(phrases: readonly string[]) {
    this.phrases = compileKeywords(phrases, 'forbidden phrase')
  }

  /** The phrase as configured (to tell the agent which one), the earliest in the text; else undefined. */
  find(text: string): string | undefined {
    const folded = foldText(text)
    let earliest: { at: number; phrase: Keyword } | undefined
    for (const phrase of this.phrases) {
      const at = indexOfKeyword(folded, phrase)
      if (at !== -1 && (earliest === undefined || at < earliest.at)) earliest = { at, phrase }
    }
    return earliest?.phrase.source
  }
}
