import { randomUUID } from 'node:crypto'
import type { FastifyReply } from 'fastify'
import { z } from 'zod'
import { normaliseCode } from '../../domain/conversation.js'
import { maskPersonalData } from '../../domain/mask.js'
import { type SearchField, searchFieldSchema } from '../../domain/privacy.js'
import { isLocalDate, reportWindow } from '../../domain/report.js'
import { oversees, type Staff } from '../../domain/staff.js'
import { type ConversationStatus, conversationStatusSchema } from '../../domain/transcript.js'
import { shownName, sightOf } from '../../domain/visibility.js'
import { dayKey } from '../../domain/zoned-time.js'
import type { ConversationQuery, SearchResult } from '../../store/port.js'
import type { TextKey } from '../../text/text.js'
import { sendPage } from '../answers.js'
import { type Html, html } from '../html.js'
import { page } from '../layout.js'
import type { ConsoleParts, Viewer } from '../parts.js'
import { type ConsoleRoutes, viewerOf } from './route.js'

/** Results per page. */
export const SEARCH_PAGE_SIZE = 20
const MAX_TEXT = 200
const MAX_PAGE = 10_000

/**
 * The search page (docs/console.md). Filters come by GET; a manager's search by a customer's name or
 * phone comes by POST with the session's CSRF token, so that no personal data ends up in a URL (the
 * address bar, the history, access logs), and is audited. Agents find only conversations they
 * handled; supervisors see customers' names masked and may not search by personal data.
 */
export const searchRoutes: ConsoleRoutes = (app, parts) => {
  app.get('/search', async (request, reply) => {
    const viewer = viewerOf(request)
    return respond(parts, viewer, reply, request.query as Record<string, unknown>, false)
  })
  app.post('/search', async (request, reply) => {
    const viewer = viewerOf(request)
    const body = (request.body ?? {}) as Record<string, unknown>
    const { text } = parts
    if (body.csrf !== viewer.csrf) {
      return send(
        reply,
        403,
        parts,
        viewer,
        html`<p class="error" role="alert">${text.t('webSearch.expired')}</p>`,
      )
    }
    if (!mayFindCustomers(viewer.staff)) {
      return send(
        reply,
        403,
        parts,
        viewer,
        html`<p class="error" role="alert">${text.t('webSearch.managersOnly')}</p>`,
      )
    }
    return respond(parts, viewer, reply, body, true)
  })
}

/** Managers see customers whole, so they alone may look customers up by name or number. */
function mayFindCustomers(staff: Staff): boolean {
  return staff.roles.includes('manager')
}

type Form = Partial<Record<SearchField | 'page', string>>

/** What the filters ask, parsed; the form as typed, to show it again. */
interface Parsed {
  query: ConversationQuery
  fields: SearchField[]
  page: number
}

async function respond(
  parts: ConsoleParts,
  viewer: Viewer,
  reply: FastifyReply,
  input: Record<string, unknown>,
  posted: boolean,
): Promise<FastifyReply> {
  const form = formOf(input, posted)
  const parsed = searchSchema(parts, viewer.staff).safeParse(form)
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => issue.message)
    return send(reply, 400, parts, viewer, body(parts, viewer, form, errors, undefined))
  }
  const { query, fields, page: pageNumber } = parsed.data
  // An agent's search is always within their own conversations, whatever the form says.
  const scoped = oversees(viewer.staff) ? query : { ...query, agentId: viewer.staff.id }
  const result = await parts.store.searchConversations(scoped, {
    offset: (pageNumber - 1) * SEARCH_PAGE_SIZE,
    limit: SEARCH_PAGE_SIZE,
  })
  if (query.customer !== undefined) await audit(parts, viewer, fields, result.total)
  const shown = { result, page: pageNumber, posted }
  return send(reply, 200, parts, viewer, body(parts, viewer, form, [], shown))
}

