import type { Text, TextKey } from '../text/text.js'
import type {
  AgentRow,
  BoardSnapshot,
  GroupRow,
  GroupWaitRow,
  NextStep,
  QueueRow,
  TodayFigures,
  WaitingRow,
} from './board.js'
import { type Html, html } from './html.js'

/**
 * The board in HTML, rendered on the server only: the page's first view, and each table's rows in
 * every event, which assets/board.js puts in place. The page itself only counts the time between
 * events (waits, countdowns, a level passing), from the instants the rows carry in data attributes.
 */

/** The parts the page replaces on each event. */
export interface BoardHtml {
  waiting: string
  queue: string
  agents: string
  groups: string
  today: string
}

const LEVEL_WORDS = {
  ok: 'web.board.levelOk',
  warning: 'web.board.levelWarning',
  overdue: 'web.board.levelOverdue',
} as const satisfies Record<WaitingRow['level'], TextKey>

const NOTIFY_WORDS = {
  agent: 'web.board.notifyAgent',
  agents: 'web.board.notifyAgents',
  supervisors: 'web.board.notifySupervisors',
  managers: 'web.board.notifyManagers',
} as const satisfies Record<NextStep['notify'][number], TextKey>

export function boardHtml(text: Text, snapshot: BoardSnapshot): BoardHtml {
  return {
    waiting: waitingRows(text, snapshot).value,
    queue: queueRows(text, snapshot).value,
    agents: agentRows(text, snapshot.agents).value,
    groups: groupRows(text, snapshot).value,
    today: todayFigures(text, snapshot.today).value,
  }
}

/** The page's body: every table with its first rows, and the words the page needs to count on. */
export function boardBody(text: Text, snapshot: BoardSnapshot): Html {
  const t = (key: TextKey, vars?: Record<string, string | number>) => text.t(key, vars)
  const heads = (keys: TextKey[]) =>
    html`<thead><tr>${keys.map((key) => html`<th>${t(key)}</th>`)}</tr></thead>`
  return html`<div id="board" data-now="${snapshot.now}"
 data-text-ok="${t(LEVEL_WORDS.ok)}" data-text-warning="${t(LEVEL_WORDS.warning)}"
 data-text-overdue="${t(LEVEL_WORDS.overdue)}" data-text-overdue-by="${t('web.board.overdueBy', { time: '{time}' })}"
 data-text-live="${t('web.board.live')}" data-text-reconnecting="${t('web.board.reconnecting')}"
 data-text-ended="${t('web.board.ended')}">
<p class="board-scope">${t(snapshot.scope === 'all' ? 'web.board.scopeAll' : 'web.board.scopeMine')}
 <span class="board-status" data-board-status role="status" aria-live="polite"></span></p>
<section class="board-today" data-board="today">${todayFigures(text, snapshot.today)}</section>
<section>
<h2>${t('web.board.waitingTitle')}</h2>
<div class="table-wrap"><table data-board="waiting">
${heads([
  'web.board.code',
  'web.board.customer',
  'web.board.agent',
  'web.board.category',
  'web.board.status',
  'web.board.waited',
  'web.board.lastText',
  'web.board.nextStep',
  'web.board.countdown',
  'web.board.level',
])}
<tbody>${waitingRows(text, snapshot)}</tbody>
</table></div>
</section>
<section>
<h2>${t('web.board.queueTitle')}</h2>
<div class="table-wrap"><table data-board="queue">
${heads(['web.board.place', 'web.board.code', 'web.board.customer', 'web.board.category', 'web.board.waited'])}
<tbody>${queueRows(text, snapshot)}</tbody>
</table></div>
</section>
<section>
<h2>${t('web.board.agentsTitle')}</h2>
<div class="table-wrap"><table data-board="agents">
${heads(['web.board.name', 'web.board.state', 'web.board.load'])}
<tbody>${agentRows(text, snapshot.agents)}</tbody>
</table></div>
</section>
<section>
<h2>${t('web.board.groupsTitle')}</h2>
<div class="table-wrap"><table data-board="groups">
${heads([
  'web.board.room',
  'web.board.topic',
  'web.board.customer',
  'web.board.messages',
  'web.board.waited',
  'web.board.lastText',
  'web.board.countdown',
  'web.board.level',
])}
<tbody>${groupRows(text, snapshot)}</tbody>
</table></div>
</section>
</div>`
}

