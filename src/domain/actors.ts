import type { LiveConversation } from './conversation.js'
import type { Staff } from './staff.js'
import type { Actor } from './transcript.js'

/** Who did what, as the transcript records it. */
export const BOT: Actor = { id: 'bot', role: 'bot' }

/** A staff member by their highest role: a manager who also takes conversations acts as a manager. */
export function staffActor(staff: Staff): Actor {
  const role = staff.roles.includes('manager')
    ? 'manager'
    : staff.roles.includes('supervisor')
      ? 'supervisor'
      : 'agent'
  return { id: staff.id, role, name: staff.name }
}

export function customerActor(conversation: LiveConversation): Actor {
  return { id: conversation.customerId, role: 'customer', name: conversation.customerName }
}