/** The fields as strings, trimmed; the customer field only from a POST. */
function formOf(input: Record<string, unknown>, posted: boolean): Form {
  const form: Form = {}
  const names: (SearchField | 'page')[] = [
    ...searchFieldSchema.options.filter((field) => posted || field !== 'customer'),
    'page',
  ]
  for (const name of names) {
    const value = input[name]
    const single = Array.isArray(value) ? value[0] : value
    if (typeof single === 'string' && single.trim() !== '') form[name] = single.trim()
  }
  return form
}

/** The form's fields, each with a sentence saying what is wrong with it, in the viewer's language. */
function searchSchema(parts: ConsoleParts, staff: Staff) {
  const { text, config } = parts
  const label = (field: SearchField) => text.t(`webSearch.${field}`)
  const bad = (field: SearchField) => (issue: { input: unknown }) =>
    text.t('webSearch.badValue', { field: label(field), value: String(issue.input) })
  const long = (field: SearchField, max: number) =>
    z.string().max(max, { error: () => text.t('webSearch.tooLong', { field: label(field), max }) })
  const date = (field: 'from' | 'to') =>
    z
      .string()
      .refine(isLocalDate, {
        error: (issue) => text.t('webSearch.badDate', { field: label(field), value: String(issue.input) }),
      })
      .optional()
  const categories = config.routing.categories.map((category) => category.id)
  const masked = sightOf(staff) === 'masked'
  return z
    .object({
      code: z
        .string()
        .refine((code) => normaliseCode(code) !== null, { error: bad('code') })
        .transform((code) => normaliseCode(code) as string)
        .optional(),
      from: date('from'),
      to: date('to'),
      agent: long('agent', MAX_TEXT).optional(),
      category: z
        .string()
        .refine((id) => categories.includes(id), { error: bad('category') })
        .optional(),
      status: z.enum(conversationStatusSchema.options, { error: bad('status') }).optional(),
      rating: z
        .string()
        .regex(/^[1-5]$/, { error: bad('rating') })
        .transform(Number)
        .optional(),
      // Supervisors see personal data masked: finding conversations by it would tell them what the
      // mask hides, so a text holding any is refused.
      text: long('text', MAX_TEXT)
        .refine((value) => !masked || maskPersonalData(value) === value, {
          error: () => text.t('webSearch.personalDataInText'),
        })
        .optional(),
      customer: long('customer', MAX_TEXT).optional(),
      page: z
        .string()
        .regex(/^\d{1,5}$/, { error: (issue) => text.t('webSearch.badPage', { value: String(issue.input) }) })
        .transform(Number)
        .refine((n) => n >= 1 && n <= MAX_PAGE, {
          error: (issue) => text.t('webSearch.badPage', { value: String(issue.input) }),
        })
        .optional(),
    })
    .refine((form) => !(form.from && form.to && form.from > form.to), {
      error: (issue) => {
        const form = issue.input as { from: string; to: string }
        return text.t('webSearch.fromAfterTo', { from: form.from, to: form.to })
      },
    })
    .transform((form): Parsed => {
      const { timeZone } = config
      const query: ConversationQuery = {
        ...(form.code !== undefined && { code: form.code }),
        ...(form.from !== undefined && { openedFrom: reportWindow(form.from, form.from, timeZone).start }),
        ...(form.to !== undefined && { openedTo: reportWindow(form.to, form.to, timeZone).end }),
        ...(form.agent !== undefined && { agentId: form.agent }),
        ...(form.category !== undefined && { category: form.category }),
        ...(form.status !== undefined && { status: form.status }),
        ...(form.rating !== undefined && { rating: form.rating }),
        ...(form.text !== undefined && { text: form.text }),
        ...(form.customer !== undefined && { customer: form.customer }),
      }
      const fields = (Object.keys(form) as (keyof typeof form)[]).filter(
        (key): key is SearchField => key !== 'page' && form[key] !== undefined,
      )
      return { query, fields, page: form.page ?? 1 }
    })
}

