import { COMMANDS, type CommandName, type Permission } from '../domain/commands.js'
import { oversees, type Staff } from '../domain/staff.js'
import type { TextKey } from '../text/text.js'
import type { Middleware } from './composer.js'

/** What a staff member is told when their role does not allow a command. */
const REFUSALS = {
  oversight: 'staff.oversightOnly',
  agent: 'staff.agentOnly',
  manager: 'staff.managerOnly',
} as const satisfies Record<Exclude<Permission, 'staff' | 'anyone'>, TextKey>

export function allows(staff: Staff, permission: Permission): boolean {
  switch (permission) {
    case 'staff':
    case 'anyone':
      return true
    case 'agent':
      return staff.roles.includes('agent')
    case 'oversight':
      return oversees(staff)
    case 'manager':
      return staff.roles.includes('manager')
  }
}

/**
 * Who may run which command (invariant 7): a command the staff member's role does not allow is
 * answered with the reason and goes no further.
 */
export const checkPermission: Middleware = async (ctx, next) => {
  const { update } = ctx
  if (update.kind !== 'staff-command') return next()
  const name: CommandName = update.command.name
  const { permission } = COMMANDS[name]
  if (allows(update.staff, permission)) return next()
  ctx.log.info({ staff: update.staff.id, command: name }, 'command refused: not allowed for the role')
  ctx.reply('denied', ctx.t(REFUSALS[permission as keyof typeof REFUSALS], { command: `/${name}` }))
}
