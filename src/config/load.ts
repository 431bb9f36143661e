import { existsSync, readFileSync } from 'node:fs'
import { extname } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { type Config, ConfigError, parseConfig } from '../domain/config.js'
import { checkPaths } from './paths.js'

/** Environment variables that override one field of the file each. */
export const ENV_OVERRIDES = {
  REDIS_URL: ['redis', 'url'],
  /** `host:port,host:port`: the sentinels of the master group REDIS_SENTINEL_NAME. */
  REDIS_SENTINELS: ['redis', 'sentinels'],
  REDIS_SENTINEL_NAME: ['redis', 'name'],
  /** `host:port,host:port`: nodes of a Redis Cluster to discover it from. */
  REDIS_CLUSTER_NODES: ['redis', 'cluster', 'nodes'],
  REDIS_PASSWORD: ['redis', 'password'],
  KEFU_REDIS_PREFIX: ['redis', 'prefix'],
  MONGODB_URI: ['store', 'mongodbUri'],
  KEFU_STORE_FILE: ['store', 'file'],
  KEFU_LOCALE: ['locale'],
  KEFU_TIME_ZONE: ['timeZone'],
  KEFU_REPLY_TIMEOUT: ['sla', 'replyTimeout'],
} as const satisfies Record<string, readonly string[]>

export const DEFAULT_CONFIG_FILES = ['kefu.yaml', 'kefu.yml', 'kefu.json']

/**
 * Reads the configuration file (YAML or JSON; `KEFU_CONFIG` names it), applies the environment
 * overrides, and validates the result. Every problem names its field, and its variable when the
 * value came from the environment.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const file = env.KEFU_CONFIG ?? DEFAULT_CONFIG_FILES.find((candidate) => existsSync(candidate))
  if (!file) {
    throw new ConfigError([
      `no configuration file: create ${DEFAULT_CONFIG_FILES[0]} (see kefu.example.yaml) or set KEFU_CONFIG`,
    ])
  }
  const raw = readConfigFile(file, env.KEFU_CONFIG ? `${file} (from KEFU_CONFIG)` : file)
  try {
    return parseWithEnv(raw, env)
  } catch (error) {
    throw error instanceof ConfigError ? new ConfigError(error.problems, file) : error
  }
}

/** `label`: how a missing file is named (with the variable that named it, when one did). */
export function readConfigFile(file: string, label = file): unknown {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new ConfigError([
      code === 'ENOENT' ? `${label}: no such file` : `${label}: cannot be read (${code ?? error})`,
    ])
  }
  try {
    return extname(file) === '.json' ? JSON.parse(text) : parseYaml(text)
  } catch (error) {
    throw new ConfigError([
      `${file}: not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
    ])
  }
}

export function parseWithEnv(raw: unknown, env: NodeJS.ProcessEnv): Config {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(['(root): the configuration must be a mapping of fields'])
  }
  const config = structuredClone(raw) as Record<string, unknown>
  const fromEnv = new Map<string, string>()
  for (const [variable, path] of Object.entries(ENV_OVERRIDES)) {
    const value = env[variable]
    if (value === undefined || value === '') continue
    setPath(config, path, value)
    fromEnv.set(path.join('.'), variable)
  }
  try {
    const parsed = parseConfig(config)
    checkPaths(parsed)
    return parsed
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    throw new ConfigError(
      error.problems.map((problem) => {
        const field = problem.slice(0, Math.max(0, problem.indexOf(': ')))
        const variable = fromEnv.get(field)
        return variable ? `${field} (from ${variable})${problem.slice(field.length)}` : problem
      }),
    )
  }
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: string): void {
  let node = target
  for (const part of path.slice(0, -1)) {
    const next = node[part]
    if (next === undefined || next === null) node[part] = {}
    // A section that is not a mapping in the file stays as it is, for the schema to report.
    else if (typeof next !== 'object' || Array.isArray(next)) return
    node = node[part] as Record<string, unknown>
  }
  node[path[path.length - 1] as string] = value
}
