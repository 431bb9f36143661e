import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createLog, LogSettingError } from '../../src/log/log.js'

function capture() {
  const stream = new PassThrough()
  const lines: string[] = []
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)))
  return { stream, lines }
}

describe('logs', () => {
  it('write JSON lines with an ISO time and the level by name by default', async () => {
    const out = capture()
    createLog({ destination: out.stream, env: {} }).warn({ job: 'j1' }, 'retrying')
    await new Promise((resolve) => setImmediate(resolve))
    const record = JSON.parse(out.lines[0] ?? '{}')
    expect(record).toMatchObject({ level: 'warn', app: 'kefu', job: 'j1', msg: 'retrying' })
    expect(record.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
  })

  it('write one readable line each with LOG_FORMAT=pretty', async () => {
    const out = capture()
    const log = createLog({ destination: out.stream, env: { LOG_FORMAT: 'pretty' } })
    log.child({ room: 'redis' }).error({ err: 'connect ECONNREFUSED', attempt: 2 }, 'Redis connection lost')
    await new Promise((resolve) => setImmediate(resolve))
    expect(out.lines[0]).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z ERROR Redis connection lost room=redis err="connect ECONNREFUSED" attempt=2$/,
    )
  })

  it('keep to LOG_LEVEL', async () => {
    const out = capture()
    const log = createLog({ destination: out.stream, env: { LOG_LEVEL: 'warn' } })
    log.info({}, 'not shown')
    log.warn({}, 'shown')
    await new Promise((resolve) => setImmediate(resolve))
    expect(out.lines.map((line) => JSON.parse(line).msg)).toEqual(['shown'])
  })

  it('refuse an unknown LOG_LEVEL or LOG_FORMAT, listing what is allowed', () => {
    expect(() => createLog({ env: { LOG_LEVEL: 'verbose' } })).toThrow(LogSettingError)
    expect(() => createLog({ env: { LOG_LEVEL: 'verbose' } })).toThrow(
      'LOG_LEVEL: "verbose" is not a log level; use one of debug, info, warn, error, silent',
    )
    expect(() => createLog({ env: { LOG_FORMAT: 'text' } })).toThrow(
      'LOG_FORMAT: "text" is not a log format; use one of json, pretty',
    )
  })
})
