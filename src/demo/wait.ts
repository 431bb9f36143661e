import type { Person } from './mock-world.js'

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
export async function received(
  person: Person,
  pattern: RegExp | string,
  timeoutMs = 10_000,
): Promise<string> {
  const matches = (text: string) =>
    typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text)
  let found: string | undefined
  await eventually(
    () => {
      found = person.texts().find(matches)
      return found !== undefined
    },
    timeoutMs,
    `${person.name} to receive ${pattern}`,
  )
  return found as string
}
