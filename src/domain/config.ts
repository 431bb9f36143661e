import { z } from 'zod'
import { accountNameOf, accountSchema, siblingProblems, siblingsSchema } from './account-config.js'
import { hoursSchema, shiftsSchema } from './calendar.js'
import { configErrorMap, fieldName } from './config-problems.js'
import { categoriesSchema, DEFAULT_CATEGORIES } from './customer-text.js'
import { durationSchema } from './duration.js'
import { groupsSchema } from './group-config.js'
import { keywordSchema } from './keywords.js'
import { redisSchema } from './redis-config.js'
import { tallyAmountsSchema } from './report.js'

/**
 * The shape of the configuration file (YAML or JSON) after environment overrides. Objects are strict
 * so that a misspelt field is reported instead of silently ignored.
 */

export const staffRoleSchema = z.enum(['agent', 'supervisor', 'manager'])
export type StaffRole = z.infer<typeof staffRoleSchema>

const staffMemberSchema = z
  .object({
    /** WeChat contact id: how the bot knows staff. A display name alone can be copied by anyone. */
    id: z.string().min(1).optional(),
    /** Shown to colleagues; also used to find the contact at login when `id` is not given. */
    name: z.string().min(1).optional(),
    alias: z.string().min(1).optional(),
    roles: z.array(staffRoleSchema).min(1).default(['agent']),
    /** Overrides `routing.maxPerAgent` for this agent. */
    maxOpen: z.number().int().min(1).max(1000).optional(),
    /** Category ids this agent takes (`routing.categories`); without it, every category. */
    skills: z.array(z.string().min(1)).min(1).optional(),
    /** The shift this agent works (`shifts`), for shift-end handovers. */
    shift: z.string().min(1).optional(),
  })
  .strict()
  .refine((member) => member.id ?? member.name ?? member.alias, {
    message: 'a staff member needs an id (WeChat contact id), or a name/alias to resolve at login',
  })

const DAY_MS = 24 * 3600_000

/** Staff are known by id: two entries with one id would make one of them unreachable. */
const staffListSchema = z
  .array(staffMemberSchema)
  .min(1, 'list at least one staff member')
  .superRefine((staff, ctx) => {
    const seen = new Map<string, number>()
    staff.forEach((member, index) => {
      if (!member.id) return
      const earlier = seen.get(member.id)
      if (earlier !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'id'],
          message: `duplicate staff id "${member.id}" (also ${fieldName(['staff', earlier], { staff })})`,
        })
      }
      seen.set(member.id, index)
    })
  })

const escalationStepSchema = z
  .object({
    /** Measured from the moment the customer started waiting. */
    after: durationSchema,
    /** Who is alerted: the assigned agent, all supervisors, all managers. */
    notify: z.array(z.enum(['agent', 'supervisors', 'managers'])).default(['supervisors']),
    /** Send the customer one polite "we're on it" message at this step. */
    tellCustomer: z.boolean().default(false),
    /** Hand the conversation to another on-duty agent with room, when there is one. */
    reassign: z.boolean().default(false),
  })
  .strict()
export type EscalationStep = z.infer<typeof escalationStepSchema>

const webhookSchema = z
  .object({
    url: z.string().url(),
    /** `wecom-markdown`: the body a WeCom (企业微信) group robot takes. */
    format: z.enum(['json', 'wecom-markdown']).default('json'),
    /** One delivery attempt longer than this counts as failed and is retried. */
    timeoutMs: z.number().int().min(100).max(60_000).default(5000),
    headers: z.record(z.string(), z.string()).default({}),
  })
  .strict()

const rateSchema = z.object({ max: z.number().int().min(1), per: durationSchema }).strict()

