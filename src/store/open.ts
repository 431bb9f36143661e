import { EmbeddedTranscriptStore } from './embedded.js'
import { MongoTranscriptStore } from './mongo.js'
import type { TranscriptStore } from './port.js'

/** MongoDB when a URI is configured; otherwise the embedded single-file store. */
export function openTranscriptStore(options: { mongodbUri?: string; file: string }): TranscriptStore {
  return options.mongodbUri
    ? new MongoTranscriptStore(options.mongodbUri)
    : new EmbeddedTranscriptStore(options.file)
}