function waitingRows(text: Text, snapshot: BoardSnapshot): Html {
  if (!snapshot.waiting.length) return empty(text, 'web.board.waitingNone', 10)
  return html`${snapshot.waiting.map(
    (row) => html`<tr data-code="${row.code}" ${timing(row, row.since)}>
<td class="code"><a href="/conversations/${encodeURIComponent(row.id)}">${row.code}</a></td>
<td>${customer(text, row.customer)}</td>
<td>${row.agent ?? html`<span class="muted">${text.t('web.board.unassigned')}</span>`}</td>
<td>${row.category}</td>
<td>${text.t(row.status === 'queued' ? 'web.board.statusQueued' : 'web.board.statusAssigned')}</td>
<td class="time" data-waited>${clockText(row.waitedMs)}</td>
<td class="text">${row.lastText}</td>
<td>${nextStep(text, row.nextStep)}</td>
<td class="time" data-countdown>${countdown(text, row, snapshot.now)}</td>
<td class="level" data-level-text>${text.t(LEVEL_WORDS[row.level])}</td>
</tr>`,
  )}`
}

function queueRows(text: Text, snapshot: BoardSnapshot): Html {
  if (!snapshot.queue.length) return empty(text, 'web.board.queueNone', 5)
  return html`${snapshot.queue.map(
    (row: QueueRow) => html`<tr data-code="${row.code}" data-since="${row.since}">
<td>${row.place}</td>
<td class="code"><a href="/c/${encodeURIComponent(row.code)}">${row.code}</a></td>
<td>${customer(text, row.customer)}</td>
<td>${row.category}</td>
<td class="time" data-waited>${clockText(row.waitedMs)}</td>
</tr>`,
  )}`
}

function agentRows(text: Text, agents: readonly AgentRow[]): Html {
  if (!agents.length) return empty(text, 'web.board.agentsNone', 3)
  return html`${agents.map(
    (agent) => html`<tr data-agent="${agent.id}" data-state="${agent.state.kind}">
<td>${agent.name}</td>
<td class="state" data-state="${agent.state.kind}">${agentState(text, agent)}</td>
<td>${text.t('web.board.loadOf', { open: agent.open, cap: agent.cap })}</td>
</tr>`,
  )}`
}

function agentState(text: Text, agent: AgentRow): string {
  const { state } = agent
  if (state.kind === 'on') return text.t('web.board.stateOn')
  if (state.kind === 'off') return text.t('web.board.stateOff')
  const until = text.clock(state.until)
  return state.reason
    ? text.t('web.board.stateAwayWithReason', { reason: state.reason, until })
    : text.t('web.board.stateAway', { until })
}

function groupRows(text: Text, snapshot: BoardSnapshot): Html {
  if (!snapshot.groups.length) return empty(text, 'web.board.groupsNone', 8)
  return html`${snapshot.groups.map((room) =>
    room.waits.length
      ? room.waits.map((wait) => groupWaitRow(text, room, wait, snapshot.now))
      : html`<tr data-room="${room.code}">
<td class="code">${room.code}</td>
<td>${room.topic}</td>
<td colspan="6" class="muted">${text.t('web.board.nobodyWaitingInRoom')}</td>
</tr>`,
  )}`
}

