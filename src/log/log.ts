import { pino } from 'pino'

/**
 * Structured logs, one JSON object a line. Logs carry ids and codes, never message text or names:
 * customer data stays out of them.
 */
export interface Log {
  debug(fields: object, message: string): void
  info(fields: object, message: string): void
  warn(fields: object, message: string): void
  error(fields: object, message: string): void
  child(bindings: object): Log
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

export function createLog(options: { level?: LogLevel; destination?: NodeJS.WritableStream } = {}): Log {
  const level = options.level ?? (process.env.LOG_LEVEL as LogLevel | undefined) ?? 'info'
  return pino({ level, base: { app: 'kefu' } }, options.destination ?? process.stdout)
}

/** A Log that keeps its lines in memory, for tests that assert what was logged. */
export function memoryLog(): Log & { lines: { level: string; message: string; fields: object }[] } {
  const lines: { level: string; message: string; fields: object }[] = []
  const make = (bindings: object): Log => {
    const at =
      (level: string) =>
      (fields: object, message: string): void => {
        lines.push({ level, message, fields: { ...bindings, ...fields } })
      }
    return {
      debug: at('debug'),
      info: at('info'),
      warn: at('warn'),
      error: at('error'),
      child: (more) => make({ ...bindings, ...more }),
    }
  }
  return Object.assign(make({}), { lines })
}
