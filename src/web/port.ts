/** What handlers ask of the web console: a one-time login link for a staff member (`/console`). */
export interface ConsoleLinks {
  /**
   * A new link that opens one session for the staff member, once, before `expiresAt`; refused while
   * they have asked for too many (`console.linkRate`).
   */
  issue(staffId: string, at: number): Promise<ConsoleLinkResult>
}

export type ConsoleLinkResult =
  | { status: 'issued'; url: string; expiresAt: number }
  | { status: 'rate-limited'; retryInMs: number }
