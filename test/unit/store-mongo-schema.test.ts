import mongoose from 'mongoose'
import { describe, expect, it } from 'vitest'
import {
  conversationSchema,
  entrySchema,
  queries,
  toConversationDocument,
  toEntryDocument,
} from '../../src/store/mongo.js'
import { event, message, summary } from '../integration/store-conformance.js'

/** The MongoDB adapter without a server: schemas, validation, and that each query has its index. */

const indexKeys = (schema: typeof entrySchema | typeof conversationSchema) =>
  schema.indexes().map(([fields]) => fields)

/** An index serves a query when its leading fields are the query's equality fields, then its sort/range. */
function served(
  index: Record<string, unknown>,
  filter: Record<string, unknown>,
  sort: Record<string, number>,
): boolean {
  const fields = Object.keys(index)
  const equality = Object.keys(filter).filter((key) => typeof filter[key] !== 'object')
  const ranged = [
    ...Object.keys(filter).filter((key) => typeof filter[key] === 'object'),
    ...Object.keys(sort),
  ]
  const leading = fields.slice(0, equality.length)
  return (
    equality.every((key) => leading.includes(key)) &&
    ranged.every((key) => fields.slice(equality.length).includes(key))
  )
}

describe('MongoDB transcript schemas', () => {
  it('declares the indexes the queries need', () => {
    expect(indexKeys(entrySchema)).toEqual([
      { conversationId: 1, at: 1, seq: 1 },
      { kind: 1, type: 1, at: 1, seq: 1 },
    ])
    expect(indexKeys(conversationSchema)).toEqual([
      { customerId: 1, openedAt: -1 },
      { code: 1, openedAt: -1 },
      { openedAt: 1 },
    ])
  })

  it('has an index for every query the adapter makes', () => {
    const entryQueries = [queries.entries('c1'), queries.lastEntries('c1'), queries.events('overdue', 0, 1)]
    for (const { filter, sort } of entryQueries) {
      expect(
        indexKeys(entrySchema).some((index) => served(index, filter, sort)),
        JSON.stringify(filter),
      ).toBe(true)
    }
    const conversationQueries = [queries.byCode('A1'), queries.ofCustomer('x'), queries.openedBetween(0, 1)]
    for (const { filter, sort } of conversationQueries) {
      expect(
        indexKeys(conversationSchema).some((index) => served(index, filter, sort)),
        JSON.stringify(filter),
      ).toBe(true)
    }
  })

  it('accepts documents made from valid entries and summaries', async () => {
    const validate = (schema: typeof entrySchema, document: Record<string, unknown>) =>
      new (offlineModel(schema))(document).validate()
    await expect(
      validate(entrySchema, toEntryDocument(message('m1', 'c1', 1000, 0))),
    ).resolves.toBeUndefined()
    await expect(
      validate(entrySchema, toEntryDocument(event('e1', 'c1', 1000, 'overdue'))),
    ).resolves.toBeUndefined()
    await expect(
      validate(conversationSchema, toConversationDocument(summary({ id: 'c1' }))),
    ).resolves.toBeUndefined()
  })

  it('rejects documents missing what the transcript needs', async () => {
    const { conversationId: _, ...orphan } = toEntryDocument(message('m1', 'c1', 1000, 0))
    const Entry = offlineModel(entrySchema)
    await expect(new Entry(orphan).validate()).rejects.toThrow(/conversationId/)
    await expect(new Entry({ ...orphan, conversationId: 'c1', kind: 'memo' }).validate()).rejects.toThrow(
      /kind/,
    )
    const Conversation = offlineModel(conversationSchema)
    await expect(new Conversation({ _id: 'c1', code: 'A1' }).validate()).rejects.toThrow(/customerId/)
  })

  it('keeps the query operators inside the filters it builds, whatever the input', () => {
    const { filter } = queries.byCode('{"$ne": null}')
    expect(filter).toEqual({ code: '{"$ne": null}' })
  })
})

let models = 0
/** A model on a connection that never connects: enough to build and validate documents. */
function offlineModel(schema: typeof entrySchema) {
  const connection = mongoose.createConnection()
  return connection.model(`Validation${++models}`, schema)
}
