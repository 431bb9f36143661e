import { accountRoutes } from './accounts.js'
import { boardRoutes } from './board.js'
import { conversationRoutes } from './conversation.js'
import { reportRoutes } from './reports.js'
import type { ConsoleRoutes } from './route.js'
import { searchRoutes } from './search.js'

/** Every page of the console, each registered behind the session guard (src/web/server.ts). */
export const consoleRoutes: readonly ConsoleRoutes[] = [
  boardRoutes,
  conversationRoutes,
  searchRoutes,
  reportRoutes,
  accountRoutes,
]
