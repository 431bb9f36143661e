import { z } from 'zod'
import { closest } from './suggest.js'

/**
 * How a configuration problem is told: the field as a person reads it (lists counted from 1, a
 * staff member by name: `staff #3 (小王).roles`), and an unknown field with the one probably meant.
 */

/** The field at `path` of `root` (the configuration as given), for a problem message. */
export function fieldName(path: readonly PropertyKey[], root: unknown): string {
  let text = ''
  let node = root
  for (const part of path) {
    if (typeof part === 'number') {
      node = Array.isArray(node) ? node[part] : undefined
      text += ` #${part + 1}${labelOf(node)}`
    } else {
      node =
        node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[part] : undefined
      text += text ? `.${String(part)}` : String(part)
    }
  }
  return text || '(root)'
}

/** A list item by its name where it has one: a staff member, a shift, a category. */
function labelOf(item: unknown): string {
  if (item === null || typeof item !== 'object') return ''
  const { name, alias, id } = item as Record<string, unknown>
  const label = [name, alias, id].find((value) => typeof value === 'string' && value !== '')
  return label ? ` (${label})` : ''
}

/**
 * The error map configuration parsing runs with: an unknown field is a typo until shown otherwise,
 * and a value not among the allowed ones is shown with them.
 */
export const configErrorMap: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_value') {
    const given = JSON.stringify(issue.input)
    const meant = typeof issue.input === 'string' ? closest(issue.input, issue.values.map(String)) : undefined
    return `${given} is not one of ${issue.values.join(', ')}${meant ? `: did you mean ${meant}?` : ''}`
  }
  if (issue.code !== 'unrecognized_keys') return undefined
  const allowed = issue.inst instanceof z.ZodObject ? Object.keys(issue.inst.shape) : []
  return issue.keys.map((key) => unknownField(key, allowed)).join('; ')
}

function unknownField(key: string, allowed: string[]): string {
  const meant = closest(key, allowed)
  if (meant) return `unknown field "${key}": did you mean ${meant}?`
  return allowed.length
    ? `unknown field "${key}" (known here: ${allowed.join(', ')})`
    : `unknown field "${key}"`
}
