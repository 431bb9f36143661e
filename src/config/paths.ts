import { type Stats, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { type Config, ConfigError } from '../domain/config.js'

/** Where inbound messages wait while Redis is unreachable: `ingest.spoolFile`, else beside the store file. */
export function spoolFileOf(config: Pick<Config, 'ingest' | 'store' | 'redis'>): string {
  return (
    config.ingest.spoolFile ?? join(dirname(config.store.file), `inbound-spool-${config.redis.prefix}.jsonl`)
  )
}

/**
 * The files the bot writes, checked before anything opens them: a path under an existing file
 * would otherwise fail deep inside SQLite or the spool with a bare EEXIST or ENOTDIR.
 */
export function checkPaths(config: Config): void {
  const problems: string[] = []
  if (!config.store.mongodbUri && config.store.file !== ':memory:') {
    const problem = pathProblem(config.store.file)
    if (problem) problems.push(`store.file: ${problem}`)
  }
  const spool = spoolFileOf(config)
  const problem = pathProblem(spool)
  if (problem) {
    problems.push(
      config.ingest.spoolFile
        ? `ingest.spoolFile: ${problem}`
        : `ingest.spoolFile (by default beside store.file): ${problem}`,
    )
  }
  if (problems.length) throw new ConfigError(problems)
}

/** Why a file cannot be created or written at `path`, if it cannot. */
function pathProblem(path: string): string | undefined {
  if (stat(path)?.isDirectory()) return `${path} is a directory; give a file's path`
  // The nearest part of the path that exists must be a directory for the rest to be created in it.
  let parent = dirname(resolve(path))
  for (;;) {
    const found = stat(parent)
    if (found) {
      return found.isDirectory()
        ? undefined
        : `${path} cannot be created: ${parent} is a file, not a directory`
    }
    if (dirname(parent) === parent) return undefined
    parent = dirname(parent)
  }
}

function stat(path: string): Stats | undefined {
  try {
    return statSync(path)
  } catch {
    return undefined
  }
}
