import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ENV_OVERRIDES, loadConfig, parseWithEnv, readConfigFile } from '../../src/config/load.js'
import { parseConfig, parseStaff } from '../../src/domain/config.js'
import { fieldName } from '../../src/domain/config-problems.js'
import { parseDuration } from '../../src/domain/duration.js'
import { problems } from '../support/config-problems.js'

const minimal = { staff: [{ id: 'wxid_agent' }] }

describe('configuration', () => {
  it('reads durations as 300ms, 5s, 5m, 1.5h or 1d, and 0', () => {
    expect(parseDuration('300ms')).toBe(300)
    expect(parseDuration('5s')).toBe(5000)
    expect(parseDuration('5m')).toBe(300_000)
    expect(parseDuration('1.5h')).toBe(5_400_000)
    expect(parseDuration('1d')).toBe(86_400_000)
    expect(parseDuration(0)).toBe(0)
    expect(() => parseDuration('5 minutes')).toThrow(/not a duration/)
  })

  it('refuses a bare number as a duration, in the file and in the environment alike, naming the units', () => {
    // `replyTimeout: 300` once meant 300 ms: every customer escalated within a second.
    const message =
      'sla.replyTimeout: 300 has no unit; write it with a unit: 300ms, 30s, 5m, 1h or 1d (e.g. 300s)'
    expect(problems(() => parseConfig({ ...minimal, sla: { replyTimeout: 300 } }))).toEqual([message])
    expect(problems(() => parseWithEnv(minimal, { KEFU_REPLY_TIMEOUT: '300' }))).toEqual([
      message.replace('sla.replyTimeout:', 'sla.replyTimeout (from KEFU_REPLY_TIMEOUT):'),
    ])
    const dir = mkdtempSync(join(tmpdir(), 'kefu-config-'))
    const yaml = join(dir, 'kefu.yaml')
    writeFileSync(yaml, 'staff:\n  - id: wxid_1\nsla:\n  replyTimeout: 300\n')
    expect(problems(() => loadConfig({ KEFU_CONFIG: yaml }))).toEqual([message])
  })

  it.each([
    ['sla.replyTimeout', { sla: { replyTimeout: 5 } }],
    ['sla.ladder #1.after', { sla: { ladder: [{ after: 240 }] } }],
    ['duty.awayLimit', { duty: { awayLimit: 30 } }],
    ['outbox.rate.per', { outbox: { rate: { max: 5, per: 1 } } }],
    ['outbox.backoff', { outbox: { backoff: 1000 } }],
    ['outbox.sendTimeout', { outbox: { sendTimeout: 30 } }],
    ['ingest.customerRate.per', { ingest: { customerRate: { max: 30, per: 10 } } }],
    ['survey.window', { survey: { window: 24 } }],
    ['followUp.after', { followUp: { after: 1 } }],
    ['alerts.digestWindow', { alerts: { digestWindow: 3 } }],
    ['handover.ackWithin', { handover: { ackWithin: 15 } }],
    ['handover.retention', { handover: { retention: 30 } }],
    ['store.retention', { store: { retention: 180 } }],
  ])('refuses a bare number for %s', (field, wrong) => {
    const found = problems(() => parseConfig({ ...minimal, ...wrong }))
    expect(found.some((problem) => problem.startsWith(`${field}: `) && problem.includes('has no unit'))).toBe(
      true,
    )
  })

  it('takes 0 without a unit where 0 means "none" or "at once"', () => {
    const config = parseConfig({ ...minimal, alerts: { digestWindow: 0 }, survey: { window: '0' } })
    expect(config.alerts.digestWindow).toBe(0)
    expect(config.survey.window).toBe(0)
  })

  it('names Wechaty after the Redis prefix unless told, so each account keeps its own login', () => {
    expect(parseConfig({ ...minimal, redis: { prefix: 'shop-1' } }).wechat.name).toBe('kefu-shop-1')
    expect(parseConfig({ ...minimal, wechat: { name: 'data/shop' } }).wechat.name).toBe('data/shop')
  })

  it('names the account after the Redis prefix without its braces unless told', () => {
    expect(parseConfig(minimal).account).toEqual({ name: 'kefu' })
    expect(parseConfig({ ...minimal, redis: { prefix: '{shop-a}' } }).account.name).toBe('shop-a')
    const named = parseConfig({ ...minimal, account: { name: 'shop-a', title: '旗舰店' } })
    expect(named.account).toEqual({ name: 'shop-a', title: '旗舰店' })
    expect(problems(() => parseConfig({ ...minimal, account: { name: 'shop a' } }))).toEqual([
      'account.name: letters, digits, _ . - only',
    ])
  })

  it('refuses sibling accounts that are this account, or each other, or not hash-tagged in a Cluster', () => {
    const sibling = (name: string, prefix: string) => ({ name, prefix })
    expect(
      problems(() =>
        parseConfig({
          ...minimal,
          redis: { prefix: 'shop-a' },
          console: {
            accounts: [
              sibling('shop-a', 'a2'),
              sibling('shop-b', 'shop-a'),
              sibling('shop-c', 'c'),
              sibling('shop-c', 'c'),
            ],
          },
        }),
      ),
    ).toEqual([
      `console.accounts #1 (shop-a).name: "shop-a" is this account's own name`,
      `console.accounts #2 (shop-b).prefix: "shop-a" is this account's own prefix`,
      'console.accounts #4 (shop-c).name: "shop-c" is listed twice (also #3)',
      'console.accounts #4 (shop-c).prefix: "c" is listed twice (also #3)',
    ])
    expect(
      problems(() =>
        parseConfig({
          ...minimal,
          redis: { cluster: { nodes: [{ host: '127.0.0.1', port: 7000 }] }, prefix: '{shop-a}' },
          console: { accounts: [sibling('shop-b', 'shop-b')] },
        }),
      ),
    ).toEqual([
      expect.stringMatching(
        /^console\.accounts #1 \(shop-b\)\.prefix: "shop-b": in a Redis Cluster the prefix must be hash-tagged/,
      ),
    ])
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

  it('waits for replicas only when told: one, 500 ms, by default; never a WAIT that blocks forever', () => {
    expect(parseConfig(minimal).redis.waitReplicas).toBeUndefined()
    expect(parseConfig({ ...minimal, redis: { waitReplicas: {} } }).redis.waitReplicas).toEqual({
      replicas: 1,
      timeout: 500,
    })
    expect(problems(() => parseConfig({ ...minimal, redis: { waitReplicas: { timeout: '0' } } }))).toEqual([
      'redis.waitReplicas.timeout: at least 1ms: WAIT with 0 blocks until the replicas answer, forever',
    ])
  })

  it('names each wrong field and what is wrong with it', () => {
    expect(problems(() => parseConfig({ ...minimal, sla: { replyTimeout: '5 minutes' } }))).toEqual([
      'sla.replyTimeout: not a duration: "5 minutes"; write it with a unit: 300ms, 30s, 5m, 1h or 1d',
    ])
    expect(problems(() => parseConfig({ staff: [] }))).toEqual(['staff: list at least one staff member'])
    expect(problems(() => parseConfig({ staff: [{ roles: ['agent'] }] }))[0]).toMatch(
      /^staff #1: a staff member needs an id/,
    )
    expect(problems(() => parseConfig({ ...minimal, timeZone: 'Mars/Olympus' }))).toEqual([
      'timeZone: not an IANA time zone (e.g. Asia/Shanghai)',
    ])
    expect(
      problems(() => parseConfig({ ...minimal, sla: { ladder: [{ after: '5m' }, { after: '1m' }] } })),
    ).toEqual(['sla.ladder #2.after: each step must come later than the one before it'])
  })

  it('names staff members by their place counted from 1 and by name', () => {
    const staff = [
      { id: 'wx1', name: '小张' },
      { id: 'wx2', alias: 'li' },
      { id: 'wx3', name: '小王', roles: ['boss'] },
    ]
    expect(problems(() => parseConfig({ staff }))).toEqual([
      'staff #3 (小王).roles #1: "boss" is not one of agent, supervisor, manager',
    ])
    expect(
      problems(() =>
        parseConfig({
          staff: [
            { id: 'a', name: '小张' },
            { id: 'a', name: '小李' },
          ],
        }),
      ),
    ).toEqual(['staff #2 (小李).id: duplicate staff id "a" (also staff #1 (小张))'])
    expect(problems(() => parseStaff([{ id: 'wx1' }, { name: '小王', maxOpen: 0 }]))[0]).toMatch(
      /^staff #2 \(小王\)\.maxOpen: /,
    )
  })

  it('suggests the field meant for an unknown one, among the fields of that level', () => {
    expect(problems(() => parseConfig({ ...minimal, sla: { replyTimout: '5m' } }))).toEqual([
      'sla: unknown field "replyTimout": did you mean replyTimeout?',
    ])
    expect(problems(() => parseConfig({ ...minimal, routing: { maxperagent: 5 } }))).toEqual([
      'routing: unknown field "maxperagent": did you mean maxPerAgent?',
    ])
    expect(problems(() => parseConfig({ staff: [{ id: 'a', role: ['agent'] }] }))).toEqual([
      'staff #1 (a): unknown field "role": did you mean roles?',
    ])
    expect(problems(() => parseConfig({ ...minimal, timezone: 'Asia/Shanghai' }))).toEqual([
      '(root): unknown field "timezone": did you mean timeZone?',
    ])
    expect(problems(() => parseConfig({ staff: [{ id: 'a', name: '小王', roles: ['agnet'] }] }))).toEqual([
      'staff #1 (小王).roles #1: "agnet" is not one of agent, supervisor, manager: did you mean agent?',
    ])
    expect(problems(() => parseWithEnv(minimal, { KEFU_LOCALE: 'fr' }))).toEqual([
      'locale (from KEFU_LOCALE): "fr" is not one of zh-CN, en',
    ])
    expect(
      problems(() =>
        parseConfig({ ...minimal, hours: { periods: [{ from: '09:00', to: '18:00' }], holiday: [] } }),
      ),
    ).toEqual(['hours: unknown field "holiday": did you mean holidays?'])
    expect(problems(() => parseConfig({ ...minimal, duty: { colour: 'red' } }))).toEqual([
      'duty: unknown field "colour" (known here: awayLimit)',
    ])
  })

  it('applies environment overrides and says which variable a bad value came from', () => {
    const config = parseWithEnv(minimal, {
      REDIS_URL: 'redis://redis.internal:6380',
      KEFU_REPLY_TIMEOUT: '2m',
    })
    expect(config.redis.url).toBe('redis://redis.internal:6380')
    expect(config.sla.replyTimeout).toBe(120_000)
    expect(problems(() => parseWithEnv(minimal, { KEFU_REPLY_TIMEOUT: 'soon' }))[0]).toMatch(
      /^sla\.replyTimeout \(from KEFU_REPLY_TIMEOUT\): not a duration/,
    )
  })

  it.each([
    ['REDIS_URL', 'localhost:6379', 'redis.url', /not a Redis URL: write redis:\/\/host:6379/],
    ['KEFU_REDIS_PREFIX', 'kefu prod', 'redis.prefix', /letters, digits/],
    ['MONGODB_URI', 'db.internal:27017', 'store.mongodbUri', /not a MongoDB URI: write mongodb:\/\//],
    [
      'KEFU_STORE_FILE',
      'package.json/transcripts.db',
      'store.file',
      /package\.json is a file, not a directory/,
    ],
    ['KEFU_LOCALE', 'fr', 'locale', /"fr" is not one of zh-CN, en/],
    ['KEFU_TIME_ZONE', 'Beijing', 'timeZone', /not an IANA time zone/],
    ['KEFU_REPLY_TIMEOUT', '5 minutes', 'sla.replyTimeout', /not a duration/],
  ])('validates %s=%s like the file, naming the variable', (variable, value, field, message) => {
    expect(Object.keys(ENV_OVERRIDES)).toContain(variable)
    const found = problems(() => parseWithEnv(minimal, { [variable]: value }))
    expect(found[0]?.startsWith(`${field} (from ${variable}): `)).toBe(true)
    expect(found[0]).toMatch(message)
  })

  it('lets a section the file gets wrong be reported, not hidden by a variable for one of its fields', () => {
    expect(problems(() => parseWithEnv({ ...minimal, sla: '5m' }, { KEFU_REPLY_TIMEOUT: '5m' }))).toEqual([
      'sla: Invalid input: expected object, received string',
    ])
  })

  it('names a store or spool path that lies under an existing file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kefu-config-'))
    const file = join(dir, 'data')
    writeFileSync(file, 'not a directory')
    expect(problems(() => parseWithEnv({ ...minimal, store: { file: join(file, 't.db') } }, {}))).toEqual([
      `store.file: ${join(file, 't.db')} cannot be created: ${file} is a file, not a directory`,
      `ingest.spoolFile (by default beside store.file): ${join(file, 'inbound-spool-kefu.jsonl')} cannot be created: ${file} is a file, not a directory`,
    ])
    expect(
      problems(() =>
        parseWithEnv(
          {
            ...minimal,
            store: { file: join(dir, 't.db') },
            ingest: { spoolFile: join(file, 'deeper', 's.jsonl') },
          },
          {},
        ),
      ),
    ).toEqual([
      `ingest.spoolFile: ${join(file, 'deeper', 's.jsonl')} cannot be created: ${file} is a file, not a directory`,
    ])
    expect(problems(() => parseWithEnv({ ...minimal, store: { file: dir } }, {}))[0]).toBe(
      `store.file: ${dir} is a directory; give a file's path`,
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
    const wrong = join(dir, 'wrong.yaml')
    writeFileSync(wrong, 'staff:\n  - id: wxid_1\nlocale: fr\n')
    expect(() => loadConfig({ KEFU_CONFIG: wrong })).toThrow(
      `invalid configuration in ${wrong}:\n  - locale:`,
    )
    expect(problems(() => loadConfig({ KEFU_CONFIG: join(dir, 'missing.yaml') }))).toEqual([
      `${join(dir, 'missing.yaml')} (from KEFU_CONFIG): no such file`,
    ])
  })
})

describe('every field, wrong in turn', () => {
  const full = {
    account: { name: 'shop-a', title: '旗舰店' },
    locale: 'en',
    timeZone: 'Asia/Shanghai',
    redis: { url: 'redis://127.0.0.1:6379', prefix: 'kefu', batchWrites: true },
    store: { mongodbUri: 'mongodb://127.0.0.1/kefu', file: './data/t.db', retention: '180d' },
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

  it('ships an example that uses every section and holds defaults wherever it does not say otherwise', () => {
    const raw = readConfigFile('kefu.example.yaml') as Record<string, Record<string, unknown>>
    expect(Object.keys(raw).sort()).toEqual([...Object.keys(parseConfig(minimal)), 'hours'].sort())
    // The values marked "not the default" in the file, and nothing else, differ from the defaults.
    const marked = {
      staff: raw.staff,
      hours: raw.hours,
      shifts: raw.shifts,
      sla: { serviceTimeOnly: true },
      phrases: raw.phrases,
      groups: { watch: raw.groups?.watch, rooms: raw.groups?.rooms },
    }
    expect(loadConfig({ KEFU_CONFIG: 'kefu.example.yaml' })).toEqual(parseConfig(marked))
  })

  it('ships an example whose shifts lie within its service hours', () => {
    const example = loadConfig({ KEFU_CONFIG: 'kefu.example.yaml' })
    const periods = example.hours?.periods ?? []
    for (const shift of example.shifts) {
      for (const day of shift.days ?? []) {
        const open = periods.filter((period) => period.days.includes(day))
        expect(open.length).toBeGreaterThan(0)
        expect(shift.from).toBeGreaterThanOrEqual(Math.min(...open.map((period) => period.from)))
        expect(shift.to).toBeLessThanOrEqual(Math.max(...open.map((period) => period.to)))
      }
    }
  })

  it('keeps transcripts forever unless told, and at least 30 days after the close', () => {
    expect(parseConfig(minimal).store.retention).toBeUndefined()
    expect(parseConfig({ ...minimal, store: { retention: '180d' } }).store.retention).toBe(180 * 86_400_000)
    expect(problems(() => parseConfig({ ...minimal, store: { retention: '29d' } }))).toEqual([
      'store.retention: keep transcripts at least 30 days after the close (ratings, follow-up visits and monthly reports read them)',
    ])
  })

  it('refuses skills and shifts the configuration does not have, and a too short handover retention', () => {
    const wrong = {
      ...full,
      staff: [{ id: 'wxid_1', skills: ['refunds'], shift: 'night' }],
      handover: { retention: '7d' },
    }
    expect(problems(() => parseConfig(wrong))).toEqual([
      'handover.retention: keep handovers at least 30 days (the regulations ask for a month)',
      'staff #1 (wxid_1).skills #1: no category "refunds" in routing.categories (consult, order)',
      'staff #1 (wxid_1).shift: no shift "night" in shifts (day)',
    ])
  })

  it.each(leaves(full).map((path) => [path.join('.'), path] as const))(
    'names %s when it is wrong',
    (_name, path) => {
      const wrong = withWrong(path)
      const found = problems(() => parseConfig(wrong))
      expect(found.some((problem) => problem.startsWith(`${fieldName(path, wrong)}:`))).toBe(true)
    },
  )
})

describe('the Redis topology', () => {
  const redisOf = (redis: object, env: NodeJS.ProcessEnv = {}) =>
    parseWithEnv({ ...minimal, redis }, env).redis

  it('is one server at redis://127.0.0.1:6379 unless told', () => {
    expect(parseConfig(minimal).redis.url).toBe('redis://127.0.0.1:6379')
  })

  it('follows a Sentinel group: the sentinels, the master group name, passwords and TLS', () => {
    const redis = redisOf({
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: '10.0.0.2', port: 26379 },
      ],
      name: 'kefu-master',
      password: 'secret',
      sentinelPassword: 'other',
      tls: { servername: 'redis.internal' },
    })
    expect(redis).toMatchObject({
      url: undefined,
      name: 'kefu-master',
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: '10.0.0.2', port: 26379 },
      ],
      password: 'secret',
      sentinelPassword: 'other',
      tls: { servername: 'redis.internal' },
    })
  })

  it('reads sentinels and cluster nodes from the environment as host:port,host:port', () => {
    expect(
      redisOf({}, { REDIS_SENTINELS: '10.0.0.1:26379, [::1]:26380', REDIS_SENTINEL_NAME: 'mymaster' }),
    ).toMatchObject({
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: '::1', port: 26380 },
      ],
      name: 'mymaster',
    })
    expect(
      redisOf({ prefix: '{shop-a}' }, { REDIS_CLUSTER_NODES: '10.0.0.1:7000,10.0.0.2:7000' }).cluster,
    ).toEqual({
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7000 },
      ],
      options: {},
    })
    expect(problems(() => redisOf({}, { REDIS_SENTINELS: '10.0.0.1', REDIS_SENTINEL_NAME: 'm' }))).toEqual([
      'redis.sentinels (from REDIS_SENTINELS): "10.0.0.1" is not host:port (write host:port,host:port)',
    ])
  })

  it('takes a cluster with a hash-tagged prefix, and a few cluster options', () => {
    const redis = redisOf({
      prefix: '{shop-a}',
      cluster: { nodes: [{ host: '127.0.0.1', port: 7000 }], options: { slotsRefreshTimeout: '2s' } },
    })
    expect(redis.url).toBeUndefined()
    expect(redis.cluster?.options).toEqual({ slotsRefreshTimeout: 2000 })
  })

  it.each(['kefu', 'shop-a{}', 'shop}a{', '{}{shop-a}'])(
    'refuses a cluster whose prefix "%s" has no hash tag, saying why',
    (prefix) => {
      expect(problems(() => redisOf({ prefix, cluster: { nodes: [{ host: 'h', port: 7000 }] } }))).toEqual([
        `redis.prefix: "${prefix}": in a Redis Cluster the prefix must be hash-tagged, e.g. {shop-a}, so that every key of one account lives in one slot and each state change stays atomic`,
      ])
    },
  )

  it('refuses a mix of topologies, naming them', () => {
    expect(
      problems(() => redisOf({ url: 'redis://h:6379', sentinels: [{ host: 'h', port: 26379 }], name: 'm' })),
    ).toEqual([
      'redis.sentinels: give one Redis topology, not url and sentinels: url (one server), sentinels with name (Sentinel), or cluster',
    ])
    // A REDIS_URL left in the environment does not quietly win over the file's cluster.
    expect(
      problems(() =>
        redisOf(
          { prefix: '{a}', cluster: { nodes: [{ host: 'h', port: 7000 }] } },
          { REDIS_URL: 'redis://h:6379' },
        ),
      ),
    ).toEqual([
      'redis.cluster: give one Redis topology, not url and cluster: url (one server), sentinels with name (Sentinel), or cluster',
    ])
  })

  it('refuses settings that belong to another topology', () => {
    expect(problems(() => redisOf({ sentinels: [{ host: 'h', port: 26379 }] }))).toEqual([
      'redis.name: with sentinels, name the master group they watch (sentinel monitor <name> …)',
    ])
    expect(problems(() => redisOf({ name: 'm', password: 'p', tls: true, sentinelPassword: 's' }))).toEqual([
      'redis.name: the master group name goes with sentinels, which are not given',
      'redis.sentinelPassword: a sentinel password goes with sentinels, which are not given',
      'redis.password: with url, the password goes in the URL: redis://:password@host:6379',
      'redis.tls: with url, TLS is rediss:// in the URL',
    ])
  })
})
