import { pino } from 'pino'
import { prettyLines } from './pretty.js'
import { untilClosed } from './until-closed.js'

/**
 * Structured logs, one JSON object a line (ISO time, level by name), or one readable line each with
 * `LOG_FORMAT=pretty`. Logs carry ids and codes, never message text or names: customer data stays
 * out of them.
 */
export interface Log {
  debug(fields: object, message: string): void
  info(fields: object, message: string): void
  warn(fields: object, message: string): void
  error(fields: object, message: string): void
  child(bindings: object): Log
}

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]
export const LOG_FORMATS = ['json', 'pretty'] as const
export type LogFormat = (typeof LOG_FORMATS)[number]

/** A log setting in the environment that is none of the allowed values. */
export class LogSettingError extends Error {
  constructor(variable: string, value: string, what: string, allowed: readonly string[]) {
    super(`${variable}: "${value}" is not a ${what}; use one of ${allowed.join(', ')}`)
    this.name = 'LogSettingError'
  }
}

export interface LogOptions {
  /** Default: `LOG_LEVEL`, else `info`. */
  level?: LogLevel
  /** Default: `LOG_FORMAT`, else `json`. */
  format?: LogFormat
  destination?: NodeJS.WritableStream
  env?: NodeJS.ProcessEnv
}

export function createLog(options: LogOptions = {}): Log {
  const env = options.env ?? process.env
  const level = options.level ?? fromEnv(env, 'LOG_LEVEL', 'log level', LOG_LEVELS, 'info')
  const format = options.format ?? fromEnv(env, 'LOG_FORMAT', 'log format', LOG_FORMATS, 'json')
  const out = untilClosed(options.destination ?? process.stdout)
  return pino(
    {
      level,
      base: { app: 'kefu' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    format === 'pretty' ? prettyLines(out) : out,
  )
}

function fromEnv<T extends string>(
  env: NodeJS.ProcessEnv,
  variable: string,
  what: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = env[variable]
  if (value === undefined || value === '') return fallback
  if ((allowed as readonly string[]).includes(value)) return value as T
  throw new LogSettingError(variable, value, what, allowed)
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
