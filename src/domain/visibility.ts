import { clip, maskName, maskPersonalData } from './mask.js'
import { oversees, type Staff } from './staff.js'
import type { TranscriptEntry } from './transcript.js'

/**
 * Who sees what of a customer (the regulations keep the archive for managers and above): managers
 * see transcripts whole; supervisors review the service, so they see personal data and customers'
 * names masked; an agent sees only conversations assigned to them, whole, as WeChat already shows
 * them every message of those.
 */
export type Sight = 'whole' | 'masked'

/** How a staff member sees customers' data wherever they may see it at all. */
export function sightOf(staff: Staff): Sight {
  if (staff.roles.includes('manager')) return 'whole'
  if (oversees(staff)) return 'masked'
  return 'whole'
}

/** Whether the staff member may open this conversation: oversight any, an agent only their own. */
export function mayRead(staff: Staff, conversation: { agentId?: string | undefined }): boolean {
  return oversees(staff) || conversation.agentId === staff.id
}

/** A text as this staff member may read it. */
export function shownText(sight: Sight, text: string): string {
  return sight === 'whole' ? text : maskPersonalData(text)
}

/** A customer's name as this staff member may read it. */
export function shownName(sight: Sight, name: string): string {
  return sight === 'whole' ? name : maskName(name)
}

/**
 * A transcript entry as this staff member may read it: masked, a customer's name (as the writer of
 * a message, or named in a group event) and any personal data in a message; staff stay as they are.
 */
export function shownEntry<E extends TranscriptEntry>(sight: Sight, entry: E): E {
  if (sight === 'whole') return entry
  const actor =
    entry.actor.role === 'customer' ? { ...entry.actor, name: maskName(entry.actor.name ?? '') } : entry.actor
  if (entry.kind === 'message') return { ...entry, actor, text: maskPersonalData(entry.text) }
  const { customerName } = entry.data
  const data =
    typeof customerName === 'string' ? { ...entry.data, customerName: maskName(customerName) } : entry.data
  return { ...entry, actor, data }
}

/** The start of a message, on one line, as this staff member may read it (listings, the board). */
export function shownPreview(sight: Sight, text: string): string {
  return clip(shownText(sight, text))
}
