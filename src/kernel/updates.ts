import type {
  Command,
  CommandName,
  CommandOf,
  OpenCommand,
  OpenCommandName,
  StaffInput,
} from '../domain/commands.js'
import type { InboundMessage } from '../domain/inbound.js'
import type { Outgoing } from '../domain/outgoing.js'
import type { Staff } from '../domain/staff.js'
import type { Timer, TimerKind, TimerOf } from '../domain/timers.js'

/**
 * Everything that can happen to the bot, from one dictionary (as Wechaty's typed events): the kernel
 * turns inbound messages, due timers, failed sends and start-up into one of these, and handlers are
 * registered by their kind.
 */
export interface UpdateTypes {
  /** A customer wrote to the bot. */
  'customer-message': { message: InboundMessage }
  /** A staff member typed a command the grammar accepts. */
  'staff-command': { message: InboundMessage; staff: Staff; command: Command }
  /**
   * Anyone, customer or staff, sent a command anyone may send (`/whoami`): from a customer it is
   * no customer message, and opens, times and forwards nothing.
   */
  'open-command': { message: InboundMessage; command: OpenCommand }
  /** Staff text that is not a command: an answer for a customer (`code` when they typed one). */
  'staff-reply': { message: InboundMessage; staff: Staff; code?: string; text: string }
  /** Staff typed a command that does not exist, or one without the arguments it needs. */
  'staff-mistake': { message: InboundMessage; staff: Staff; mistake: StaffMistake }
  /** A customer wrote in a watched WeChat group (room). */
  'group-message': { message: GroupInbound }
  /**
   * Staff wrote in a watched room: a staff member (`staff`), or the bot's own account (no `staff`:
   * the bot, or someone on its phone). It answers customers waiting there.
   */
  'group-staff-message': { message: GroupInbound; staff?: Staff }
  /** Something set for later is due (an escalation step, an away limit, a day's end…). */
  timer: { timer: Timer }
  /** A message the outbox gave up on after every attempt. */
  'send-failed': { outboxId: string; purpose: string; outgoing: Outgoing; error: string }
  /** Start-up (and a new staff list): re-create what a crash may have cut short. */
  recovery: Record<never, never>
}

/** A message in a room: its `room` is there. */
export type GroupInbound = InboundMessage & { room: NonNullable<InboundMessage['room']> }

export type UpdateKind = keyof UpdateTypes
export type Update = { [K in UpdateKind]: { kind: K } & UpdateTypes[K] }[UpdateKind]
export type UpdateOf<K extends UpdateKind> = Extract<Update, { kind: K }>

export type StaffMistake = Extract<StaffInput, { kind: 'unknown-command' | 'bad-usage' }>

/** A command of one name, with the arguments that command has: from staff, or from anyone. */
export type CommandUpdate<N extends CommandName> = Omit<
  UpdateOf<N extends OpenCommandName ? 'open-command' : 'staff-command'>,
  'command'
> & { command: CommandOf<N> }
/** The update of one kind of timer. */
export type TimerUpdate<K extends TimerKind> = { kind: 'timer'; timer: TimerOf<K> }
/** Updates that come from a staff member's message: someone to answer. */
export type StaffUpdate = UpdateOf<'staff-command' | 'staff-reply' | 'staff-mistake'>

export function isStaffUpdate(update: Update): update is StaffUpdate {
  return update.kind === 'staff-command' || update.kind === 'staff-reply' || update.kind === 'staff-mistake'
}
