import { describe, expect, it } from 'vitest'
import { MongoTranscriptStore, MongoUnavailableError } from '../../src/store/mongo.js'
import { closedPort } from '../support/closed-port.js'

/** What an operator sees when MongoDB cannot be used at start-up; none of it needs a server. */

async function failure(uri: string): Promise<Error> {
  const store = new MongoTranscriptStore(uri, { serverSelectionTimeoutMS: 500 })
  return store.init().then(
    () => {
      throw new Error('expected the store not to open')
    },
    (error: Error) => error,
  )
}

describe('MongoDB at start-up', () => {
  it.each([
    ['mongodb://kefu:s3cret@db.internal:99999/kefu', 'mongodb://kefu:***@db.internal:99999/kefu'],
    [
      'mongodb+srv://kefu:s3cret@cluster.example:27017/kefu',
      'mongodb+srv://kefu:***@cluster.example:27017/kefu',
    ],
  ])('reports the malformed URI %s in one line, password hidden', async (uri, shown) => {
    const error = await failure(uri)
    expect(error).toBeInstanceOf(MongoUnavailableError)
    expect(error.message).toMatch(
      new RegExp(`^the MongoDB URI ${shown.replace(/[+.*]/g, '\\$&')} is malformed \\(`),
    )
    expect(error.message).toContain('store.mongodbUri (or MONGODB_URI)')
    expect(error.message).not.toContain('s3cret')
    expect(error.message).not.toContain('\n')
  })

  it('reports a refused connection in one line naming the URI, password hidden, and what to check', async () => {
    const port = await closedPort()
    const started = Date.now()
    const error = await failure(`mongodb://kefu:s3cret@127.0.0.1:${port}/kefu`)
    expect(Date.now() - started).toBeLessThan(3000)
    expect(error).toBeInstanceOf(MongoUnavailableError)
    expect(error.message).toBe(
      `MongoDB is unreachable at mongodb://kefu:***@127.0.0.1:${port}/kefu (connect ECONNREFUSED 127.0.0.1:${port}). ` +
        'Check that MongoDB runs there and that the host, port and credentials in store.mongodbUri ' +
        '(or MONGODB_URI) are right, or leave it out to use the embedded file store.',
    )
  })
})
