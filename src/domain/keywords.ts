import { ConverterFactory, type ConverterFunction, type DictGroup, Locale } from 'opencc-js/t2cn'
import { z } from 'zod'

/**
 * Staff configure words and phrases once; people type them in many ways: traditional characters (Taiwan or
 * Hong Kong forms), full-width letters, spaces and punctuation between characters, zero-width characters
 * pasted from other apps. Both sides are folded to one form so that matching is a plain substring search.
 */

let simplify: ConverterFunction | undefined

function dictionaries(table: Readonly<Record<string, readonly DictGroup[]>>, locale: string) {
  const found = table[locale]
  // The preset tables are typed as open records; a missing entry means the package changed shape.
  if (!found) throw new Error(`opencc-js has no "${locale}" dictionaries`)
  return found
}

/**
 * Taiwan and Hong Kong variants become OpenCC's standard traditional form, which then becomes simplified.
 * Both regions' variant tables go into one stage: they map to the same standard form, and one pass fewer
 * takes a fifth off checking a long reply. Building the converter loads large dictionaries, so it is built
 * on first use (configuration is folded at start-up, so no customer or agent message pays for it).
 */
function toSimplified(text: string): string {
  simplify ??= ConverterFactory(
    [...dictionaries(Locale.from, 'tw').flat(), ...dictionaries(Locale.from, 'hk').flat()],
    dictionaries(Locale.to, 'cn'),
  )
  return simplify(text)
}

// Everything but letters and digits: spaces of every width, zero-width characters, punctuation, emoji.
const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]+/gu

/**
 * NFKC turns full-width letters and digits into ASCII and compatibility ideographs into ordinary ones.
 * Dropping everything but letters and digits before converting means “这个问题，我 不会处理” and
 * “这个问题我不会处理” reach the converter as the same characters, so they convert the same way.
 */
export function foldText(text: string): string {
  return toSimplified(text.normalize('NFKC').toLowerCase().replace(NOT_LETTER_OR_DIGIT, ''))
}

/** A configured word or phrase, kept as written (to show staff) and folded (to match). */
export interface Keyword {
  readonly source: string
  readonly folded: string
}

/** `what` names the list in the error, e.g. `forbidden phrase`. */
export function compileKeywords(list: readonly string[], what: string): Keyword[] {
  return list.map((source) => {
    const folded = foldText(source)
    // An empty needle would match every message.
    if (folded === '') {
      throw new Error(
        `${what} "${source}" has no letters or digits left once spaces and punctuation are ignored`,
      )
    }
    return { source, folded }
  })
}

/** For config files: the same rule `compileKeywords` enforces, reported at the field that breaks it. */
export const keywordSchema = z.string().refine((keyword) => foldText(keyword) !== '', {
  message: 'needs at least one letter or digit (spaces and punctuation are ignored when matching)',
})

function isDigit(character: string | undefined): boolean {
  return character !== undefined && character >= '0' && character <= '9'
}

/**
 * Where `keyword` occurs in folded text, or -1. A keyword that starts or ends with a digit never matches part
 * of a longer number: “12315” is the consumer hotline, but it also turns up inside order numbers.
 */
export function indexOfKeyword(folded: string, keyword: Keyword, from = 0): number {
  const needle = keyword.folded
  const digitAtStart = isDigit(needle[0])
  const digitAtEnd = isDigit(needle[needle.length - 1])
  for (let at = folded.indexOf(needle, from); at !== -1; at = folded.indexOf(needle, at + 1)) {
    if (digitAtStart && isDigit(folded[at - 1])) continue
    if (digitAtEnd && isDigit(folded[at + needle.length])) continue
    return at
  }
  return -1
}