/** A search by customer: which fields, how many found; the values searched for stay out. */
async function audit(parts: ConsoleParts, viewer: Viewer, fields: SearchField[], results: number) {
  const by = viewer.staff.id
  await parts.store.writeAudit({
    id: `audit-search-${randomUUID()}`,
    at: parts.clock(),
    action: 'search',
    by,
    via: 'web',
    fields,
    results,
  })
  parts.log.info({ by, action: 'search', fields, results }, 'personal data audited')
}

function send(reply: FastifyReply, status: number, parts: ConsoleParts, viewer: Viewer, content: Html) {
  return sendPage(
    reply,
    status,
    page(parts, viewer, { title: parts.text.t('webSearch.title'), body: content }),
  )
}

interface Shown {
  result: SearchResult
  page: number
  posted: boolean
}

function body(
  parts: ConsoleParts,
  viewer: Viewer,
  form: Form,
  errors: string[],
  shown: Shown | undefined,
): Html {
  return html`${errors.length ? html`<ul class="errors" role="alert" data-errors>${errors.map((error) => html`<li>${error}</li>`)}</ul>` : ''}
${filters(parts, viewer, form)}
${mayFindCustomers(viewer.staff) ? customerForm(parts, viewer, form) : ''}
${shown ? results(parts, viewer, form, shown) : ''}`
}

/** The GET form: everything but the customer. */
function filters(parts: ConsoleParts, viewer: Viewer, form: Form): Html {
  const { text } = parts
  return html`<form method="get" action="/search" data-search class="search">
${fieldsOf(parts, viewer, form)}
<button type="submit">${text.t('webSearch.submit')}</button>
</form>
${oversees(viewer.staff) ? '' : html`<p class="note">${text.t('webSearch.ownOnly')}</p>`}`
}

/** The POST form of managers: the customer, with the other filters beside it. */
function customerForm(parts: ConsoleParts, viewer: Viewer, form: Form): Html {
  const { text } = parts
  return html`<form method="post" action="/search" data-search="customer" class="search">
<fieldset>
<legend>${text.t('webSearch.customerTitle')}</legend>
<input type="hidden" name="csrf" value="${viewer.csrf}">
<label>${text.t('webSearch.customer')} <input type="search" name="customer" maxlength="${MAX_TEXT}" value="${form.customer ?? ''}" autocomplete="off"></label>
${fieldsOf(parts, viewer, form)}
<p class="note">${text.t('webSearch.customerNote')}</p>
<button type="submit">${text.t('webSearch.submit')}</button>
</fieldset>
</form>`
}

function fieldsOf(parts: ConsoleParts, viewer: Viewer, form: Form): Html {
  const { text, config, staff } = parts
  const option = (value: string, label: string, selected: string | undefined) =>
    html`<option value="${value}"${selected === value ? html` selected` : ''}>${label}</option>`
  const agents = staff.all().filter((member) => member.roles.includes('agent'))
  const statuses: ConversationStatus[] = conversationStatusSchema.options
  return html`<label>${text.t('webSearch.code')} <input name="code" value="${form.code ?? ''}" size="6"></label>
<label>${text.t('webSearch.from')} <input type="date" name="from" value="${form.from ?? ''}"></label>
<label>${text.t('webSearch.to')} <input type="date" name="to" value="${form.to ?? ''}"></label>
${
  oversees(viewer.staff)
    ? html`<label>${text.t('webSearch.agent')} <select name="agent">${option('', text.t('webSearch.anyAgent'), form.agent ?? '')}${agents.map((agent) => option(agent.id, agent.name || agent.id, form.agent))}</select></label>`
    : ''
}
<label>${text.t('webSearch.category')} <select name="category">${option('', text.t('webSearch.anyCategory'), form.category ?? '')}${config.routing.categories.map((category) => option(category.id, text.categoryName(category), form.category))}</select></label>
<label>${text.t('webSearch.status')} <select name="status">${option('', text.t('webSearch.anyStatus'), form.status ?? '')}${statuses.map((status) => option(status, text.t(`webSearch.statuses.${status}`), form.status))}</select></label>
<label>${text.t('webSearch.rating')} <select name="rating">${option('', text.t('webSearch.anyRating'), form.rating ?? '')}${['5', '4', '3', '2', '1'].map((score) => option(score, score, form.rating))}</select></label>
<label>${text.t('webSearch.text')} <input type="search" name="text" maxlength="${MAX_TEXT}" value="${form.text ?? ''}"></label>`
}

