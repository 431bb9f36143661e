import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig, parseWithEnv } from '../../src/config/load.js'
import { ConfigError, parseConfig } from '../../src/domain/config.js'
import { parseDuration } from '../../src/domain/duration.js'

const minimal = { staff: [{ id: 'wxid_agent' }] }

function problems(run: () => unknown): string[] {
  try {
    run()
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
  throw new Error('expected a ConfigError')
}

describe('configuration', () => {
  it('reads durations as 300ms, 5s, 5m or milliseconds', () => {
    expect(parseDuration('300ms')).toBe(300)
    expect(parseDuration('5s')).toBe(5000)
    expect(parseDuration('5m')).toBe(300_000)
    expect(parseDuration('1.5h')).toBe(5_400_000)
    expect(parseDuration(250)).toBe(250)
    expect(() => parseDuration('5 minutes')).toThrow(/not a duration/)
    expect(() => parseDuration(-1)).toThrow(/not a duration/)
  })

  it('names Wechaty after the Redis prefix unless told, so each account keeps its own login', () => {
    expect(parseConfig({ ...minimal, redis: { prefix: 'shop-1' } }).wechat.name).toBe('kefu-shop-1')
    expect(parseConfig({ ...minimal, wechat: { name: 'data/shop' } }).wechat.name).toBe('data/shop')
  })

  it('fills the defaults of the regulations: 5-minute reply timeout, ladder at 4, 5 and 10 minutes, 10 per agent', () => {
    const config = parseConfig(minimal)
    expect(config.sla.replyTimeout).toBe(300_000)
    expect(
      config.sla.ladder.map((step) => [step.after, step.notify, step.tellCustomer, step.reassign]),
    ).toEqual([
      [240_000, ['agent'], false, false],
      [300_000, ['supervisors'], true, false],
      [600_000, ['managers'], false, true],
    ])
    expect(config.sla.serviceTimeOnly).toBe(false)
    expect(config.outbox).toMatchObject({ attempts: 12, backoff: 1000, rate: { max: 5, per: 1000 } })
    expect(config.routing.maxPerAgent).toBe(10)
    expect(config.staff[0]?.roles).toEqual(['agent'])
    expect(config.redis).toEqual({
      url: 'redis://127.0.0.1:6379',
      prefix: 'kefu',
      batchWrites: true,
      lockTtl: 15_000,
    })
  })

  it('derives the default ladder from a shorter reply timeout', () => {
    const config = parseConfig({ ...minimal, sla: { replyTimeout: '3s' } })
    expect(config.sla.ladder.map((step) => step.after)).toEqual([2400, 3000, 6000])
  })

  it('names each wrong field and what is wrong with it', () => {
    expect(problems(() => parseConfig({ ...minimal, sla: { replyTimeout: '5 minutes' } }))).toEqual([
      'sla.replyTimeout: not a duration: "5 minutes" (use e.g. 300ms, 5s, 5m, 1h)',
    ])
    expect(problems(() => parseConfig({ ...minimal, sla: { replyTimout: '5m' } }))[0]).toMatch(
      /^sla: Unrecognized key: "replyTimout"/,
    )
    expect(problems(() => parseConfig({ staff: [] }))).toEqual(['staff: list at least one staff member'])
    expect(problems(() => parseConfig({ staff: [{ roles: ['agent'] }] }))[0]).toMatch(
      /^staff\.0: a staff member needs an id/,
    )
    expect(problems(() => parseConfig({ staff: [{ id: 'a', roles: ['boss'] }] }))[0]).toMatch(
      /^staff\.0\.roles\.0:/,
    )
    expect(problems(() => parseConfig({ ...minimal, timeZone: 'Mars/Olympus' }))).toEqual([
      'timeZone: not an IANA time zone (e.g. Asia/Shanghai)',
    ])
    expect(problems(() => parseConfig({ staff: [{ id: 'a' }, { id: 'a' }] }))).toEqual([
      'staff.1.id: duplicate staff id "a" (also staff.0.id)',
    ])
    expect(
      problems(() => parseConfig({ ...minimal, sla: { ladder: [{ after: '5m' }, { after: '1m' }] } })),
    ).toEqual(['sla.ladder.1.after: each step must come later than the one before it'])
  })

  it('applies environment overrides and says which variable a bad value came from', () => {
    const config = parseWithEnv(minimal, {
      REDIS_URL: 'redis://redis.internal:6380',
      KEFU_REPLY_TIMEOUT: '2m',
    })
    expect(config.redis.url).toBe('redis://redis.internal:6380')
    expect(config.sla.replyTimeout).toBe(120_000)
    expect(problems(() => parseWithEnv(minimal, { KEFU_REPLY_TIMEOUT: 'soon' }))[0]).toMatch(
      /^sla\.replyTimeout: not a duration.*\(from KEFU_REPLY_TIMEOUT\)$/,
    )
  })

  it('loads YAML or JSON files and reports a missing or broken file clearly', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kefu-config-'))
    const yaml = join(dir, 'kefu.yaml')
    writeFileSync(yaml, 'staff:\n  - id: wxid_1\n    name: 小王\nsla:\n  replyTimeout: 2m\n')
    expect(loadConfig({ KEFU_CONFIG: yaml }).sla.replyTimeout).toBe(120_000)
    const json = join(dir, 'kefu.json')
    writeFileSync(json, JSON.stringify({ staff: [{ id: 'wxid_1' }], locale: 'en' }))
    expect(loadConfig({ KEFU_CONFIG: json }).locale).toBe('en')
    const broken = join(dir, 'broken.yaml')
    writeFileSync(broken, 'staff: [\n')
    expect(problems(() => loadConfig({ KEFU_CONFIG: broken }))[0]).toMatch(/broken\.yaml: not valid YAML/)
    expect(problems(() => loadConfig({ KEFU_CONFIG: join(dir, 'missing.yaml') }))[0]).toMatch(
      /cannot be read \(ENOENT\)/,
    )
  })
})

