import { watches } from '../domain/group-config.js'
import type { KpiPeriod } from '../domain/report.js'
import { oversees, type Staff } from '../domain/staff.js'
import { sightOf } from '../domain/visibility.js'
import { dayKey } from '../domain/zoned-time.js'
import { type BoardReads, type BoardSnapshot, boardSignature, boardSnapshot } from './board.js'
import { boardHtml } from './board-view.js'
import type { ConsoleParts } from './parts.js'

/**
 * The board's source for every open page: one read of the live state per tick, whatever the number
 * of pages, and one snapshot per way of seeing it (managers, supervisors, each agent), sent to a page
 * only when what it shows has changed. Today's figures are a report over the transcript store: read
 * at most every `figuresEveryMs`, never per tick.
 */

export interface BoardFeedOptions {
  tickMs: number
  figuresEveryMs: number
}

/**
 * Half a second: a customer's message is in the live state within tens of milliseconds, so the
 * board shows it within a second, as the console promises; one read per tick stays cheap.
 */
const DEFAULTS: BoardFeedOptions = { tickMs: 500, figuresEveryMs: 30_000 }

/** An open page: whose it is, how to send it an event, how to end it. */
export interface BoardWatcher {
  staffId: string
  /** An event's data: `{ snapshot, html }` as JSON, on one line. */
  send(data: string): void
  /** The staff member is no longer on the staff list: their stream ends. */
  end(): void
}

interface Watch extends BoardWatcher {
  /** The signature of the last snapshot sent; undefined before the first. */
  sent?: string
}

export class BoardFeed {
  private readonly watches = new Set<Watch>()
  private readonly options: BoardFeedOptions
  private timer: NodeJS.Timeout | undefined
  private ticking = false
  private reading: Promise<BoardReads> | undefined
  private figures: { day: string; period: KpiPeriod } | undefined
  private figuresTried: { day: string; at: number } | undefined
  private figuresReading: Promise<void> | undefined

  constructor(
    private readonly parts: ConsoleParts,
    options: Partial<BoardFeedOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options }
  }

  /** The member's board now (the page's first view, /board.json): read afresh. */
  async snapshot(staff: Staff): Promise<BoardSnapshot> {
    const now = this.parts.clock()
    return boardSnapshot(await this.read(now), staff, this.settings(), now)
  }

  /** Sends the member's board at once, then whenever it changes; returns how to stop. */
  watch(watcher: BoardWatcher): () => void {
    const watch: Watch = { ...watcher }
    this.watches.add(watch)
    this.timer ??= setInterval(() => void this.tick(), this.options.tickMs)
    void this.sendFirst(watch)
    return () => this.drop(watch)
  }

  /** Ends every stream (the server is closing). */
  close(): void {
    for (const watch of [...this.watches]) {
      this.drop(watch)
      watch.end()
    }
  }

  private drop(watch: Watch): void {
    this.watches.delete(watch)
    if (this.watches.size === 0 && this.timer) {
      clearInterval(this.timer)
      this.timer = undefined
    }
  }

  private async sendFirst(watch: Watch): Promise<void> {
    try {
      const now = this.parts.clock()
      const reads = await this.read(now)
      // A tick may have sent it meanwhile, from reads as fresh as these.
      if (watch.sent !== undefined || !this.watches.has(watch)) return
      const staff = this.parts.staff.get(watch.staffId)
      if (!staff) return this.gone(watch)
      const view = this.view(reads, staff, now)
      watch.sent = view.signature
      watch.send(view.data)
    } catch (error) {
      this.parts.log.warn({ err: (error as Error).message }, 'board read failed')
    }
  }

  private async tick(): Promise<void> {
    // A slow read (Redis busy) skips ticks rather than piling them up.
    if (this.ticking) return
    this.ticking = true
    try {
      const now = this.parts.clock()
      const reads = await this.read(now)
      const views = new Map<string, { signature: string; data: string }>()
      for (const watch of [...this.watches]) {
        // The staff list as it stands now: a member removed from it sees nothing more.
        const staff = this.parts.staff.get(watch.staffId)
        if (!staff) {
          this.gone(watch)
          continue
        }
        const way = oversees(staff) ? `oversight:${sightOf(staff)}` : `agent:${staff.id}`
        let view = views.get(way)
        if (!view) {
          view = this.view(reads, staff, now)
          views.set(way, view)
        }
        if (view.signature === watch.sent) continue
        watch.sent = view.signature
        watch.send(view.data)
      }
    } catch (error) {
      this.parts.log.warn({ err: (error as Error).message }, 'board read failed')
    } finally {
      this.ticking = false
    }
  }

  private gone(watch: Watch): void {
    this.drop(watch)
    watch.end()
  }

  private view(reads: BoardReads, staff: Staff, now: number): { signature: string; data: string } {
    const snapshot = boardSnapshot(reads, staff, this.settings(), now)
    return {
      signature: boardSignature(snapshot),
      data: JSON.stringify({ snapshot, html: boardHtml(this.parts.text, snapshot) }),
    }
  }

  private settings() {
    return { config: this.parts.config, staff: this.parts.staff, text: this.parts.text }
  }

  /** One read of the live state shared by everyone asking while it runs. */
  private read(now: number): Promise<BoardReads> {
    if (!this.reading) {
      this.reading = this.readOnce(now)
      void this.reading.finally(() => {
        this.reading = undefined
      })
    }
    return this.reading
  }

  private async readOnce(now: number): Promise<BoardReads> {
    const { state, staff, config } = this.parts
    const agents = staff.withRole('agent').map((agent) => agent.id)
    const [open, queued, loads, rooms, waiting] = await Promise.all([
      state.openConversations(),
      state.queued(),
      state.loads(agents),
      state.rooms(),
      state.roomsWaiting(),
      this.refreshFigures(now),
    ])
    const someoneWaits = new Set(waiting)
    const watched = rooms.filter((room) => watches(config.groups, room))
    const waits = await Promise.all(
      watched.map((room) => (someoneWaits.has(room.id) ? state.groupWaits(room.id) : [])),
    )
    const today = this.figures?.day === dayKey(now, config.timeZone) ? this.figures.period : undefined
    return {
      open,
      queued,
      loads,
      rooms: watched.map((room, index) => ({ room, waits: waits[index] ?? [] })),
      today,
    }
  }

  /**
   * Today's figures when none are at hand yet (the first page waits for them); when they are only
   * stale, they are read again in the background, and the board goes on with the ones it has. A
   * failed read is tried again no sooner than a fresh one would be.
   */
  private async refreshFigures(now: number): Promise<void> {
    const day = dayKey(now, this.parts.config.timeZone)
    const tried = this.figuresTried
    if (!tried || tried.day !== day || now - tried.at >= this.options.figuresEveryMs) {
      this.figuresTried = { day, at: now }
      this.figuresReading = this.readFigures(day)
    }
    if (this.figures?.day !== day) await this.figuresReading
  }

  private async readFigures(day: string): Promise<void> {
    try {
      const report = await this.parts.report({ from: day, to: day, by: 'range' })
      const period = report.periods[0]
      if (period) this.figures = { day, period }
    } catch (error) {
      this.parts.log.warn({ err: (error as Error).message }, "board: today's figures could not be read")
    }
  }
}
