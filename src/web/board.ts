import type { Config, EscalationStep } from '../domain/config.js'
import type { LiveConversation } from '../domain/conversation.js'
import type { GroupStep } from '../domain/group-config.js'
import type { LiveGroupWait, LiveRoom } from '../domain/groups.js'
import { maskName } from '../domain/mask.js'
import type { KpiPeriod, KpiRow } from '../domain/report.js'
import { mayAnswerIn } from '../domain/room-agents.js'
import { overdueStep } from '../domain/sla.js'
import { oversees, type Staff, type StaffDirectory } from '../domain/staff.js'
import { mayRead, type Sight, shownName, shownPreview, sightOf } from '../domain/visibility.js'
import { overdueAt, type WaitLevel, waitLevel } from '../domain/wait-level.js'
import type { AgentLoad } from '../state/port.js'
import type { Text } from '../text/text.js'

/**
 * The board: the floor as one viewer may see it at one instant, worked out from what the live state
 * holds. Pure: the route reads, this decides what is shown to whom, the view renders it. Everything
 * in a snapshot is plain JSON, so the same object serves the page, /board.json and the event stream.
 */

/** What the board is made of, read from the live state (and today's report) at one instant. */
export interface BoardReads {
  /** Every open conversation, oldest first. */
  open: readonly LiveConversation[]
  /** Unassigned conversations in queue order. */
  queued: readonly LiveConversation[]
  /** The duty state of every staff member with the agent role. */
  loads: readonly AgentLoad[]
  /** The watched rooms, each with the customers waiting there (longest first). */
  rooms: readonly { room: LiveRoom; waits: readonly LiveGroupWait[] }[]
  /** Today's figures, when they have been read. */
  today: KpiPeriod | undefined
}

export interface BoardSettings {
  config: Pick<Config, 'sla' | 'routing' | 'groups'>
  staff: StaffDirectory
  text: Text
}

/** The next ladder step of a wait: when it falls due and whom it alerts. */
export interface NextStep {
  /** The step's place in the ladder, from 0. */
  index: number
  dueAt: number
  notify: readonly (EscalationStep['notify'][number] | GroupStep['notify'][number])[]
}

/** How late a wait is, in instants the page counts down to. */
interface Lateness {
  nextStep: NextStep | null
  /** When the first step falls due, when it warns before the overdue step. */
  warningAt: number | null
  overdueAt: number | null
  level: WaitLevel
}

export interface WaitingRow extends Lateness {
  id: string
  code: string
  customer: string
  /** The agent's name; null while queued. */
  agent: string | null
  category: string
  status: 'queued' | 'assigned'
  /** When the customer started waiting (the reply clock's start, or the opening when it has none). */
  since: number
  waitedMs: number
  lastText: string
}

export interface QueueRow {
  code: string
  /** 1 is next in line. */
  place: number
  customer: string
  category: string
  since: number
  waitedMs: number
}

export type AgentState = { kind: 'on' } | { kind: 'away'; reason: string; until: number } | { kind: 'off' }

export interface AgentRow {
  id: string
  name: string
  state: AgentState
  open: number
  cap: number
}

export interface GroupWaitRow extends Lateness {
  customer: string
  since: number
  waitedMs: number
  /** Messages in this waiting period. */
  messages: number
  lastText: string
  /** When the next step falls due; null once every step has been taken. */
  dueAt: number | null
}

export interface GroupRow {
  code: string
  topic: string
  waits: GroupWaitRow[]
}

/** Today's figures, for the team (oversight) or for the agent looking. */
export interface TodayFigures {
  day: string
  conversations: number
  firstResponseMedianMs: number | null
  firstResponseP90Ms: number | null
  overdue: number
  sameDayRate: number | null
  averageRating: number | null
  ratings: number
}

export interface BoardSnapshot {
  now: number
  /** `all` for supervisors and managers; `mine` for an agent, who sees only their own. */
  scope: 'all' | 'mine'
  waiting: WaitingRow[]
  queue: QueueRow[]
  agents: AgentRow[]
  groups: GroupRow[]
  today: TodayFigures | null
}

export function boardSnapshot(
  reads: BoardReads,
  viewer: Staff,
  settings: BoardSettings,
  now: number,
): BoardSnapshot {
  const all = oversees(viewer)
  const sight = sightOf(viewer)
  return {
    now,
    scope: all ? 'all' : 'mine',
    waiting: waitingRows(reads, viewer, sight, settings, now),
    queue: reads.queued.map((conversation, index) => {
      const since = conversation.waitingSince || conversation.openedAt
      return {
        code: conversation.code,
        place: index + 1,
        // An agent sees the queue as /queue shows it: who waits, not who they are.
        customer: mayRead(viewer, conversation)
          ? shownName(sight, conversation.customerName)
          : maskName(conversation.customerName),
        category: categoryName(settings, conversation.category),
        since,
        waitedMs: Math.max(0, now - since),
      }
    }),
    agents: agentRows(reads, viewer, settings),
    groups: groupRows(reads, viewer, sight, settings, now),
    today: reads.today ? todayFigures(reads.today, viewer) : null,
  }
}

