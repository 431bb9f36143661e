import { existsSync, realpathSync } from 'node:fs'
import { basename, dirname, extname, join, resolve } from 'node:path'
import {
  BackupCheckError,
  type BackupProgress,
  backupEmbeddedStore,
  loadConfig,
  StoreNotFoundError,
} from '../app.js'
import { type Config, ConfigError } from '../domain/config.js'
import { parseOrExplain, type Streams } from './args.js'
import { BACKUP } from './commands.js'

/** Progress is said every tenth of the pages, and only for a store this large (about 4 MB). */
const PROGRESS_FROM_PAGES = 1000

/** `kefu backup`: resolves to 0 when a checked copy is in place, 1 when there is none. */
export async function backup(args: readonly string[], io: Streams & { env: NodeJS.ProcessEnv }) {
  const line = parseOrExplain(BACKUP, args, io)
  if ('exit' in line) return line.exit
  const fail = (why: string) => {
    io.stderr.write(`kefu backup: ${why}\n`)
    return 1
  }
  let config: Config
  try {
    config = loadConfig(io.env)
  } catch (error) {
    if (error instanceof ConfigError) return fail(error.message)
    throw error
  }
  if (config.store.mongodbUri) {
    return fail(
      'the transcript store is MongoDB (store.mongodbUri or MONGODB_URI): back it up with mongodump ' +
        '(docs/backup.md); kefu backup copies the embedded file store only',
    )
  }
  const store = resolve(config.store.file)
  if (!existsSync(store)) return fail(new StoreNotFoundError(store).message)
  const destination = resolve(typeof line.values.to === 'string' ? line.values.to : defaultDestination(store))
  if (existsSync(destination)) {
    if (realpathSync(destination) === realpathSync(store))
      return fail(`${destination} is the store itself: give another --to`)
    if (line.values.force !== true)
      return fail(`${destination} exists: give another --to, or --force to replace it`)
  }
  if (!existsSync(dirname(destination))) return fail(`no directory ${dirname(destination)} for the copy`)

  let said = -1
  const progress = ({ totalPages, remainingPages, restarted }: BackupProgress) => {
    if (totalPages < PROGRESS_FROM_PAGES) return
    if (restarted && said !== Number.POSITIVE_INFINITY) {
      said = Number.POSITIVE_INFINITY
      io.stderr.write('the store changed during the copy: copying it again in one step\n')
      return
    }
    const tenth = Math.floor(((totalPages - remainingPages) / totalPages) * 10)
    if (tenth <= said) return
    said = tenth
    io.stderr.write(`copying: ${remainingPages} of ${totalPages} pages left\n`)
  }
  try {
    const { copy } = await backupEmbeddedStore(store, destination, progress)
    io.stdout.write(
      `backup of ${store} written to ${destination}: ${copy.conversations} conversations, ` +
        `${copy.entries} entries, ${copy.pages} pages (${copy.bytes} bytes); integrity_check ok\n`,
    )
    return 0
  } catch (error) {
    if (error instanceof StoreNotFoundError || error instanceof BackupCheckError) return fail(error.message)
    return fail(`no backup made: ${(error as Error)?.message ?? error}`)
  }
}

/** `transcripts-2026-12-01T1640Z.db` beside `transcripts.db`: sorts by time, no `:` in the name. */
function defaultDestination(store: string, now = new Date()): string {
  const stamp = now.toISOString().slice(0, 16).replace(':', '')
  const extension = extname(store) || '.db'
  return join(dirname(store), `${basename(store, extname(store))}-${stamp}Z${extension}`)
}
