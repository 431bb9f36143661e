import { normaliseCode } from './conversation.js'

/**
 * The grammar of what staff type to the bot: `/commands`, replies that start with a conversation
 * code (`A17 您好…` or `【A17】您好…`), and plain text.
 */

export type Permission = 'agent' | 'oversight' | 'staff'

interface CommandSpec {
  /** Who may run it: agents, supervisors/managers, or any staff member. */
  permission: Permission
  /** `code`: a conversation code; `staff`: a colleague; `?` marks an optional argument. */
  args: readonly ArgSpec[]
}
type ArgSpec = 'code' | 'code?' | 'staff' | 'force?'

export const COMMANDS = {
  help: { permission: 'staff', args: [] },
  list: { permission: 'staff', args: [] },
  queue: { permission: 'staff', args: [] },
  take: { permission: 'agent', args: ['code?'] },
  close: { permission: 'staff', args: ['code'] },
  transfer: { permission: 'staff', args: ['code', 'staff'] },
  on: { permission: 'agent', args: [] },
  off: { permission: 'agent', args: ['force?'] },
  agents: { permission: 'oversight', args: [] },
  assign: { permission: 'oversight', args: ['code', 'staff'] },
  transcript: { permission: 'oversight', args: ['code'] },
  stats: { permission: 'oversight', args: [] },
} as const satisfies Record<string, CommandSpec>

export type CommandName = keyof typeof COMMANDS
export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[]

export interface Command {
  name: CommandName
  code?: string
  staff?: string
  force?: boolean
}

export type StaffInput =
  | { kind: 'command'; command: Command }
  /** A known command with missing or malformed arguments: answer with its usage. */
  | { kind: 'bad-usage'; name: CommandName; problem: 'missing-code' | 'bad-code' | 'missing-staff' | 'extra' }
  | { kind: 'unknown-command'; typed: string; suggestion?: CommandName }
  | { kind: 'coded-reply'; code: string; text: string }
  | { kind: 'text'; text: string }

const CODED_REPLY = /^(?:【\s*([A-Za-z][0-9]{1,4})\s*】\s*|([A-Za-z][0-9]{1,4})(?:[\s:：,，]+))([\s\S]+)$/

/** Full-width forms are what Chinese keyboards type by default; treat them like their ASCII twins. */
export function normaliseInput(text: string): string {
  return text
    .replace(/\u3000/g, ' ')
    .replace(/^[／]/, '/')
    .trim()
}

export function parseStaffInput(raw: string): StaffInput {
  const text = normaliseInput(raw)
  if (text.startsWith('/')) return parseCommand(text)
  const coded = CODED_REPLY.exec(text)
  if (coded) {
    const code = normaliseCode(coded[1] ?? coded[2] ?? '')
    const body = (coded[3] ?? '').trim()
    if (code && body) return { kind: 'coded-reply', code, text: body }
  }
  return { kind: 'text', text }
}

function parseCommand(text: string): StaffInput {
  const [head = '', ...args] = text.slice(1).split(/\s+/).filter(Boolean)
  const typed = head.toLowerCase()
  if (!isCommandName(typed)) {
    const suggestion = closestCommand(typed)
    return { kind: 'unknown-command', typed: `/${head}`, ...(suggestion ? { suggestion } : {}) }
  }
  const command: Command = { name: typed }
  const specs: readonly ArgSpec[] = COMMANDS[typed].args
  let next = 0
  for (const spec of specs) {
    const arg = args[next]
    if (spec === 'code' || spec === 'code?') {
      if (arg === undefined) {
        if (spec === 'code') return { kind: 'bad-usage', name: typed, problem: 'missing-code' }
        continue
      }
      const code = normaliseCode(arg)
      if (!code) return { kind: 'bad-usage', name: typed, problem: 'bad-code' }
      command.code = code
    } else if (spec === 'staff') {
      // Names may contain spaces ("Li Wei"): the colleague is the rest of the line.
      const rest = args.slice(next).join(' ')
      if (!rest) return { kind: 'bad-usage', name: typed, problem: 'missing-staff' }
      command.staff = rest
      next = args.length
      continue
    } else if (spec === 'force?') {
      if (arg === undefined) continue
      if (arg.toLowerCase() !== 'force') return { kind: 'bad-usage', name: typed, problem: 'extra' }
      command.force = true
    }
    next++
  }
  if (next < args.length) return { kind: 'bad-usage', name: typed, problem: 'extra' }
  return { kind: 'command', command }
}

/** A customer typing what would be a staff command (`/assign …`) is refused, not forwarded. */
export function looksLikeStaffCommand(raw: string): boolean {
  const text = normaliseInput(raw)
  if (!text.startsWith('/')) return false
  const head = text.slice(1).split(/\s+/)[0]?.toLowerCase() ?? ''
  return isCommandName(head)
}

function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name)
}

/** The command within two edits of what was typed, if exactly one is closest. */
export function closestCommand(typed: string): CommandName | undefined {
  let best: CommandName | undefined
  let bestDistance = 3
  let tie = false
  for (const name of COMMAND_NAMES) {
    const distance = editDistance(typed, name)
    if (distance < bestDistance) {
      best = name
      bestDistance = distance
      tie = false
    } else if (distance === bestDistance) {
      tie = true
    }
  }
  return tie ? undefined : best
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution)
    }
    previous = current
  }
  return previous[b.length] ?? 0
}
