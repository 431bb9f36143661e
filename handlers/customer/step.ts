import type { Category } from '../../src/domain/customer-text.js'
import type { Context } from '../../src/kernel/context.js'
import type { UpdateOf } from '../../src/kernel/updates.js'
import type { IngestResult } from '../../src/state/port.js'

export type CustomerContext = Context<UpdateOf<'customer-message'>>

/** A message the live state took into a conversation (not a rating, not a replay of a gone one). */
export type Taken = Extract<IngestResult, { status: 'taken' }>

/** One step after the live state took a customer message. */
export type Step = (ctx: CustomerContext, taken: Taken, reading: Reading) => Promise<void> | void

/** What a customer message says, read before it goes into the live state. */
export interface Reading {
  /** What the transcript and the agent see: the text, or a placeholder for an image, a file… */
  body: string
  /** The category its words name, if any. */
  category?: Category
  /** The category it picks, if it answers the menu with a number. */
  menuChoice?: Category
  /** 1–5 when the whole message is a rating. */
  rating?: number
  praise: boolean
  /** When each ladder step falls due, should this message start the reply clock. */
  deadlines: number[]
}
