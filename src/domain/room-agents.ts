import { type GroupsConfig, type RoomRef, responsibleFor } from './group-config.js'
import { oversees, type Staff, type StaffDirectory } from './staff.js'

/** Who looks after a watched room, as the staff list has them now: one rule for WeChat and the console. */

/** The staff members configured for the room (`groups.rooms[].agents`); empty when none are. */
export function configuredAgents(
  groups: Pick<GroupsConfig, 'rooms'>,
  staff: StaffDirectory,
  room: RoomRef,
): Staff[] {
  return responsibleFor(groups, room).flatMap((reference) => staff.find(reference) ?? [])
}

/** Supervisors and managers answer anywhere; agents in the rooms they look after (any, if none is configured). */
export function mayAnswerIn(
  groups: Pick<GroupsConfig, 'rooms'>,
  staff: StaffDirectory,
  member: Staff,
  room: RoomRef,
): boolean {
  if (oversees(member)) return true
  const configured = configuredAgents(groups, staff, room)
  return configured.length === 0 || configured.some((agent) => agent.id === member.id)
}
