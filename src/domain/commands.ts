import { normaliseCode } from './conversation.js'
import { type CustomerRef, parseCustomerRef } from './privacy.js'
import { closest } from './suggest.js'

/**
 * The grammar of what staff type to the bot: `/commands`, replies that start with a conversation
 * code (`A17 您好…` or `【A17】您好…`), and plain text.
 */

export type Permission = 'agent' | 'oversight' | 'manager' | 'staff' | 'anyone'

interface CommandSpec {
  /**
   * Who may run it: agents, supervisors/managers, managers only, any staff member, or anyone who
   * writes to the bot (customers too: for them it is no customer message).
   */
  permission: Permission
  /** The arguments in order; `?` marks an optional one. */
  args: readonly ArgSpec[]
}
/**
 * `code`: a conversation code; `customer`: a conversation code or a contact id; `staff`: a colleague
 * (the rest of the line); `force`: the word force; `confirm`: the word confirm (确认); `minutes`: a
 * whole number of minutes; `word`: one word; `period`: day or week; `text`: the rest.
 */
type ArgSpec =
  | 'code'
  | 'code?'
  | 'customer'
  | 'staff'
  | 'staff?'
  | 'force?'
  | 'confirm?'
  | 'minutes?'
  | 'word?'
  | 'period?'
  | 'text?'

export const COMMANDS = {
  help: { permission: 'staff', args: [] },
  list: { permission: 'staff', args: [] },
  queue: { permission: 'staff', args: [] },
  take: { permission: 'agent', args: ['code?'] },
  close: { permission: 'staff', args: ['code'] },
  transfer: { permission: 'staff', args: ['code', 'staff'] },
  on: { permission: 'agent', args: [] },
  off: { permission: 'agent', args: ['force?'] },
  away: { permission: 'agent', args: ['minutes?', 'text?'] },
  t: { permission: 'staff', args: ['word?', 'code?'] },
  force: { permission: 'staff', args: [] },
  handover: { permission: 'agent', args: ['staff?'] },
  ack: { permission: 'staff', args: [] },
  agents: { permission: 'oversight', args: [] },
  assign: { permission: 'oversight', args: ['code', 'staff'] },
  transcript: { permission: 'oversight', args: ['code'] },
  export: { permission: 'manager', args: ['customer'] },
  erase: { permission: 'manager', args: ['customer', 'confirm?'] },
  stats: { permission: 'oversight', args: ['period?'] },
  groups: { permission: 'staff', args: [] },
  group: { permission: 'oversight', args: ['code'] },
  console: { permission: 'staff', args: [] },
  whoami: { permission: 'anyone', args: [] },
} as const satisfies Record<string, CommandSpec>

export type CommandName = keyof typeof COMMANDS
export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[]
/** The commands anyone may send, customers included. */
export type OpenCommandName = {
  [N in CommandName]: (typeof COMMANDS)[N]['permission'] extends 'anyone' ? N : never
}[CommandName]

/** The longest away time an agent can announce: a shift. */
export const MAX_AWAY_MINUTES = 480

/** What each kind of argument holds once parsed. */
interface ArgValues {
  code: string
  /** Whose personal data (`/export`, `/erase`): named by a conversation code or a contact id. */
  customer: CustomerRef
  staff: string
  force: true
  confirm: true
  minutes: number
  /** One word, e.g. the name of a canned answer (`/t 稍等`). */
  word: string
  period: 'day' | 'week'
  /** Free text, e.g. why an agent is away. */
  text: string
}
type Field<S extends ArgSpec> = S extends `${infer F extends keyof ArgValues}?` ? F : S & keyof ArgValues
type ArgsOf<Specs extends readonly ArgSpec[]> = {
  [S in Specs[number] as S extends `${string}?` ? never : Field<S>]: ArgValues[Field<S>]
} & { [S in Specs[number] as S extends `${string}?` ? Field<S> : never]?: ArgValues[Field<S>] }

