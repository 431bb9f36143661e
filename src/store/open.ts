import { EmbeddedTranscriptStore } from './embedded.js'

export { StoreNotFoundError } from './embedded.js'
export { MongoUnavailableError } from './mongo.js'

import { MongoTranscriptStore } from './mongo.js'
import type { TranscriptStore } from './port.js'

/**
 * MongoDB when a URI is configured; otherwise the embedded single-file store. `existing`: a reader
 * (the report) opens only a store file that is there, and creates none.
 */
export function openTranscriptStore(
  options: { mongodbUri?: string; file: string },
  { existing = false } = {},
): TranscriptStore {
  return options.mongodbUri
    ? new MongoTranscriptStore(options.mongodbUri)
    : new EmbeddedTranscriptStore(options.file, { existing })
}