function results(parts: ConsoleParts, viewer: Viewer, form: Form, shown: Shown): Html {
  const { text, config, staff } = parts
  const { conversations, total } = shown.result
  if (conversations.length === 0) return html`<p data-results="0">${text.t('webSearch.none')}</p>`
  const sight = sightOf(viewer.staff)
  const first = (shown.page - 1) * SEARCH_PAGE_SIZE + 1
  const categoryName = (id: string | undefined) => {
    if (id === undefined) return ''
    return text.categoryName(config.routing.categories.find((category) => category.id === id) ?? { id })
  }
  const rows = conversations.map(
    (conversation) => html`<tr data-result data-id="${conversation.id}">
<td><a href="/conversations/${encodeURIComponent(conversation.id)}">${conversation.code}</a></td>
<td><time datetime="${new Date(conversation.openedAt).toISOString()}">${dayKey(conversation.openedAt, config.timeZone)} ${text.clock(conversation.openedAt)}</time></td>
<td>${shownName(sight, conversation.customerName)}</td>
<td>${conversation.agentId ? staff.nameOf(conversation.agentId) || conversation.agentId : text.t('webSearch.unassigned')}</td>
<td>${categoryName(conversation.category)}</td>
<td>${text.t(`webSearch.statuses.${conversation.status}`)}</td>
<td>${conversation.rating ?? text.t('webSearch.noRating')}</td>
</tr>`,
  )
  const heading = (key: TextKey) => html`<th scope="col">${text.t(key)}</th>`
  return html`<p data-results="${total}">${text.t('webSearch.results', { total, first, last: first + conversations.length - 1 })}</p>
<table class="results">
<thead><tr>${(
    [
      'webSearch.code',
      'webSearch.opened',
      'webSearch.customer',
      'webSearch.agent',
      'webSearch.category',
      'webSearch.status',
      'webSearch.rating',
    ] as const
  ).map(heading)}</tr></thead>
<tbody>
${rows}
</tbody>
</table>
${pager(parts, viewer, form, shown)}`
}

/**
 * Links to the neighbouring pages. A customer search was posted: its pages are posted again from
 * buttons (each one audited), so the customer's name or number never goes into a link.
 */
function pager(parts: ConsoleParts, viewer: Viewer, form: Form, shown: Shown): Html {
  const { text } = parts
  const last = Math.max(1, Math.ceil(shown.result.total / SEARCH_PAGE_SIZE))
  const prev = shown.page > 1 ? shown.page - 1 : undefined
  const next = shown.page < last ? shown.page + 1 : undefined
  if (shown.posted) {
    const hidden = (Object.entries(form) as [string, string][])
      .filter(([name]) => name !== 'page')
      .map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)
    const button = (number: number | undefined, rel: string, key: TextKey) =>
      number === undefined
        ? ''
        : html`<button type="submit" name="page" value="${number}" data-rel="${rel}">${text.t(key)}</button>`
    return html`<form method="post" action="/search" class="pager" data-pager>
<input type="hidden" name="csrf" value="${viewer.csrf}">
${hidden}
${button(prev, 'prev', 'webSearch.prev')}
${button(next, 'next', 'webSearch.next')}
</form>`
  }
  const link = (number: number | undefined, rel: string, key: TextKey) => {
    if (number === undefined) return ''
    const query = new URLSearchParams({ ...form, page: String(number) })
    return html`<a rel="${rel}" href="/search?${query.toString()}">${text.t(key)}</a>`
  }
  return html`<nav class="pager" data-pager>${link(prev, 'prev', 'webSearch.prev')} ${link(next, 'next', 'webSearch.next')}</nav>`
}
