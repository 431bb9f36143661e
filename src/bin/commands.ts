import type { CommandSpec } from './args.js'

/**
 * What each `kefu` command takes, apart from the code that runs it: `kefu --help` and a wrong
 * command line are answered without loading the bot (Wechaty, BullMQ, the stores).
 */

/**
 * SIGTERM/SIGINT give the work in progress this long (src/bin/service.ts) before the process exits 1.
 * A supervisor's stop timeout (systemd `TimeoutStopSec`, `docker stop -t`) must be longer.
 */
export const DRAIN_MS = 30_000

export const START: CommandSpec = {
  name: 'kefu start',
  usage: 'kefu start [options]',
  summary: 'Runs the bot on WeChat until a signal stops it.',
  options: {},
  notes: [
    'WeChat: WECHATY_PUPPET names the puppet; the login QR code shows in the terminal.',
    'Configuration: kefu.yaml (or kefu.yml, kefu.json) in the working directory, or the file KEFU_CONFIG names.',
    'Logs: JSON lines on stdout. Problems at start-up: one line on stderr, exit 1.',
    `Signals: SIGTERM or SIGINT finish the work in progress and exit 0 (1 if that takes over ${DRAIN_MS / 1000} s);`,
    '  SIGHUP reloads the staff list from the configuration file.',
    'Run it as the service process itself (systemd, Docker), never through npm: npm does not pass SIGHUP on.',
  ],
}

export const REPORT: CommandSpec = {
  name: 'kefu report',
  usage: 'kefu report --from YYYY-MM-DD --to YYYY-MM-DD [options]',
  summary: 'Prints the KPI report per agent and day from the transcript store.',
  options: {
    from: { type: 'string', value: 'date', description: 'first local day of the report' },
    to: { type: 'string', value: 'date', description: 'last local day of the report' },
    format: { type: 'string', value: 'md|csv', description: 'Markdown (default) or CSV' },
    by: {
      type: 'string',
      value: 'day|range',
      description: 'a row per agent and day (default), or per agent',
    },
    out: { type: 'string', value: 'file', description: 'write the report to a file instead of stdout' },
    locale: {
      type: 'string',
      value: 'zh-CN|en',
      description: 'language of the report (default: the configured one)',
    },
    config: {
      type: 'string',
      value: 'file',
      description: "an account's configuration (default: KEFU_CONFIG); several: each account, then the total",
    },
  },
  notes: ['Exit codes: 0 done, 1 configuration or store problem, 2 bad arguments.'],
}

export const DOCTOR: CommandSpec = {
  name: 'kefu doctor',
  usage: 'kefu doctor [options]',
  summary: 'Checks the configuration, Redis and the transcript store.',
  options: {},
  notes: [
    'Prints one line per check, ok or FAIL, with what it found; exits 1 when any check fails.',
    'It reads the configuration as `kefu start` does (KEFU_CONFIG, REDIS_URL, MONGODB_URI…).',
  ],
}

export const BACKUP: CommandSpec = {
  name: 'kefu backup',
  usage: 'kefu backup [options]',
  summary: 'Copies the embedded transcript store while the bot runs, and checks the copy.',
  options: {
    to: {
      type: 'string',
      value: 'file',
      description: 'where the copy goes (default: transcripts-<UTC time>.db beside the store)',
    },
    force: { type: 'boolean', description: 'replace a file already at the destination' },
  },
  notes: [
    "SQLite's online backup: safe while `kefu start` writes to the same file. Progress on stderr,",
    '  the result on stdout. The copy must pass integrity_check and hold every conversation and entry',
    '  the store held when the backup began.',
    'MongoDB (store.mongodbUri or MONGODB_URI) is refused: back it up with mongodump.',
    'Restoring, and what to keep of Redis: docs/backup.md.',
    'Exit codes: 0 done, 1 configuration, store or check problem, or the destination exists, 2 bad arguments.',
  ],
}

const PRIVACY_NOTES = [
  'A customer is named by their WeChat contact id (a manager sees it in an export, a customer with /whoami).',
  'Each run is audited in the store (who, which customer id, when, how many records): docs/privacy.md.',
  'Exit codes: 0 done, 1 nothing stored, a refusal, or a configuration, Redis or store problem, 2 bad arguments.',
]
const BY = {
  type: 'string',
  value: 'name',
  description: 'who runs it, for the audit record (default: the OS user)',
} as const

export const EXPORT: CommandSpec = {
  name: 'kefu export',
  usage: 'kefu export <customer-id> [--to file] [--by name]',
  summary:
    'Writes everything stored about one customer as JSON (PIPL access), e.g. while the bot is logged out.',
  positionals: ['customer-id'],
  options: {
    to: {
      type: 'string',
      value: 'file',
      description: 'write the JSON to a file (readable by its owner only) instead of stdout',
    },
    by: BY,
  },
  notes: ['The summary goes to stderr, the JSON to stdout or the file.', ...PRIVACY_NOTES],
}

export const ERASE: CommandSpec = {
  name: 'kefu erase',
  usage: 'kefu erase <customer-id> --confirm [--by name]',
  summary:
    "Deletes one customer's transcripts and live state (PIPL deletion); refused while a conversation is open.",
  positionals: ['customer-id'],
  options: {
    confirm: { type: 'boolean', description: 'required: the erase cannot be undone' },
    by: BY,
  },
  notes: ['Needs Redis as well as the store: an open conversation must be closed first.', ...PRIVACY_NOTES],
}
