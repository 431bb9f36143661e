/** One sample of a Prometheus text exposition, e.g. `kefu_queue_jobs{queue="outbox"}`; undefined if absent. */
export function sample(
  metrics: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of metrics.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line)
    if (!match || match[1] !== name) continue
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((pair) => [pair[1], pair[2]]),
    )
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3])
  }
  return undefined
}
