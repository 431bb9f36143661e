import type { SiblingAccount } from '../domain/account-config.js'
import type { Config } from '../domain/config.js'
import type { KpiReport, ReportGrouping } from '../domain/report.js'
import type { Staff, StaffDirectory } from '../domain/staff.js'
import type { Log } from '../log/log.js'
import type { LiveState } from '../state/port.js'
import type { TranscriptStore } from '../store/port.js'
import type { Text } from '../text/text.js'

/** What the composition root gives the console: the bot's own parts, read as they are. */
export interface ConsoleParts {
  config: Config
  /** The staff list as it stands now: a member removed from it has no session any more. */
  staff: StaffDirectory
  state: LiveState
  store: TranscriptStore
  text: Text
  clock: () => number
  log: Log
  /**
   * A command from a page (assign, transfer, close), run by the bot as if the staff member had
   * typed it in WeChat: the same permission check, the same rules, the same records, and the bot's
   * answer in their WeChat. Resolves once it has been handled.
   */
  submit(staff: Staff, text: string): Promise<void>
  /**
   * Records that a staff member read a conversation's transcript on a page, as `/transcript` does in
   * WeChat (a `transcript-read` event in the conversation's own transcript, `via: 'web'`).
   */
  recordRead(read: { conversationId: string; by: Staff; entries: number; at: number }): Promise<void>
  /** The KPI report of `from`…`to` (local dates), as `npm run report` reads it. */
  report(range: { from: string; to: string; by: ReportGrouping }): Promise<KpiReport>
  /**
   * The sibling accounts of `console.accounts`, each with its live state under its own prefix, for
   * a manager's summary. Only reads: nothing of another account can be changed from this console.
   */
  siblings: readonly { account: SiblingAccount; state: AccountReader }[]
}

/** What the console may read of a sibling account's live state. */
export type AccountReader = Pick<LiveState, 'openConversations' | 'queued' | 'onDuty'>

/** Who is looking: the staff member of the request's session, as the staff list has them now. */
export interface Viewer {
  staff: Staff
  /** The session's CSRF token: every form posts it back. */
  csrf: string
}
