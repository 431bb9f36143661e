import type { FastifyReply } from 'fastify'
import { accountLabel } from '../../domain/account-config.js'
import { type AccountSummary, summariseAccount, unreadAccount } from '../../domain/account-summary.js'
import { overdueStep } from '../../domain/sla.js'
import type { Staff } from '../../domain/staff.js'
import { sendPage } from '../answers.js'
import { type Html, html } from '../html.js'
import { page } from '../layout.js'
import type { AccountReader, ConsoleParts, Viewer } from '../parts.js'
import { type ConsoleRoutes, viewerOf } from './route.js'

/** Who may see every account's floor: managers (a supervisor looks after one account's floor). */
export const seesAccounts = (staff: Staff) => staff.roles.includes('manager')

/**
 * `/accounts`: this account and its siblings (`console.accounts`) side by side, read-only, for
 * managers: open, waiting, overdue, queued and on duty, each read from that account's live state
 * under its own prefix when the page is asked for. Only reads: the page has no form.
 */
export const accountRoutes: ConsoleRoutes = (app, parts) => {
  app.get('/accounts', async (request, reply) => {
    const viewer = viewerOf(request)
    if (!seesAccounts(viewer.staff)) return forbidden(parts, viewer, reply)
    const rows = await summaries(parts)
    return sendPage(
      reply,
      200,
      page(parts, viewer, { title: parts.text.t('webAccounts.title'), body: body(parts, rows) }),
    )
  })
}

async function summaries(parts: ConsoleParts): Promise<AccountSummary[]> {
  const now = parts.clock()
  const step = overdueStep(parts.config.sla)
  const own = {
    name: parts.config.account.name,
    label: accountLabel(parts.config.account),
    url: null,
    own: true,
  }
  const accounts: { account: Parameters<typeof unreadAccount>[0]; state: AccountReader }[] = [
    { account: own, state: parts.state },
    ...parts.siblings.map(({ account, state }) => ({
      account: { name: account.name, label: accountLabel(account), url: account.url ?? null, own: false },
      state,
    })),
  ]
  return Promise.all(
    accounts.map(async ({ account, state }) => {
      try {
        const [open, queued, onDuty] = await Promise.all([
          state.openConversations(),
          state.queued(),
          state.onDuty(),
        ])
        return summariseAccount(account, { open, queued, onDuty }, step, now)
      } catch (error) {
        // One account's state not answering leaves the others' numbers on the page.
        parts.log.warn({ account: account.name, err: (error as Error).message }, 'account summary not read')
        return unreadAccount(account)
      }
    }),
  )
}

function body(parts: ConsoleParts, rows: readonly AccountSummary[]): Html {
  const t = (key: Parameters<typeof parts.text.t>[0] & `webAccounts.${string}`) => parts.text.t(key)
  const total = (field: 'open' | 'waiting' | 'overdue' | 'queued' | 'onDuty') =>
    rows.reduce((sum, row) => sum + (row.read ? row[field] : 0), 0)
  const numbers = (row: Pick<AccountSummary, 'open' | 'waiting' | 'overdue' | 'queued' | 'onDuty'>) =>
    html`<td data-open>${row.open}</td><td data-waiting>${row.waiting}</td><td data-overdue class="${row.overdue ? 'overdue' : ''}">${row.overdue}</td><td data-queued>${row.queued}</td><td data-on-duty>${row.onDuty}</td>`
  return html`<table class="accounts">
<thead><tr><th>${t('webAccounts.account')}</th><th>${t('webAccounts.open')}</th><th>${t('webAccounts.waiting')}</th><th>${t('webAccounts.overdue')}</th><th>${t('webAccounts.queued')}</th><th>${t('webAccounts.onDuty')}</th></tr></thead>
<tbody>
${rows.map(
  (row) => html`<tr data-account="${row.name}">
<th scope="row">${row.url ? html`<a href="${row.url}">${row.label}</a>` : row.label}${row.own ? html` <small>${t('webAccounts.own')}</small>` : ''}</th>
${row.read ? numbers(row) : html`<td colspan="5" class="error" data-unread>${t('webAccounts.unread')}</td>`}
</tr>`,
)}
</tbody>
<tfoot><tr data-total><th scope="row">${t('webAccounts.total')}</th>${numbers({
    open: total('open'),
    waiting: total('waiting'),
    overdue: total('overdue'),
    queued: total('queued'),
    onDuty: total('onDuty'),
  })}</tr></tfoot>
</table>
<p class="note">${t('webAccounts.note')}</p>`
}

function forbidden(parts: ConsoleParts, viewer: Viewer, reply: FastifyReply) {
  return sendPage(
    reply,
    403,
    page(parts, viewer, {
      title: parts.text.t('webAccounts.title'),
      body: html`<p class="error" role="alert">${parts.text.t('webAccounts.forbidden')}</p>`,
    }),
  )
}
