import mongoose from 'mongoose'
import { describe, expect, it } from 'vitest'
import { handoverSchema as handoverRecordSchema } from '../../src/domain/handover.js'
import {
  conversationSchema,
  entrySchema,
  handoverSchema,
  queries,
  toConversationDocument,
  toEntryDocument,
  toHandoverDocument,
} from '../../src/store/mongo.js'
import { event, handover, message, summary } from '../integration/store-conformance.js'

/** The MongoDB adapter without a server: schemas, validation, and that each query has its index. */

const indexKeys = (schema: typeof entrySchema | typeof conversationSchema | typeof handoverSchema) =>
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
      { 'data.customerId': 1, at: 1, seq: 1 },
      { 'actor.id': 1, at: 1, seq: 1 },
    ])
    expect(indexKeys(conversationSchema)).toEqual([
      { customerId: 1, openedAt: -1 },
      { code: 1, openedAt: -1 },
      { openedAt: 1 },
      { openedAt: -1, _id: -1 },
      { agentId: 1, openedAt: -1, _id: -1 },
      { status: 1, openedAt: -1, _id: -1 },
      { category: 1, openedAt: -1, _id: -1 },
      { rating: 1, openedAt: -1, _id: -1 },
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
    const conversationQueries = [
      queries.byCode('A1'),
      queries.ofCustomer('x'),
      queries.openedBetween(0, 1),
      queries.search({}, {}),
      queries.search({ agentId: 'agent-a', openedFrom: 0, openedTo: 1 }, {}),
      queries.search({ status: 'closed' }, {}),
      queries.search({ category: '订单' }, {}),
      queries.search({ rating: 1 }, {}),
    ]
    for (const { filter, sort } of conversationQueries) {
      expect(
        indexKeys(conversationSchema).some((index) => served(index, filter, sort)),
        JSON.stringify(filter),
      ).toBe(true)
    }
  })

  it("finds a customer's entries in room records by partial indexes that hold room records only", () => {
    const rooms = { conversationId: { $gte: 'group-', $lt: 'group.' } }
    const partial = entrySchema.indexes().filter(([, options]) => options.partialFilterExpression)
    expect(partial.map(([, options]) => options.partialFilterExpression)).toEqual([rooms, rooms])
    const { filter, sort } = queries.roomEntriesOf('cust-1')
    const [aboutThem, byThem] = filter.$or
    // Each branch carries the partial indexes' filter, which lets the planner use them for it.
    expect(aboutThem).toEqual({ ...rooms, 'data.customerId': 'cust-1' })
    expect(byThem).toMatchObject({ ...rooms, 'actor.id': 'cust-1', 'actor.role': 'customer' })
    expect(served({ 'data.customerId': 1, at: 1, seq: 1 }, { 'data.customerId': 'cust-1' }, sort)).toBe(true)
    expect(served({ 'actor.id': 1, at: 1, seq: 1 }, { 'actor.id': 'cust-1' }, sort)).toBe(true)
    // An event about someone else is theirs, even when this customer is its actor.
    expect(byThem?.['data.customerId']).toEqual({ $not: { $type: 'string' } })
    expect(queries.roomEntriesOf('{"$ne": null}').filter.$or[0]?.['data.customerId']).toBe('{"$ne": null}')
  })

  it('bounds the retention purge by the openedAt index, and never matches an open or kept conversation', () => {
    const { filter, sort } = queries.closedBefore(1000, ['c1'])
    expect(filter).toEqual({
      openedAt: { $lt: 1000 },
      status: 'closed',
      closedAt: { $lt: 1000 },
      _id: { $nin: ['c1'] },
    })
    expect(served({ openedAt: 1 }, { openedAt: filter.openedAt }, sort)).toBe(true)
    // The entries of the chosen conversations go by the conversationId index.
    expect(served({ conversationId: 1, at: 1, seq: 1 }, { conversationId: 'c1' }, {})).toBe(true)
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

describe('MongoDB handover schema', () => {
  const Handover = () => offlineModel(handoverSchema)
  const document = (overrides: Parameters<typeof handover>[0] = { id: 'h1' }) =>
    toHandoverDocument(handover(overrides))

  it('declares the indexes the handover queries need, and no TTL index', () => {
    expect(indexKeys(handoverSchema)).toEqual([
      { to: 1, at: -1, _id: -1 },
      { at: 1, _id: 1 },
    ])
    // The retention is a setting, applied by the explicit purge: an index must not expire records.
    for (const [, options] of handoverSchema.indexes())
      expect(options).not.toHaveProperty('expireAfterSeconds')
  })

  it('has an index for every handover query', () => {
    const [byStaff, inRange] = indexKeys(handoverSchema) as [Record<string, number>, Record<string, number>]
    const all = queries.handoversFor('agent-b', false)
    expect(served(byStaff, all.filter, all.sort)).toBe(true)
    // The unacknowledged filter is a residual on the staff member's few index entries.
    const { ackedAt, ...unacknowledged } = queries.handoversFor('agent-b', true).filter as {
      to: string
      ackedAt?: unknown
    }
    expect(ackedAt).toEqual({ $exists: false })
    expect(served(byStaff, unacknowledged, all.sort)).toBe(true)
    const between = queries.handoversBetween(0, 1)
    expect(between.filter).toEqual({ at: { $gte: 0, $lt: 1 } })
    expect(served(inRange, between.filter, between.sort)).toBe(true)
    expect(served(inRange, queries.handoversBefore(1).filter, {})).toBe(true)
    expect(queries.handoversBefore(1).filter).toEqual({ at: { $lt: 1 } })
  })

  it('acknowledges only a handover nobody has acknowledged', () => {
    expect(queries.unacknowledged('h1').filter).toEqual({ _id: 'h1', ackedAt: { $exists: false } })
  })

  it('keeps the query operators inside the filters it builds, whatever the input', () => {
    expect(queries.handoversFor('{"$ne": null}', false).filter).toEqual({ to: '{"$ne": null}' })
    expect(queries.unacknowledged('{"$gt": ""}').filter._id).toBe('{"$gt": ""}')
  })

  it('accepts documents made from valid records, and keeps every field of them', async () => {
    const Model = Handover()
    const full = document({ id: 'h1', to: ['agent-b', 'sup-1'], ackedBy: 'agent-b', ackedAt: 2000 })
    await expect(new Model(full).validate()).resolves.toBeUndefined()
    const { shift: _, ...bare } = document({
      id: 'h2',
      to: [],
      reason: 'command',
      items: { open: [], followUps: [], exceptions: [] },
      text: '',
    })
    await expect(new Model(bare).validate()).resolves.toBeUndefined()
    // What the upsert's $setOnInsert is cast to: nothing is dropped by strict mode, and it reads back.
    for (const source of [full, bare]) {
      const cast = Model.castObject(source) as Record<string, unknown>
      expect(cast).toEqual(source)
      const { _id, ...rest } = new Model(source).toObject() as Record<string, unknown>
      expect(handoverRecordSchema.parse({ id: _id, ...rest })).toEqual({
        id: source._id,
        ...Object.fromEntries(Object.entries(source).filter(([key]) => key !== '_id')),
      })
    }
  })

  it('rejects what the zod schema rejects', async () => {
    const Model = Handover()
    const valid = document()
    const items = valid.items as ReturnType<typeof handover>['items']
    const rejected: [string, Record<string, unknown>, string][] = [
      ['no leaver', { ...valid, from: undefined }, 'from'],
      ['an empty leaver', { ...valid, from: '' }, 'from'],
      ['no time', { ...valid, at: undefined }, 'at'],
      ['a negative time', { ...valid, at: -1 }, 'at'],
      ['a fractional time', { ...valid, at: 1.5 }, 'at'],
      ['an unknown reason', { ...valid, reason: 'lunch' }, 'reason'],
      ['no text', { ...valid, text: undefined }, 'text'],
      ['an empty recipient', { ...valid, to: ['agent-b', ''] }, 'to.1'],
      ['a fractional acknowledgement time', { ...valid, ackedAt: 2.5 }, 'ackedAt'],
      [
        'an unknown exception kind',
        { ...valid, items: { ...items, exceptions: [{ ...items.exceptions[0], kind: 'lost' }] } },
        'items.exceptions.0.kind',
      ],
      [
        'an open item without its last text',
        { ...valid, items: { ...items, open: [{ ...items.open[0], lastText: undefined }] } },
        'items.open.0.lastText',
      ],
      [
        'an open item with negative days',
        { ...valid, items: { ...items, open: [{ ...items.open[0], daysUnresolved: -1 }] } },
        'items.open.0.daysUnresolved',
      ],
      [
        'a follow-up without a due time',
        { ...valid, items: { ...items, followUps: [{ ...items.followUps[0], dueAt: undefined }] } },
        'items.followUps.0.dueAt',
      ],
    ]
    for (const [what, candidate, path] of rejected) {
      const { _id, ...rest } = candidate
      expect(handoverRecordSchema.safeParse({ id: _id, ...rest }).success, what).toBe(false)
      const error = await new Model(candidate).validate().then(
        () => undefined,
        (failure: { errors?: Record<string, unknown> }) => failure,
      )
      expect(Object.keys(error?.errors ?? {}), what).toEqual([path])
    }
  })
})

let models = 0
/** A model on a connection that never connects: enough to build and validate documents. */
function offlineModel<S extends typeof entrySchema | typeof handoverSchema>(schema: S) {
  const connection = mongoose.createConnection()
  return connection.model(`Validation${++models}`, schema)
}
