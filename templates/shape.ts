import type { zhCN } from './zh-CN.js'

type Widen<T> = { readonly [K in keyof T]: T[K] extends string ? string : Widen<T[K]> }

/** The shape every locale fills: the zh-CN sentences, with any text in place of each sentence. */
export type Templates = Widen<typeof zhCN>
