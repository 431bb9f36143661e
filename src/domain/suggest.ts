/**
 * The option a mistyped word was most likely meant to be: the nearest by edit distance (case
 * aside), if it is near enough to be a typo and no other option is as near. Near enough: a third of
 * the word's letters, at least two (a swap, `agnet`), one for words of three letters or fewer.
 */
export function closest<T extends string>(
  word: string,
  options: readonly T[],
  maxDistance = word.length <= 3 ? 1 : Math.max(2, Math.floor(word.length / 3)),
): T | undefined {
  let best: T | undefined
  let bestDistance = maxDistance + 1
  let tie = false
  for (const option of options) {
    const distance = editDistance(word.toLowerCase(), option.toLowerCase())
    if (distance < bestDistance) {
      best = option
      bestDistance = distance
      tie = false
    } else if (distance === bestDistance) {
      tie = true
    }
  }
  return tie ? undefined : best
}

/** Levenshtein distance: insertions, deletions and substitutions of one character each. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1)
      current[j] = Math.min(substitution, (previous[j] as number) + 1, (current[j - 1] as number) + 1)
    }
    previous = current
  }
  return previous[b.length] as number
}
