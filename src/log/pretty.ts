/** Where log lines go: pino writes each line, a whole JSON object, with one call. */
export interface LineSink {
  write(line: string): void
}

/**
 * `LOG_FORMAT=pretty`: each JSON line pino writes becomes one line to read in a terminal,
 * `2026-12-01T09:30:00.000Z INFO  bot started prefix=kefu staff=4`.
 */
export function prettyLines(out: LineSink): LineSink {
  return { write: (line) => out.write(prettyLine(line)) }
}

function prettyLine(line: string): string {
  let record: Record<string, unknown>
  try {
    record = JSON.parse(line) as Record<string, unknown>
  } catch {
    return line
  }
  const { time, level, msg, app: _app, ...fields } = record
  const pairs = Object.entries(fields).map(([key, value]) => `${key}=${showValue(value)}`)
  return `${[String(time), String(level).toUpperCase().padEnd(5), String(msg ?? ''), ...pairs].join(' ')}\n`
}

function showValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value)
  return JSON.stringify(value) ?? String(value)
}
