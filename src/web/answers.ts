import type { FastifyReply, FastifyRequest } from 'fastify'
import type { TextKey } from '../text/text.js'
import { type Html, html } from './html.js'
import { page } from './layout.js'
import type { ConsoleParts } from './parts.js'

/** How the console answers: an HTML page, or for the API (`*.json`, `/events`) JSON. */

export function sendPage(reply: FastifyReply, status: number, body: Html): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(body.value)
}

/** Routes whose callers are scripts, not people: they get JSON, never a page. */
export function wantsJson(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0] ?? ''
  return path === '/events' || path.endsWith('.json')
}

/** A refusal: a page with the sentence (the viewer's navigation when there is one), or `{ error }`. */
export function refuse(
  request: FastifyRequest,
  reply: FastifyReply,
  parts: ConsoleParts,
  status: number,
  key: TextKey,
  vars?: Record<string, string | number>,
): FastifyReply {
  const message = parts.text.t(key, vars)
  if (wantsJson(request)) return reply.code(status).send({ error: message })
  const body = html`<p class="refusal" data-refusal="${status}">${message}</p>`
  return sendPage(reply, status, page(parts, request.viewer, { title: parts.text.t('web.title'), body }))
}
