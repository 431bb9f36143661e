import type { TranscriptBatch } from '../domain/transcript.js'
import type { Log } from '../log/log.js'
import type { Recorder } from '../queue/port.js'
import type { TranscriptStore } from './port.js'

/** After a failed write, how long writes go straight to the retry queue before the store is tried again. */
const STORE_DOWN_PAUSE_MS = 5000

/**
 * Writes transcripts to the store right away; when the store fails, the batch goes to the durable
 * transcript queue, which retries until the store takes it, and for a while after a failure every
 * write does, so that a store that is down slows no message. Entry ids make repeats harmless and
 * readers order by time, so a batch that lands late still reads in its place.
 */
export class TranscriptRecorder implements Recorder {
  private downUntil = 0

  constructor(
    private readonly store: Pick<TranscriptStore, 'write'>,
    private readonly retryQueue: Recorder,
    private readonly log: Log,
    private readonly written: (batch: TranscriptBatch) => void,
  ) {}

  async record(batch: TranscriptBatch): Promise<void> {
    if (batch.entries.length === 0 && !batch.conversation) return
    if (Date.now() >= this.downUntil) {
      try {
        await this.store.write(batch)
        this.written(batch)
        return
      } catch (error) {
        this.downUntil = Date.now() + STORE_DOWN_PAUSE_MS
        this.log.error(
          { err: (error as Error).message },
          'transcript store write failed; queueing writes for retry',
        )
      }
    }
    await this.retryQueue.record(batch)
  }
}
