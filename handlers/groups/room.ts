import type { RoomRef } from '../../src/domain/group-config.js'
import { groupThreadId, type LiveRoom } from '../../src/domain/groups.js'
import { configuredAgents as configuredAgentsOf, mayAnswerIn } from '../../src/domain/room-agents.js'
import { dueAfter, type SlaPolicy } from '../../src/domain/sla.js'
import type { Staff } from '../../src/domain/staff.js'
import type { Context } from '../../src/kernel/context.js'
import type { Transcribed } from '../../src/kernel/unit-of-work.js'

/** What every group handler needs of a room: its record, its ladder, who looks after it. */

/** The room's record in the transcript: one thread per room, ordered by the room's revision. */
export function threadOf(room: LiveRoom): Transcribed {
  return { id: groupThreadId(room.id), rev: room.rev }
}

/** The group ladder on the service's clock (`sla.serviceTimeOnly` applies as in 1:1). */
export function groupPolicy(ctx: Context): SlaPolicy {
  const { groups, sla } = ctx.settings
  return { replyTimeout: groups.replyTimeout, ladder: groups.ladder, serviceTimeOnly: sla.serviceTimeOnly }
}

/** When a message received at `at` is overdue. */
export function overdueAt(ctx: Context, at: number): number {
  const policy = groupPolicy(ctx)
  return dueAfter(policy, ctx.services.calendar, at, policy.replyTimeout)
}

/** The staff members configured for the room (`groups.rooms[].agents`); empty when none are. */
export function configuredAgents(ctx: Context, room: RoomRef): Staff[] {
  return configuredAgentsOf(ctx.settings.groups, ctx.services.staff, room)
}

/** Who looks after the room now: its configured agents, else every agent on duty and not away. */
export async function responsibleAgents(ctx: Context, room: RoomRef): Promise<Staff[]> {
  const configured = configuredAgents(ctx, room)
  if (configured.length) return configured
  const agents = ctx.services.staff.withRole('agent')
  const loads = await ctx.io.state.loads(agents.map((agent) => agent.id))
  const present = new Set(loads.filter((load) => load.onDuty && !load.away).map((load) => load.agentId))
  return agents.filter((agent) => present.has(agent.id))
}

/** Names for a listing or an alert: the configured agents, or "agents on duty". */
export function agentsLabel(ctx: Context, room: RoomRef): string {
  const configured = configuredAgents(ctx, room)
  return configured.length ? configured.map((agent) => agent.name).join('、') : ctx.t('group.onDuty')
}

/** An overdue group message counts for the room's one configured agent; otherwise for the team. */
export function overdueAgentId(ctx: Context, room: RoomRef): string {
  const configured = configuredAgents(ctx, room)
  return configured.length === 1 ? (configured[0]?.id ?? '') : ''
}

/** Supervisors and managers answer anywhere; agents in the rooms they look after (any, if none is configured). */
export function mayAnswer(ctx: Context, staff: Staff, room: RoomRef): boolean {
  return mayAnswerIn(ctx.settings.groups, ctx.services.staff, staff, room)
}

/** The fields every group event carries, so reports name the room without reading live state. */
export function roomFields(room: LiveRoom): { roomId: string; code: string; topic: string } {
  return { roomId: room.id, code: room.code, topic: room.topic }
}
