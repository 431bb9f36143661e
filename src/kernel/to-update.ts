import { isOpenCommand, parseStaffInput } from '../domain/commands.js'
import type { InboundMessage } from '../domain/inbound.js'
import type { StaffDirectory } from '../domain/staff.js'
import type { Update } from './updates.js'

/**
 * What an inbound message is: customers are told from staff by contact id alone (a customer named
 * like a staff member is still a customer), and what staff type is parsed by the command grammar.
 */
export function toUpdate(message: InboundMessage, staffDirectory: StaffDirectory): Update {
  // In a group nothing is a command: staff there talk to customers.
  if (message.room) {
    const inRoom = { ...message, room: message.room }
    if (message.room.fromBot) return { kind: 'group-staff-message', message: inRoom }
    const staff = staffDirectory.get(message.from.id)
    return staff
      ? { kind: 'group-staff-message', message: inRoom, staff }
      : { kind: 'group-message', message: inRoom }
  }
  const input = message.kind === 'text' ? parseStaffInput(message.text) : undefined
  if (input?.kind === 'command' && isOpenCommand(input.command)) {
    return { kind: 'open-command', message, command: input.command }
  }
  const staff = staffDirectory.get(message.from.id)
  if (!staff) return { kind: 'customer-message', message }
  // Images and files from staff are answers too.
  if (input === undefined) return { kind: 'staff-reply', message, staff, text: '' }
  switch (input.kind) {
    case 'command':
      return { kind: 'staff-command', message, staff, command: input.command }
    case 'coded-reply':
      return { kind: 'staff-reply', message, staff, code: input.code, text: input.text }
    case 'text':
      return { kind: 'staff-reply', message, staff, text: input.text }
    case 'unknown-command':
    case 'bad-usage':
      return { kind: 'staff-mistake', message, staff, mistake: input }
  }
}