/** One command as parsed, with the arguments its spec gives it: `/transfer` always has a code and a colleague. */
export type CommandOf<N extends CommandName> = { name: N } & ArgsOf<(typeof COMMANDS)[N]['args']>
export type Command = { [N in CommandName]: CommandOf<N> }[CommandName]
export type OpenCommand = CommandOf<OpenCommandName>

/** A customer's text is answered as a command only when it is one anyone may send (`/whoami`). */
export function isOpenCommand(command: Command): command is OpenCommand {
  return COMMANDS[command.name].permission === 'anyone'
}

export type UsageProblem =
  | 'missing-code'
  | 'missing-customer'
  | 'bad-code'
  | 'missing-staff'
  | 'bad-minutes'
  | 'bad-period'
  | 'extra'

export type StaffInput =
  | { kind: 'command'; command: Command }
  /** A known command with missing or malformed arguments: answer with its usage. */
  | { kind: 'bad-usage'; name: CommandName; problem: UsageProblem }
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

const CONFIRM_WORDS = new Set(['confirm', '确认'])
const MINUTES = /^(\d{1,4})(?:m|min|分钟|分)?$/i
const PERIODS: Record<string, 'day' | 'week'> = {
  day: 'day',
  today: 'day',
  今天: 'day',
  今日: 'day',
  week: 'week',
  本周: 'week',
  这周: 'week',
}

function parseCommand(text: string): StaffInput {
  const [head = '', ...args] = text.slice(1).split(/\s+/).filter(Boolean)
  const typed = head.toLowerCase()
  if (!isCommandName(typed)) {
    const suggestion = closestCommand(typed)
    return { kind: 'unknown-command', typed: `/${head}`, ...(suggestion ? { suggestion } : {}) }
  }
  const command: Partial<Record<keyof ArgValues, unknown>> & { name: CommandName } = { name: typed }
  const bad = (problem: UsageProblem): StaffInput => ({ kind: 'bad-usage', name: typed, problem })
  const specs: readonly ArgSpec[] = COMMANDS[typed].args
  let next = 0
  for (const spec of specs) {
    const arg = args[next]
    const optional = spec.endsWith('?')
    if (arg === undefined) {
      if (optional) continue
      return bad(
        spec === 'code' ? 'missing-code' : spec === 'customer' ? 'missing-customer' : 'missing-staff',
      )
    }
    switch (spec) {
      case 'code':
      case 'code?': {
        const code = normaliseCode(arg)
        if (!code) return bad('bad-code')
        command.code = code
        break
      }
      case 'customer':
        command.customer = parseCustomerRef(arg)
        break
      case 'staff':
      case 'staff?':
      case 'text?': {
        // Names and reasons may contain spaces ("Li Wei", "去 吃饭"): they take the rest of the line.
        const rest = args.slice(next).join(' ')
        if (spec === 'text?') command.text = rest
        else command.staff = rest
        next = args.length
        continue
      }
      case 'force?':
        if (arg.toLowerCase() !== 'force') return bad('extra')
        command.force = true
        break
      case 'confirm?':
        if (!CONFIRM_WORDS.has(arg.toLowerCase())) return bad('extra')
        command.confirm = true
        break
      case 'minutes?': {
        const minutes = MINUTES.exec(arg)
        // Not a number: the argument is for the next spec (the reason in `/away 吃饭`).
        if (!minutes) continue
        const value = Number(minutes[1])
        if (value < 1 || value > MAX_AWAY_MINUTES) return bad('bad-minutes')
        command.minutes = value
        break
      }
      case 'word?':
        command.word = arg
        break
      case 'period?': {
        const period = PERIODS[arg.toLowerCase()]
        if (!period) return bad('bad-period')
        command.period = period
        break
      }
    }
    next++
  }
  if (next < args.length) return bad('extra')
  // Every required spec was filled above, so the command has the shape its name promises.
  return { kind: 'command', command: command as Command }
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
  return closest(typed, COMMAND_NAMES, 2)
}
