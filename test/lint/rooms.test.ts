import { execFile } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const repo = resolve(import.meta.dirname, '../..')
const scratch = mkdtempSync(join(tmpdir(), 'kefu-rooms-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** A copy of the house with `files` planted in it, checked by the rules `npm run lint` applies. */
async function cruise(files: Record<string, string>): Promise<{ failed: boolean; output: string }> {
  const tree = mkdtempSync(join(scratch, 'tree-'))
  for (const path of ['src', 'handlers', 'templates', 'tsconfig.json', '.dependency-cruiser.cjs']) {
    cpSync(join(repo, path), join(tree, path), { recursive: true })
  }
  symlinkSync(join(repo, 'node_modules'), join(tree, 'node_modules'))
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(tree, path)), { recursive: true })
    writeFileSync(join(tree, path), text)
  }
  const depcruise = join(repo, 'node_modules/.bin/depcruise')
  try {
    const { stdout } = await run(
      depcruise,
      ['--config', '.dependency-cruiser.cjs', 'src', 'handlers', 'templates'],
      {
        cwd: tree,
      },
    )
    return { failed: false, output: stdout }
  } catch (error) {
    return { failed: true, output: (error as { stdout: string }).stdout }
  }
}

describe('the rooms, as npm run lint enforces them', () => {
  it('pass as the house stands', async () => {
    const result = await cruise({})
    expect(result.output).toContain('no dependency violations')
    expect(result.failed).toBe(false)
  }, 60_000)

  it('refuse a queue library in the domain, a concrete adapter in a handler, and a cycle', async () => {
    const result = await cruise({
      'src/domain/planted.ts': "import 'bullmq'\nexport const planted = 1\n",
      'handlers/planted.ts':
        "import { RedisLiveState } from '../src/state/redis-state.js'\nexport { RedisLiveState }\n",
      'src/domain/cycle-a.ts': "import { b } from './cycle-b.js'\nexport const a = () => b\n",
      'src/domain/cycle-b.ts': "import { a } from './cycle-a.js'\nexport const b = () => a\n",
    })
    expect(result.failed).toBe(true)
    expect(result.output).toMatch(/not-in-allowed: src\/domain\/planted\.ts → node_modules\/bullmq/)
    expect(result.output).toMatch(/not-in-allowed: handlers\/planted\.ts → src\/state\/redis-state\.ts/)
    expect(result.output).toMatch(/no-circular: src\/domain\/cycle-a\.ts/)
  }, 60_000)
})
