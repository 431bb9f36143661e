import { randomBytes } from 'node:crypto'
import mongoose from 'mongoose'
import { afterAll, describe } from 'vitest'
import { MongoTranscriptStore } from '../../src/store/mongo.js'
import { describeTranscriptStoreConformance } from './store-conformance.js'

const uri = process.env.MONGODB_URI

if (!uri) {
  console.warn('MongoDB conformance suite NOT RUN: MONGODB_URI is not set (the embedded store suite did run)')
}

describe.runIf(uri)('MongoDB transcript store', () => {
  const prefixes: string[] = []
  // Every test works in collections of its own; they are dropped at the end.
  afterAll(async () => {
    const connection = await mongoose.createConnection(uri as string).asPromise()
    for (const prefix of prefixes) {
      for (const name of ['transcript_entries', 'conversations', 'handovers']) {
        await connection.dropCollection(`${prefix}${name}`).catch(() => undefined)
      }
    }
    await connection.close()
  })

  describeTranscriptStoreConformance('MongoDB', async () => {
    const collectionPrefix = `test_${randomBytes(4).toString('hex')}_`
    prefixes.push(collectionPrefix)
    return new MongoTranscriptStore(uri as string, { collectionPrefix })
  })
})
