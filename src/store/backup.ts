import { existsSync, renameSync, rmSync, statSync } from 'node:fs'
import Database from 'better-sqlite3'
import { StoreNotFoundError } from './embedded.js'

/**
 * `kefu backup` for the embedded store: SQLite's online backup, page by page, while the bot writes.
 * A write by another process (the bot) restarts SQLite's copy at its next step; under steady load a
 * copy in small steps might never finish, so after a restart the rest is copied in one step, which
 * reads one snapshot (in WAL mode the bot's writes go on meanwhile). The copy is written beside the
 * destination and renamed into place only once it has been checked: a failed backup leaves nothing
 * that looks like a backup.
 */

/** Pages per step while nothing has changed: 4 MB at the default page size. */
const STEP_PAGES = 1000
/** Largest number SQLite takes as "every page left". */
const ALL_PAGES = 0x7fffffff

export interface BackupProgress {
  totalPages: number
  remainingPages: number
  /** The bot wrote meanwhile and SQLite started over; the rest goes in one step. */
  restarted: boolean
}

export interface BackupResult {
  /** What the store held when the backup began; the copy holds at least this (writes only add). */
  atStart: { conversations: number; entries: number }
  copy: { conversations: number; entries: number; pages: number; bytes: number }
}

/** The copy failed its checks; the message says which, and nothing was left at the destination. */
export class BackupCheckError extends Error {
  override readonly name = 'BackupCheckError'
}

export async function backupEmbeddedStore(
  file: string,
  destination: string,
  progress: (step: BackupProgress) => void = () => undefined,
): Promise<BackupResult> {
  if (!existsSync(file)) throw new StoreNotFoundError(file)
  const partial = `${destination}.partial-${process.pid}`
  const source = new Database(file, { fileMustExist: true })
  try {
    // The bot may be committing: wait for it rather than fail at once.
    source.pragma('busy_timeout = 5000')
    const atStart = counts(source)
    let restarted = false
    let lastRemaining = Number.POSITIVE_INFINITY
    const done = await source.backup(partial, {
      progress({ totalPages, remainingPages }) {
        if (remainingPages > lastRemaining) restarted = true
        lastRemaining = remainingPages
        progress({ totalPages, remainingPages, restarted })
        return restarted ? ALL_PAGES : STEP_PAGES
      },
    })
    const copy = check(partial, atStart)
    renameSync(partial, destination)
    return { atStart, copy: { ...copy, pages: done.totalPages, bytes: statSync(destination).size } }
  } catch (error) {
    for (const leftover of [partial, `${partial}-wal`, `${partial}-shm`]) rmSync(leftover, { force: true })
    throw error
  } finally {
    source.close()
  }
}

function counts(db: Database.Database): { conversations: number; entries: number } {
  const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
  return { conversations: count('conversations'), entries: count('entries') }
}

/**
 * Opens the copy as a store would, checks every page and index, and counts what it holds. It is then
 * made a single self-contained file (rollback journal instead of WAL); the bot sets WAL again when it
 * opens a restored copy.
 */
function check(
  partial: string,
  atStart: { conversations: number; entries: number },
): { conversations: number; entries: number } {
  const copy = new Database(partial, { fileMustExist: true })
  try {
    const problems = (copy.pragma('integrity_check') as { integrity_check: string }[])
      .map((row) => row.integrity_check)
      .filter((line) => line !== 'ok')
    if (problems.length) throw new BackupCheckError(`the copy fails integrity_check: ${problems.join('; ')}`)
    const found = counts(copy)
    if (found.conversations < atStart.conversations || found.entries < atStart.entries) {
      throw new BackupCheckError(
        `the copy holds ${found.conversations} conversations and ${found.entries} entries, fewer than ` +
          `the store's ${atStart.conversations} and ${atStart.entries} at the start (did a retention ` +
          'purge run meanwhile?); run the backup again',
      )
    }
    copy.pragma('journal_mode = DELETE')
    return found
  } finally {
    copy.close()
  }
}
