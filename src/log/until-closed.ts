import type { LineSink } from './pretty.js'

const closed = new WeakSet<NodeJS.WritableStream>()
const watched = new WeakSet<NodeJS.WritableStream>()

/**
 * A stream the log writes to until it fails under it: a closed pipe (`npm start | head`, a dead
 * `tee`) gives EPIPE, which unhandled would end the bot. The log stops writing there; the bot goes on.
 * stdout and stderr are watched too, whatever the log writes to: other output (the login QR code,
 * the demo's timeline) goes there, and one error listener per stream keeps it from crashing.
 */
export function untilClosed(stream: NodeJS.WritableStream): LineSink {
  for (const watchedStream of [stream, process.stdout, process.stderr]) watch(watchedStream)
  return {
    write(line) {
      if (!closed.has(stream)) stream.write(line)
    },
  }
}

function watch(stream: NodeJS.WritableStream): void {
  if (watched.has(stream)) return
  watched.add(stream)
  // Nothing is left to tell of a failed output stream: it is written to no more.
  stream.on('error', () => closed.add(stream))
}
