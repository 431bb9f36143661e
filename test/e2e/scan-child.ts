import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createBot, createLog, removeDeployment } from '../../src/app.js'
import { MockWorld } from '../../src/demo/mock-world.js'
import { REDIS_URL, testPrefix } from '../support/redis.js'

/**
 * The bot on the mock puppet in a process of its own, shown one login QR code (SCAN_VALUE): what its
 * stdout looks like, at a terminal or in a pipe, is what login.test.ts asserts.
 */
const world = new MockWorld()
const dir = mkdtempSync(join(tmpdir(), 'kefu-scan-'))
const config = {
  redis: { url: REDIS_URL, prefix: testPrefix('scan') },
  store: { file: join(dir, 'transcripts.db') },
  staff: [{ id: 'agent-a' }],
}
const bot = createBot(config, { puppet: world.puppet, log: createLog({ level: 'info' }) })
await bot.start()
world.mocker.scan(process.env.SCAN_VALUE ?? '')
await new Promise((resolve) => setTimeout(resolve, 200))
await bot.stop()
await removeDeployment(bot.config)
rmSync(dir, { recursive: true, force: true })
