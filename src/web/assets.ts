import { existsSync, readdirSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'

/**
 * The console's scripts, styles and pictures, from assets/ beside this module (tools/build.ts copies
 * them into dist/): served by name only, from the list read at start, so no path reaches the disk.
 * Nothing comes from a CDN.
 */
export const ASSETS_DIR = fileURLToPath(new URL('./assets', import.meta.url))

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
}

export function assetRoutes(app: FastifyInstance): void {
  const served = new Set(
    existsSync(ASSETS_DIR) ? readdirSync(ASSETS_DIR).filter((name) => TYPES[path.extname(name)]) : [],
  )
  app.get<{ Params: { file: string } }>('/assets/:file', async (request, reply) => {
    const { file } = request.params
    if (!served.has(file)) return reply.code(404).type('text/plain; charset=utf-8').send('not found')
    return reply
      .type(TYPES[path.extname(file)] ?? 'application/octet-stream')
      .header('cache-control', 'no-cache')
      .send(await readFile(path.join(ASSETS_DIR, file)))
  })
}
