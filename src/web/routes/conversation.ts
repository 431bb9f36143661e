import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Templates } from '../../../templates/index.js'
import { COMMANDS } from '../../domain/commands.js'
import { toSummary } from '../../domain/conversation.js'
import { oversees, type Staff } from '../../domain/staff.js'
import type { ConversationSummary, EventEntry, MessageEntry } from '../../domain/transcript.js'
import { mayRead, type Sight, shownEntry, shownName, shownText, sightOf } from '../../domain/visibility.js'
import { refuse, sendPage } from '../answers.js'
import { type Html, html } from '../html.js'
import { page } from '../layout.js'
import type { ConsoleParts, Viewer } from '../parts.js'
import { type ConsoleRoutes, viewerOf } from './route.js'

/**
 * One conversation: what it is, its transcript (as the viewer's role may read it) and its events,
 * and the moves a supervisor has in WeChat. A move is sent to the bot as the command typed in
 * WeChat, so it takes the same permission check, rules and records, and the bot answers in WeChat.
 */

const ACTIONS = ['assign', 'transfer', 'close'] as const
type Sentences = Templates['web']['conversation']
/** A sentence of this page: one of `web.conversation`, or a status's name. */
type PageKey = Exclude<keyof Sentences, 'statuses'> | `statuses.${keyof Sentences['statuses']}`
type Fact = 'code' | 'status' | 'customer' | 'agent' | 'category' | 'opened' | 'firstResponse' | 'closed'
type Action = (typeof ACTIONS)[number]
/** The entries a page shows, newest last: a whole working day of one conversation, and then some. */
const ENTRIES_SHOWN = 1000

/** The live conversation when it is open, else the stored summary. */
async function find(parts: ConsoleParts, id: string): Promise<ConversationSummary | null> {
  const live = await parts.state.conversation(id)
  return live ? toSummary(live) : parts.store.conversation(id)
}

/** The moves the viewer's role allows in WeChat (COMMANDS), on a conversation still open. */
function actionsFor(staff: Staff, conversation: ConversationSummary): Action[] {
  if (conversation.status === 'closed') return []
  return ACTIONS.filter((action) => {
    const { permission } = COMMANDS[action]
    return permission === 'staff' || (permission === 'oversight' && oversees(staff))
  })
}

/** The page's answer to a viewer who may not read the conversation, or undefined when they may. */
function refusal(
  request: FastifyRequest,
  reply: FastifyReply,
  parts: ConsoleParts,
  conversation: ConversationSummary | null,
): FastifyReply | undefined {
  if (!conversation) return refuse(request, reply, parts, 404, 'web.refused.notFound')
  if (!mayRead(viewerOf(request).staff, conversation))
    return refuse(request, reply, parts, 403, 'web.refused.forbidden')
  return undefined
}

export const conversationRoutes: ConsoleRoutes = (app, parts) => {
  app.get<{ Params: { code: string } }>('/c/:code', async (request, reply) => {
    const code = request.params.code.toUpperCase()
    const live = await parts.state.conversationByCode(code)
    const conversation = live ? toSummary(live) : await parts.store.conversationByCode(code)
    if (!conversation) return refuse(request, reply, parts, 404, 'web.refused.notFound')
    return reply.redirect(`/conversations/${encodeURIComponent(conversation.id)}`, 303)
  })

  app.get<{ Params: { id: string }; Querystring: { done?: string } }>(
    '/conversations/:id',
    async (request, reply) => {
      const viewer = viewerOf(request)
      const conversation = await find(parts, request.params.id)
      const refused = refusal(request, reply, parts, conversation)
      if (refused || !conversation) return refused
      const entries = await parts.store.entries(conversation.id, { limit: ENTRIES_SHOWN })
      await parts.recordRead({
        conversationId: conversation.id,
        by: viewer.staff,
        entries: entries.length,
        at: parts.clock(),
      })
      const done = ACTIONS.find((action) => action === request.query.done)
      return sendPage(reply, 200, conversationPage(parts, viewer, conversation, entries, done))
    },
  )

  for (const action of ACTIONS) {
    app.post<{ Params: { id: string }; Body: { agent?: unknown } }>(
      `/conversations/:id/${action}`,
      async (request, reply) => {
        const { staff } = viewerOf(request)
        const conversation = await find(parts, request.params.id)
        const refused = refusal(request, reply, parts, conversation)
        if (refused || !conversation) return refused
        if (!actionsFor(staff, conversation).includes(action))
          return refuse(request, reply, parts, 403, 'web.refused.forbidden')
        let command = `/${action} ${conversation.code}`
        if (action !== 'close') {
          const agent =
            typeof request.body?.agent === 'string' ? parts.staff.get(request.body.agent) : undefined
          if (!agent?.roles.includes('agent'))
            return refuse(request, reply, parts, 400, 'web.refused.badRequest')
          command += ` ${agent.id}`
        }
        await parts.submit(staff, command)
        return reply.redirect(`/conversations/${encodeURIComponent(conversation.id)}?done=${action}`, 303)
      },
    )
  }
}