function groupWaitRow(text: Text, room: GroupRow, wait: GroupWaitRow, now: number): Html {
  return html`<tr data-room="${room.code}" ${timing(wait, wait.since)}>
<td class="code">${room.code}</td>
<td>${room.topic}</td>
<td>${customer(text, wait.customer)}</td>
<td>${wait.messages}</td>
<td class="time" data-waited>${clockText(wait.waitedMs)}</td>
<td class="text">${wait.lastText}</td>
<td class="time" data-countdown>${countdown(text, wait, now)}</td>
<td class="level" data-level-text>${text.t(LEVEL_WORDS[wait.level])}</td>
</tr>`
}

/** The instants a row's clock runs by, for the page to count between events. */
function timing(row: WaitingRow | GroupWaitRow, since: number): Html {
  return html`data-level="${row.level}" class="level-${row.level}" data-since="${since}"
 data-next-at="${row.nextStep?.dueAt ?? ''}" data-warning-at="${row.warningAt ?? ''}"
 data-overdue-at="${row.overdueAt ?? ''}"`
}

function todayFigures(text: Text, today: TodayFigures | null): Html {
  if (!today) return html`<p class="muted">${text.t('web.board.todayNone')}</p>`
  const none = text.t('web.board.figureNone')
  const duration = (ms: number | null) => (ms === null ? none : text.duration(ms))
  const figures: [string, TextKey, string | number][] = [
    ['conversations', 'web.board.figureConversations', today.conversations],
    ['first-response-median', 'web.board.figureFirstResponseMedian', duration(today.firstResponseMedianMs)],
    ['first-response-p90', 'web.board.figureFirstResponseP90', duration(today.firstResponseP90Ms)],
    ['overdue', 'web.board.figureOverdue', today.overdue],
    [
      'same-day',
      'web.board.figureSameDay',
      today.sameDayRate === null
        ? none
        : text.t('report.percent', { value: Math.round(today.sameDayRate * 100) }),
    ],
    [
      'csat',
      'web.board.figureCsat',
      today.averageRating === null
        ? none
        : text.t('web.board.rating', { average: today.averageRating.toFixed(1), count: today.ratings }),
    ],
  ]
  return html`<h2>${text.t('web.board.todayTitle', { day: today.day })}</h2>
<dl class="figures">${figures.map(
    ([name, label, value]) =>
      html`<div><dt>${text.t(label)}</dt><dd data-figure="${name}">${value}</dd></div>`,
  )}</dl>`
}

function nextStep(text: Text, step: NextStep | null): string {
  if (!step) return text.t('web.board.stepsDone')
  const who = step.notify
    .map((recipient) => text.t(NOTIFY_WORDS[recipient]))
    .join(text.t('web.board.notifyJoin'))
  return text.t('web.board.step', { step: step.index + 1, who })
}

/** Time to the next step; once overdue, how long overdue (assets/board.js counts the same way). */
function countdown(text: Text, row: WaitingRow | GroupWaitRow, now: number): string {
  if (row.overdueAt !== null && now >= row.overdueAt)
    return text.t('web.board.overdueBy', { time: clockText(now - row.overdueAt) })
  return row.nextStep ? countdownText(row.nextStep.dueAt - now) : ''
}

function customer(text: Text, name: string): Html | string {
  return name || html`<span class="muted">${text.t('web.board.noName')}</span>`
}

function empty(text: Text, key: TextKey, columns: number): Html {
  return html`<tr class="empty"><td colspan="${columns}">${text.t(key)}</td></tr>`
}

/** A countdown reads `00:01` until its instant, and `00:00` only once it has come. */
function countdownText(ms: number): string {
  return clockText(Math.ceil(ms / 1000) * 1000)
}

/** `04:59`, `1:02:03`: how long, in whole seconds, never below zero. */
function clockText(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000))
  const h = Math.floor(total / 3600)
  const mm = String(Math.floor((total % 3600) / 60)).padStart(2, '0')
  const ss = String(total % 60).padStart(2, '0')
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`
}