export const configSchema = z
  .object({
    /** Which WeChat account this process runs, when a deployment runs several (docs/operations.md). */
    account: accountSchema.prefault({}),
    locale: z.enum(['zh-CN', 'en']).default('zh-CN'),
    /** Where "today" starts for /stats. */
    timeZone: z
      .string()
      .default('Asia/Shanghai')
      .refine(isTimeZone, { message: 'not an IANA time zone (e.g. Asia/Shanghai)' }),
    redis: redisSchema.prefault({}),
    wechat: z
      .object({
        /**
         * Wechaty's name: it keeps the login in `<name>.memory-card.json` (a path may lead the name),
         * so a puppet that can resume a session restarts without a scan. Default `kefu-<redis.prefix>`.
         */
        name: z.string().min(1).optional(),
      })
      .strict()
      .prefault({}),
    store: z
      .object({
        mongodbUri: z
          .string()
          .regex(
            /^mongodb(\+srv)?:\/\/[^/\s]/,
            'not a MongoDB URI: write mongodb://host:27017/kefu (or mongodb+srv://…)',
          )
          .optional(),
        /** The embedded single-file store used when no MongoDB URI is set. */
        file: z.string().min(1).default('./data/transcripts.db'),
        /**
         * How long a closed conversation's transcript is kept after its close; without it, forever
         * (the regulations ask that records be kept, and deleting is the choice that cannot be undone).
         * The floor leaves the rating, the follow-up visit and last month's report their data.
         */
        retention: durationSchema
          .refine(
            (ms) => ms >= 30 * DAY_MS,
            'keep transcripts at least 30 days after the close (ratings, follow-up visits and monthly reports read them)',
          )
          .optional(),
      })
      .strict()
      .prefault({}),
    /** When the service is open; without it, 7×24. */
    hours: hoursSchema.optional(),
    /** Working shifts (day, late, night…); staff name theirs with `shift`. */
    shifts: shiftsSchema.default([]),
    staff: staffListSchema,
    routing: z
      .object({
        maxPerAgent: z.number().int().min(1).max(1000).default(10),
        /** Categories by keyword rules on the first message; the first without keywords is the fallback. */
        categories: categoriesSchema.default([...DEFAULT_CATEGORIES]),
        /** Offer a numbered category menu when the first message names no category. */
        menu: z.boolean().default(true),
        /**
         * A queued customer hears their new place once it improved by this many places and by half
         * of the place they were last told (and when next in line): a few messages, not one per place.
         */
        positionStep: z.number().int().min(1).max(1000).default(3),
      })
      .strict()
      .prefault({}),
    duty: z
      .object({
        /**
         * The longest an agent may be away (/away) before their conversations go to colleagues; an
         * agent who announces a shorter time is held to that one.
         */
        awayLimit: durationSchema.default(30 * 60_000),
      })
      .strict()
      .prefault({}),
    sla: z
      .object({
        /** A customer left waiting this long is overdue (the regulations' 5-minute rule). */
        replyTimeout: durationSchema.default(300_000),
        /**
         * Defaults to: warn the agent at four fifths of the timeout; alert supervisors (and tell the
         * customer) at the timeout; alert managers and reassign at twice it.
         */
        ladder: z.array(escalationStepSchema).min(1).optional(),
        /** Count only the service's open hours (see `hours`): a message at closing time is due next morning. */
        serviceTimeOnly: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    outbox: z
      .object({
        /** WeChat bans accounts that send too fast: sends per bot account. */
        rate: rateSchema.default({ max: 5, per: 1000 }),
        attempts: z.number().int().min(1).max(100).default(12),
        backoff: durationSchema.default(1000),
        /** Longer texts are sent in several parts. */
        maxTextLength: z.number().int().min(100).max(20_000).default(2000),
        /** A send WeChat has not confirmed by then counts as failed and is retried. */
        sendTimeout: durationSchema.default(30_000),
      })
      .strict()
      .prefault({}),
    ingest: z
      .object({
        /**
         * Messages of one sender always go to the same partition, so they are handled in order;
         * partitions are handled side by side, which keeps Redis busy while one waits for a reply.
         */
        partitions: z.number().int().min(1).max(64).default(16),
        /**
         * Where inbound messages wait while Redis is unreachable (default: beside the store file,
         * named after the Redis prefix), and how many may wait there at most.
         */
        spoolFile: z.string().min(1).optional(),
        spoolLimit: z.number().int().min(1).max(1_000_000).default(10_000),
        /** A customer sending more than this is throttled: the rest is recorded, not passed on. */
        customerRate: rateSchema.default({ max: 30, per: 10_000 }),
      })
      .strict()
      .prefault({}),
    phrases: z
      .object({
        /** Forbidden phrases (禁忌语) in addition to the regulations' own. */
        forbidden: z.array(keywordSchema).default([]),
        /** Canned answers by name (`/t name`), added to the templates' ones; a same name replaces it. */
        canned: z
          .record(z.string().regex(/^\S{1,20}$/, 'one word of at most 20 characters'), z.string().min(1))
          .default({}),
      })
      .strict()
      .prefault({}),
    survey: z
      .object({
        /** How long after close the customer's reply 1–5 counts as a rating; 0 asks for none. */
        window: durationSchema.default(24 * 3600_000),
        /** A rating at or below this alerts the supervisors. */
        alertAtOrBelow: z.number().int().min(0).max(5).default(2),
      })
      .strict()
      .prefault({}),
    followUp: z
      .object({
        /** A closed conversation of a priority category (complaints) gets a follow-up visit (回访) reminder after this. */
        after: durationSchema.default(24 * 3600_000),
      })
      .strict()
      .prefault({}),
    alerts: z
      .object({
        /**
         * Alerts to one supervisor within this window go out as one digest (30 conversations overdue
         * at once are one message, not 30); 0 sends each at once.
         */
        digestWindow: durationSchema.default(3000),
        /** Where alerts that must not depend on WeChat go (logged out, Redis away…): docs/operations.md. */
        webhook: webhookSchema.optional(),
      })
      .strict()
      .prefault({}),
    /** Health checks and Prometheus metrics (docs/operations.md); off unless a port is set. */
    http: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        /** 0 takes any free port. */
        port: z.number().int().min(0).max(65_535).optional(),
      })
      .strict()
      .prefault({}),
    /**
     * The web console for staff (docs/console.md): off unless a port is set. Staff log in with the
     * one-time link `/console` sends them; `publicUrl` is where their browsers reach it (behind a
     * proxy), else `http://host:port`.
     */
    console: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        /** 0 takes any free port. */
        port: z.number().int().min(0).max(65_535).optional(),
        publicUrl: z.url({ protocol: /^https?$/ }).optional(),
        /** A login link works once, within this time (at most 5 minutes, as the brief asks). */
        linkTtl: durationSchema
          .default(5 * 60_000)
          .refine((ms) => ms <= 5 * 60_000, 'a login link may live at most 5 minutes'),
        /** A session ends this long after login (or at logout, or when the staff member leaves the list). */
        sessionTtl: durationSchema.default(12 * 60 * 60_000),
        /** Login links one staff member may ask for. */
        linkRate: rateSchema.default({ max: 5, per: 10 * 60_000 }),
        /** Sibling accounts on the same Redis, summarised read-only on a manager's board. */
        accounts: siblingsSchema,
      })
      .strict()
      .prefault({}),
    handover: z
      .object({
        /** A handover nobody acknowledged (/ack) within this time alerts the supervisors. */
        ackWithin: durationSchema.default(15 * 60_000),
        /** How long handover records are kept; the regulations ask for at least a month. */
        retention: durationSchema
          .default(30 * DAY_MS)
          .refine(
            (ms) => ms >= 30 * DAY_MS,
            'keep handovers at least 30 days (the regulations ask for a month)',
          ),
      })
      .strict()
      .prefault({}),
    /** Watched customer groups (社群) and their 10-minute rule: docs/groups.md. Default: none. */
    groups: groupsSchema.prefault({}),
    /** Reward (+) and penalty (−) amounts per event in the reports; defaults from the regulations. */
    tally: tallyAmountsSchema.prefault({}),
  })
  .strict()
  .superRefine((config, ctx) => {
    const categories = new Set(config.routing.categories.map((category) => category.id))
    const shifts = new Set(config.shifts.map((shift) => shift.name))
    config.staff.forEach((member, index) => {
      member.skills?.forEach((skill, at) => {
        if (!categories.has(skill)) {
          ctx.addIssue({
            code: 'custom',
            path: ['staff', index, 'skills', at],
            message: `no category "${skill}" in routing.categories (${[...categories].join(', ')})`,
          })
        }
      })
      if (member.shift !== undefined && !shifts.has(member.shift)) {
        ctx.addIssue({
          code: 'custom',
          path: ['staff', index, 'shift'],
          message: shifts.size
            ? `no shift "${member.shift}" in shifts (${[...shifts].join(', ')})`
            : `no shift "${member.shift}": the configuration lists no shifts`,
        })
      }
    })
    if (!config.routing.categories.some((category) => category.keywords.length === 0)) {
      ctx.addIssue({
        code: 'custom',
        path: ['routing', 'categories'],
        message: 'one category needs no keywords: it takes the conversations no keyword names',
      })
    }
    const staffNames = new Set(
      config.staff.flatMap((member) => [member.id, member.name, member.alias].filter(Boolean)),
    )
    config.groups.rooms.forEach((room, index) => {
      room.agents.forEach((agent, at) => {
        if (!staffNames.has(agent)) {
          ctx.addIssue({
            code: 'custom',
            path: ['groups', 'rooms', index, 'agents', at],
            message: `no staff member with the id, name or alias "${agent}"`,
          })
        }
      })
    })
    const own = {
      name: config.account.name ?? accountNameOf(config.redis.prefix),
      prefix: config.redis.prefix,
      cluster: config.redis.cluster !== undefined,
    }
    for (const { index, field, message } of siblingProblems(config.console.accounts, own))
      ctx.addIssue({ code: 'custom', path: ['console', 'accounts', index, field], message })
    config.sla.ladder?.forEach((step, index, ladder) => {
      const previous = ladder[index - 1]
      if (previous && step.after <= previous.after) {
        ctx.addIssue({
          code: 'custom',
          path: ['sla', 'ladder', index, 'after'],
          message: 'each step must come later than the one before it',
        })
      }
    })
  })
  .transform((config) => ({
    ...config,
    account: { ...config.account, name: config.account.name ?? accountNameOf(config.redis.prefix) },
    wechat: { ...config.wechat, name: config.wechat.name ?? `kefu-${config.redis.prefix}` },
    sla: { ...config.sla, ladder: config.sla.ladder ?? defaultLadder(config.sla.replyTimeout) },
  }))