/**
 * What changes a snapshot for the eye beyond the clock: two snapshots with one signature differ only
 * in the time that passes, which the page counts itself.
 */
export function boardSignature(snapshot: BoardSnapshot): string {
  return JSON.stringify(snapshot, (key, value) => (key === 'now' || key === 'waitedMs' ? undefined : value))
}

function waitingRows(
  reads: BoardReads,
  viewer: Staff,
  sight: Sight,
  settings: BoardSettings,
  now: number,
): WaitingRow[] {
  const { sla } = settings.config
  const rows = reads.open
    .filter((conversation) => mayRead(viewer, conversation))
    .filter((conversation) => conversation.status === 'queued' || conversation.waitingSince > 0)
    .map((conversation): WaitingRow => {
      const since = conversation.waitingSince || conversation.openedAt
      // Deadlines belong to the current waiting period; a queued customer who was answered has none.
      const deadlines = conversation.waitingSince ? conversation.deadlines : []
      return {
        id: conversation.id,
        code: conversation.code,
        customer: shownName(sight, conversation.customerName),
        agent: conversation.agentId ? settings.staff.nameOf(conversation.agentId) : null,
        category: categoryName(settings, conversation.category),
        status: conversation.status === 'queued' ? 'queued' : 'assigned',
        since,
        waitedMs: Math.max(0, now - since),
        lastText: shownPreview(sight, conversation.lastText),
        ...lateness(deadlines, conversation.ladderStep, sla.ladder, overdueStep(sla), now),
      }
    })
  return rows.sort((a, b) => a.since - b.since || a.code.localeCompare(b.code, 'en', { numeric: true }))
}

function lateness(
  deadlines: readonly number[],
  step: number,
  ladder: readonly { notify: NextStep['notify'] }[],
  overdue: number,
  now: number,
): Lateness {
  const dueAt = deadlines[step]
  const rung = ladder[step]
  return {
    nextStep: dueAt !== undefined && rung ? { index: step, dueAt, notify: rung.notify } : null,
    warningAt: overdue > 0 ? (deadlines[0] ?? null) : null,
    overdueAt: overdueAt(deadlines, overdue) ?? null,
    level: waitLevel(deadlines, overdue, now),
  }
}

function agentRows(reads: BoardReads, viewer: Staff, settings: BoardSettings): AgentRow[] {
  const loads = new Map(reads.loads.map((load) => [load.agentId, load]))
  const team = settings.staff.withRole('agent')
  // An agent sees their own line only: the team's state is a supervisor's view (/agents).
  const shown = oversees(viewer) ? team : team.filter((agent) => agent.id === viewer.id)
  return shown.map((agent) => {
    const load = loads.get(agent.id)
    return {
      id: agent.id,
      name: agent.name,
      state: stateOf(load),
      open: load?.open ?? 0,
      cap: agent.maxOpen ?? settings.config.routing.maxPerAgent,
    }
  })
}

function stateOf(load: AgentLoad | undefined): AgentState {
  if (!load?.onDuty) return { kind: 'off' }
  if (load.away) return { kind: 'away', reason: load.away.reason, until: load.away.until }
  return { kind: 'on' }
}

function groupRows(
  reads: BoardReads,
  viewer: Staff,
  sight: Sight,
  settings: BoardSettings,
  now: number,
): GroupRow[] {
  const { groups, sla } = settings.config
  const overdue = overdueStep({
    replyTimeout: groups.replyTimeout,
    ladder: groups.ladder,
    serviceTimeOnly: sla.serviceTimeOnly,
  })
  return reads.rooms
    .filter(({ room }) => mayAnswerIn(groups, settings.staff, viewer, room))
    .map(({ room, waits }) => ({
      code: room.code,
      topic: room.topic,
      waits: waits.map((wait) => {
        const late = lateness(wait.deadlines, wait.ladderStep, groups.ladder, overdue, now)
        return {
          customer: shownName(sight, wait.customerName),
          since: wait.since,
          waitedMs: Math.max(0, now - wait.since),
          messages: wait.count,
          lastText: shownPreview(sight, wait.lastText),
          dueAt: late.nextStep?.dueAt ?? null,
          ...late,
        }
      }),
    }))
}

function todayFigures(period: KpiPeriod, viewer: Staff): TodayFigures {
  const row: KpiRow | undefined = oversees(viewer)
    ? period.team
    : period.agents.find((agent) => agent.agentId === viewer.id)
  return {
    day: period.from,
    conversations: row?.conversations ?? 0,
    firstResponseMedianMs: row?.firstResponseMedianMs ?? null,
    firstResponseP90Ms: row?.firstResponseP90Ms ?? null,
    overdue: row?.overdue ?? 0,
    sameDayRate: row?.sameDayRate ?? null,
    averageRating: row?.averageRating ?? null,
    ratings: row?.ratings ?? 0,
  }
}

function categoryName(settings: BoardSettings, id: string): string {
  if (!id) return ''
  const category = settings.config.routing.categories.find((known) => known.id === id)
  return settings.text.categoryName(category ?? { id })
}