function conversationPage(
  parts: ConsoleParts,
  viewer: Viewer,
  conversation: ConversationSummary,
  entries: readonly (MessageEntry | EventEntry)[],
  done: Action | undefined,
): Html {
  const { text } = parts
  const sight = sightOf(viewer.staff)
  const t = (key: PageKey) => text.t(`web.conversation.${key}`)
  const when = (at: number | undefined) => (at === undefined ? t('none') : text.dateTime(at))
  const category = parts.config.routing.categories.find((known) => known.id === conversation.category)
  const messages = entries.filter((entry): entry is MessageEntry => entry.kind === 'message')
  const events = entries.filter((entry): entry is EventEntry => entry.kind === 'event')
  const facts: [Fact, string][] = [
    ['code', conversation.code],
    ['status', t(`statuses.${conversation.status}`)],
    ['customer', shownName(sight, conversation.customerName)],
    ['agent', conversation.agentId ? parts.staff.nameOf(conversation.agentId) : t('none')],
    ['category', category ? text.categoryName(category) : (conversation.category ?? t('none'))],
    ['opened', when(conversation.openedAt)],
    ['firstResponse', when(conversation.firstResponseAt)],
    ['closed', when(conversation.closedAt)],
  ]
  const body = html`${done ? html`<p class="note" data-done="${done}">${text.t('web.conversation.done', { action: t(done) })}</p>` : ''}
<dl class="facts" data-conversation="${conversation.id}">
${facts.map(([key, value]) => html`<dt>${t(key)}</dt><dd data-fact="${key}">${value}</dd>`)}
</dl>
${actionForms(parts, viewer, conversation)}
<h2>${t('transcript')}</h2>
${messages.length ? html`<ol class="transcript">${messages.map((entry) => messageLine(parts, sight, conversation, entry))}</ol>` : html`<p>${t('noEntries')}</p>`}
<h2>${t('events')}</h2>
${
  events.length
    ? html`<ol class="events">${events.map(
        (entry) =>
          html`<li data-event="${entry.type}"><time>${text.dateTime(entry.at)}</time> ${shownText(
            sight,
            text.event(shownEntry(sight, entry), (id) => parts.staff.nameOf(id)),
          )}</li>`,
      )}</ol>`
    : html`<p>${t('noEvents')}</p>`
}`
  return page(parts, viewer, { title: text.t('web.conversation.title', { code: conversation.code }), body })
}

function messageLine(
  parts: ConsoleParts,
  sight: Sight,
  conversation: ConversationSummary,
  entry: MessageEntry,
): Html {
  const { actor } = entry
  const who =
    actor.role === 'customer'
      ? shownName(sight, actor.name ?? conversation.customerName)
      : actor.role === 'bot'
        ? parts.text.t('supervisor.bot')
        : (actor.name ?? parts.staff.nameOf(actor.id))
  return html`<li data-entry="${entry.direction}"><time>${parts.text.dateTime(entry.at)}</time> <b>${who}</b> <span>${shownText(sight, entry.text)}</span></li>`
}

function actionForms(parts: ConsoleParts, viewer: Viewer, conversation: ConversationSummary): Html {
  const { text } = parts
  const actions = actionsFor(viewer.staff, conversation)
  if (!actions.length) return html``
  const agents = parts.staff.withRole('agent')
  const form = (
    action: Action,
  ) => html`<form data-action="${action}" method="post" action="/conversations/${conversation.id}/${action}">
<input type="hidden" name="csrf" value="${viewer.csrf}">
${
  action === 'close'
    ? ''
    : html`<label>${text.t('web.conversation.agentField')} <select name="agent">${agents.map(
        (agent) => html`<option value="${agent.id}">${agent.name || agent.id}</option>`,
      )}</select></label>`
}
<button type="submit">${text.t(`web.conversation.${action}`)}</button>
</form>`
  return html`<section class="actions"><h2>${text.t('web.conversation.actions')}</h2>${actions.map(form)}</section>`
}
