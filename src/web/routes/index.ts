import { boardRoutes } from './board.js'
import { conversationRoutes } from './conversation.js'
import type { ConsoleRoutes } from './route.js'

/** Every page of the console, each registered behind the session guard (src/web/server.ts). */
export const consoleRoutes: readonly ConsoleRoutes[] = [boardRoutes, conversationRoutes]