describe('every field, wrong in turn', () => {
  const full = {
    locale: 'en',
    timeZone: 'Asia/Shanghai',
    redis: { url: 'redis://127.0.0.1:6379', prefix: 'kefu', batchWrites: true },
    store: { mongodbUri: 'mongodb://127.0.0.1/kefu', file: './data/t.db' },
    hours: {
      periods: [{ days: ['mon', 'tue'], from: '09:00', to: '18:00' }],
      holidays: ['2026-10-01'],
      workdays: ['2026-10-10'],
      workdaysLike: 'mon',
    },
    shifts: [{ name: 'day', from: '09:00', to: '18:00', days: ['mon'] }],
    staff: [
      {
        id: 'wxid_1',
        name: '小王',
        alias: 'wang',
        roles: ['agent'],
        maxOpen: 5,
        skills: ['order'],
        shift: 'day',
      },
    ],
    routing: {
      maxPerAgent: 10,
      categories: [
        { id: 'consult', name: '咨询', keywords: [] },
        { id: 'order', keywords: ['订单'], priority: false },
      ],
      menu: true,
      positionStep: 3,
    },
    sla: {
      replyTimeout: '5m',
      ladder: [{ after: '5m', notify: ['supervisors'], tellCustomer: true, reassign: false }],
      serviceTimeOnly: true,
    },
    duty: { awayLimit: '30m' },
    alerts: { digestWindow: '3s' },
    phrases: { forbidden: ['不关我的事'], canned: { 运费: '满 99 元包邮' } },
    survey: { window: '1d', alertAtOrBelow: 2 },
    followUp: { after: '1d' },
    handover: { ackWithin: '15m', retention: '30d' },
    tally: { overdueReply: -20, extraDayUnresolved: -50, praise: 50, improperWording: -20 },
    outbox: {
      rate: { max: 5, per: '1s' },
      attempts: 8,
      backoff: '1s',
      maxTextLength: 2000,
      sendTimeout: '30s',
    },
    ingest: {
      partitions: 16,
      spoolFile: './data/spool.jsonl',
      spoolLimit: 100,
      customerRate: { max: 30, per: '10s' },
    },
  }

  function leaves(node: unknown, path: (string | number)[] = []): (string | number)[][] {
    if (Array.isArray(node)) return node.flatMap((item, index) => leaves(item, [...path, index]))
    if (node && typeof node === 'object')
      return Object.entries(node).flatMap(([key, value]) => leaves(value, [...path, key]))
    return [path]
  }

  function withWrong(path: (string | number)[]): unknown {
    const copy = structuredClone(full) as Record<string | number, unknown>
    let node = copy
    for (const part of path.slice(0, -1)) node = node[part] as Record<string | number, unknown>
    node[path.at(-1) as string | number] = { not: 'this' }
    return copy
  }

  it('accepts the complete example, and the example file shipped with the project', () => {
    expect(() => parseConfig(full)).not.toThrow()
    const example = loadConfig({ KEFU_CONFIG: 'kefu.example.yaml' })
    expect(example.staff.map((member) => member.shift)).toContain('late')
    expect(example.sla.serviceTimeOnly).toBe(true)
  })

  it('refuses skills and shifts the configuration does not have, and a too short handover retention', () => {
    const wrong = {
      ...full,
      staff: [{ id: 'wxid_1', skills: ['refunds'], shift: 'night' }],
      handover: { retention: '7d' },
    }
    expect(problems(() => parseConfig(wrong))).toEqual([
      'handover.retention: keep handovers at least 30 days (the regulations ask for a month)',
      'staff.0.skills.0: no category "refunds" in routing.categories (consult, order)',
      'staff.0.shift: no shift "night" in shifts (day)',
    ])
  })

  it.each(leaves(full).map((path) => [path.join('.'), path] as const))(
    'names %s when it is wrong',
    (name, path) => {
      const found = problems(() => parseConfig(withWrong(path)))
      expect(found.some((problem) => problem.startsWith(`${name}:`))).toBe(true)
    },
  )
})
