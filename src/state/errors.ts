/**
 * What goes wrong inside a state script, said clearly. A script gives up on purpose with
 * `redis.error_reply('KEFU <reason>')`, a reason listed here with what it means; any other Lua
 * error is placed at the file and line it comes from, not at a line of the assembled script.
 */

/** Every reason a script gives up on purpose (after `KEFU ` in its error reply), and what it means. */
export const SCRIPT_FAILURES = {
  'no-free-code':
    'no free conversation code: the next 100 codes in the sequence all belong to open conversations',
} as const
export type ScriptFailure = keyof typeof SCRIPT_FAILURES

/** An error reply a script raised on purpose, and its reason. */
export const DELIBERATE = /^KEFU (\S+)/

export class StateScriptError extends Error {
  override readonly name = 'StateScriptError'

  constructor(
    message: string,
    /** The script that failed. */
    readonly script: string,
    /** Set when the script gave up on purpose. */
    readonly failure?: ScriptFailure,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}

function isScriptFailure(reason: string): reason is ScriptFailure {
  return Object.hasOwn(SCRIPT_FAILURES, reason)
}

/** What explaining an error needs of a script (script-loader.ts's StateScript). */
export interface ScriptLines {
  name: string
  /** Where a line of the text Redis runs comes from. */
  locate(line: number): { file: string; line: number }
}

/** The error to throw for what a script call failed with; errors not from the script pass unchanged. */
export function explainScriptError(script: ScriptLines, error: unknown): unknown {
  if (!(error instanceof Error)) return error
  const reason = DELIBERATE.exec(error.message)?.[1]
  if (reason !== undefined) {
    const meaning = isScriptFailure(reason) ? SCRIPT_FAILURES[reason] : `gave up: ${reason}`
    return new StateScriptError(
      `${script.name}: ${meaning}`,
      script.name,
      isScriptFailure(reason) ? reason : undefined,
      { cause: error },
    )
  }
  const line = /user_script:(\d+)/.exec(error.message)?.[1]
  if (line === undefined) return error
  const at = script.locate(Number(line))
  // "ERR user_script:57: attempt to …  script: <sha>, on @user_script:57." says the line twice.
  const what = error.message
    .replace(/ script: [0-9a-f]{40}, on @user_script:\d+\.?$/, '')
    .replace(/^ERR (Error compiling script \(new function\): )?user_script:\d+: /, '')
  const message = `${at.file}:${at.line}: ${what} (in the ${script.name} script)`
  return new StateScriptError(message, script.name, undefined, { cause: error })
}
