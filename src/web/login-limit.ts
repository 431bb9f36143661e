/**
 * Failed logins per client address, in memory, over a sliding minute: past the limit every login
 * from that address is refused until the minute has passed, so link tokens cannot be guessed at
 * speed. (They are 32 random bytes; this keeps a flood from even trying.)
 */
export class LoginLimit {
  private readonly failures = new Map<string, number[]>()

  constructor(
    private readonly max: number,
    private readonly perMs: number,
  ) {}

  blocked(client: string, at: number): boolean {
    return this.recent(client, at).length >= this.max
  }

  failed(client: string, at: number): void {
    const recent = this.recent(client, at)
    recent.push(at)
    this.failures.set(client, recent)
  }

  private recent(client: string, at: number): number[] {
    const recent = (this.failures.get(client) ?? []).filter((when) => when > at - this.perMs)
    // Addresses with nothing recent are forgotten, so the map stays as small as the attack.
    if (recent.length) this.failures.set(client, recent)
    else this.failures.delete(client)
    return recent
  }
}
