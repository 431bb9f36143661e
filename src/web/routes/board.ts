import { PassThrough } from 'node:stream'
import { sendPage } from '../answers.js'
import { BoardFeed } from '../board-feed.js'
import { boardBody } from '../board-view.js'
import { page } from '../layout.js'
import { type ConsoleRoutes, viewerOf } from './route.js'

/** A comment line this often keeps proxies from closing a quiet stream. */
const HEARTBEAT_MS = 15_000
/**
 * A stream ends after this long and the page's EventSource opens a new one, through the session
 * guard again: a session that ended (logout elsewhere, expiry) stops receiving within this time.
 */
const STREAM_LIFETIME_MS = 5 * 60_000
/** How soon the page's EventSource reconnects after a stream ends. */
const RETRY_MS = 1000

/**
 * The board: `/` the page (its first view rendered here, so it reads without script),
 * `/board.json` the viewer's snapshot, `/events` the live stream the page's script listens to.
 */
export const boardRoutes: ConsoleRoutes = (app, parts) => {
  const feed = new BoardFeed(parts)
  const { text } = parts
  app.addHook('preClose', async () => feed.close())

  app.get('/', async (request, reply) => {
    const viewer = viewerOf(request)
    const snapshot = await feed.snapshot(viewer.staff)
    const body = boardBody(text, snapshot)
    const html = page(parts, viewer, { title: text.t('web.board.title'), body, scripts: ['board.js'] })
    return sendPage(reply, 200, html)
  })

  app.get('/board.json', async (request) => feed.snapshot(viewerOf(request).staff))

  app.get('/events', (request, reply) => {
    const viewer = viewerOf(request)
    const stream = new PassThrough()
    const write = (chunk: string) => {
      if (!stream.writableEnded) stream.write(chunk)
    }
    const heartbeat = setInterval(() => write(': heartbeat\n\n'), HEARTBEAT_MS)
    const lifetime = setTimeout(() => finish(), STREAM_LIFETIME_MS)
    const stop = feed.watch({
      staffId: viewer.staff.id,
      send: (data) => write(`event: board\ndata: ${data}\n\n`),
      end: () => finish(),
    })
    function finish(): void {
      clearInterval(heartbeat)
      clearTimeout(lifetime)
      stop()
      if (!stream.writableEnded) stream.end()
    }
    // The response closes when the page goes (or the stream ends): the watch stops with it.
    reply.raw.on('close', finish)
    write(`retry: ${RETRY_MS}\n\n`)
    return reply
      .header('content-type', 'text/event-stream; charset=utf-8')
      .header('cache-control', 'no-cache, no-transform')
      .header('x-accel-buffering', 'no')
      .send(stream)
  })
}
