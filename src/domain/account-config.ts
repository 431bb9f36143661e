import { z } from 'zod'
import { CLUSTER_PREFIX_RULE, hashTagOf } from './redis-config.js'

/**
 * Which WeChat account a process runs, when one deployment runs several (docs/operations.md,
 * "Several accounts"): one process per account, each with its own Redis prefix and its own
 * transcript store. The name is what logs, alerts, the console and reports tell accounts apart by.
 */

const ACCOUNT_NAME = /^[A-Za-z0-9_.-]+$/
const accountNameSchema = z.string().regex(ACCOUNT_NAME, 'letters, digits, _ . - only').max(64)
/** What people read: `旗舰店`. */
const accountTitleSchema = z.string().trim().min(1).max(40)

export const accountSchema = z
  .object({
    /** Default: the Redis prefix without its hash-tag braces (`{shop-a}` → `shop-a`). */
    name: accountNameSchema.optional(),
    title: accountTitleSchema.optional(),
  })
  .strict()

/** The account named by a Redis prefix: the prefix without `{` `}`, or `kefu` when nothing is left. */
export function accountNameOf(prefix: string): string {
  return prefix.replace(/[{}]/g, '') || 'kefu'
}

/** How an account is shown to people: its title, else its name. */
export function accountLabel(account: { name: string; title?: string | undefined }): string {
  return account.title ?? account.name
}

/**
 * A sibling account a manager's console summarises, read-only, from the shared Redis under its
 * prefix; `url` is that account's own console, for a link.
 */
const siblingSchema = z
  .object({
    name: accountNameSchema,
    title: accountTitleSchema.optional(),
    prefix: z.string().regex(/^[A-Za-z0-9_{}.-]+$/, 'letters, digits, _ . - { } only'),
    url: z.url({ protocol: /^https?$/ }).optional(),
  })
  .strict()
export type SiblingAccount = z.output<typeof siblingSchema>

export const siblingsSchema = z.array(siblingSchema).max(50).default([])

/**
 * The siblings' problems against the account's own: names and prefixes unique, none the account's
 * own (its board shows it already), hash-tagged in a Cluster like the account's.
 */
export function siblingProblems(
  siblings: readonly SiblingAccount[],
  own: { name: string; prefix: string; cluster: boolean },
): { index: number; field: 'name' | 'prefix'; message: string }[] {
  const problems: { index: number; field: 'name' | 'prefix'; message: string }[] = []
  const names = new Map<string, number>()
  const prefixes = new Map<string, number>()
  siblings.forEach((sibling, index) => {
    if (sibling.name === own.name)
      problems.push({ index, field: 'name', message: `"${sibling.name}" is this account's own name` })
    else if (names.has(sibling.name))
      problems.push({
        index,
        field: 'name',
        message: `"${sibling.name}" is listed twice (also #${(names.get(sibling.name) ?? 0) + 1})`,
      })
    if (sibling.prefix === own.prefix)
      problems.push({ index, field: 'prefix', message: `"${sibling.prefix}" is this account's own prefix` })
    else if (prefixes.has(sibling.prefix))
      problems.push({
        index,
        field: 'prefix',
        message: `"${sibling.prefix}" is listed twice (also #${(prefixes.get(sibling.prefix) ?? 0) + 1})`,
      })
    else if (own.cluster && hashTagOf(sibling.prefix) === undefined)
      problems.push({ index, field: 'prefix', message: `"${sibling.prefix}": ${CLUSTER_PREFIX_RULE}` })
    names.set(sibling.name, names.get(sibling.name) ?? index)
    prefixes.set(sibling.prefix, prefixes.get(sibling.prefix) ?? index)
  })
  return problems
}
