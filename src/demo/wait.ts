import type { MockRoom, Person } from './mock-world.js'

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'a condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(20)
  }
}

/** Waits for a person to receive a message matching `pattern`, and returns it. */
export function received(person: Person, pattern: RegExp | string, timeoutMs = 10_000): Promise<string> {
  return firstMatch(() => person.texts(), pattern, timeoutMs, `${person.name} to receive ${pattern}`)
}

/** Waits for the bot to post a text matching `pattern` in a room, and returns it. */
export function receivedIn(room: MockRoom, pattern: RegExp | string, timeoutMs = 10_000): Promise<string> {
  return firstMatch(() => room.texts(), pattern, timeoutMs, `a post in ${room.topic} matching ${pattern}`)
}

async function firstMatch(
  texts: () => string[],
  pattern: RegExp | string,
  timeoutMs: number,
  what: string,
): Promise<string> {
  const matches = (text: string) =>
    typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text)
  let found: string | undefined
  await eventually(
    () => {
      found = texts().find(matches)
      return found !== undefined
    },
    timeoutMs,
    what,
  )
  return found as string
}
