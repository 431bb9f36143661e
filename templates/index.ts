import { en } from './en.js'
import type { Templates } from './shape.js'
import { zhCN } from './zh-CN.js'

export type { Templates } from './shape.js'

export const locales = { 'zh-CN': zhCN, en } satisfies Record<string, Templates>
export type Locale = keyof typeof locales
