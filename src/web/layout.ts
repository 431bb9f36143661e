import { accountLabel } from '../domain/account-config.js'
import type { Text } from '../text/text.js'
import { type Html, html } from './html.js'
import type { ConsoleParts, Viewer } from './parts.js'

export interface PageContent {
  title: string
  body: Html
  /** Scripts of this page, served from /assets/ (no inline script: the CSP forbids it). */
  scripts?: string[]
}

/**
 * Every console page: the same head, the account it belongs to (a manager may have several
 * accounts' consoles open), the navigation, the viewer and their logout button.
 */
export function page(
  parts: Pick<ConsoleParts, 'text' | 'config'>,
  viewer: Viewer | undefined,
  content: PageContent,
): Html {
  const { text } = parts
  const account = accountLabel(parts.config.account)
  return html`<!doctype html>
<html lang="${text.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${content.title} · ${account} · ${text.t('web.title')}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/console.css">
${(content.scripts ?? []).map((script) => html`<script src="/assets/${script}" defer></script>`)}
</head>
<body>
${viewer ? navigation(text, viewer, account, manyAccounts(parts, viewer)) : html`<header><span class="account" data-account>${account}</span></header>`}
<main>
<h1>${content.title}</h1>
${content.body}
</main>
</body>
</html>`
}

/** The accounts page is in a manager's navigation when the console knows of sibling accounts. */
const manyAccounts = (parts: Pick<ConsoleParts, 'config'>, viewer: Viewer) =>
  parts.config.console.accounts.length > 0 && viewer.staff.roles.includes('manager')

function navigation(text: Text, viewer: Viewer, account: string, accounts: boolean): Html {
  return html`<header>
<span class="account" data-account>${account}</span>
<nav>
<a href="/">${text.t('web.title')}</a>
<a href="/search">${text.t('webSearch.title')}</a>
<a href="/reports">${text.t('webReports.title')}</a>
${accounts ? html`<a href="/accounts">${text.t('webAccounts.title')}</a>` : ''}
</nav>
<form method="post" action="/logout">
<span class="viewer">${viewer.staff.name || viewer.staff.id}</span>
<input type="hidden" name="csrf" value="${viewer.csrf}">
<button type="submit">${text.t('web.logout')}</button>
</form>
</header>`
}
