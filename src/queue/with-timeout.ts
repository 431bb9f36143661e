/** `work`, or a rejection naming `from` when it has not settled within `ms`. */
export function withTimeout<T>(work: Promise<T>, ms: number, from = 'Redis'): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from ${from} within ${ms} ms`)), ms)
  })
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}