/** The input a config file may hold (durations as strings, defaults optional). */
export type ConfigInput = z.input<typeof configSchema>
export type Config = z.output<typeof configSchema>
export type StaffMember = Config['staff'][number]

/** The regulations' ladder: for a 5-minute timeout, the agent at 4 minutes, supervisors at 5, managers at 10. */
export function defaultLadder(replyTimeout: number): EscalationStep[] {
  return [
    { after: Math.round(replyTimeout * 0.8), notify: ['agent'], tellCustomer: false, reassign: false },
    { after: replyTimeout, notify: ['supervisors'], tellCustomer: true, reassign: false },
    { after: replyTimeout * 2, notify: ['managers'], tellCustomer: false, reassign: true },
  ]
}

export class ConfigError extends Error {
  /** `file`: the configuration file the problems are in, when they came from one. */
  constructor(
    readonly problems: string[],
    readonly file?: string,
  ) {
    super(
      `invalid configuration${file ? ` in ${file}` : ''}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`,
    )
    this.name = 'ConfigError'
  }
}

/** Configs this module validated: a parsed config is not parsed again (its output is no input). */
const validated = new WeakSet<Config>()

/** Validates a new staff list on its own (a reload that changes nothing else). */
export function parseStaff(input: unknown): StaffMember[] {
  const result = staffListSchema.safeParse(input, { error: configErrorMap })
  if (result.success) return result.data
  throw configError(result.error, { staff: input }, ['staff'])
}

/** Validates a config object; a bad one throws a ConfigError naming each field and what is wrong. */
export function parseConfig(input: unknown): Config {
  if (validated.has(input as Config)) return input as Config
  const result = configSchema.safeParse(input, { error: configErrorMap })
  if (result.success) {
    validated.add(result.data)
    return result.data
  }
  throw configError(result.error, input)
}

/** `root` is the configuration as given: staff members are named in the problems by their names. */
function configError(error: z.ZodError, root: unknown, at: PropertyKey[] = []): ConfigError {
  return new ConfigError(
    error.issues.map((issue) => `${fieldName([...at, ...issue.path], root)}: ${issue.message}`),
  )
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })
    return true
  } catch {
    return false
  }
}
