import { spawnSync } from 'node:child_process'
import { chmodSync, cpSync, existsSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'

/**
 * `npm run build`: a `dist/` that runs with plain Node. tsc compiles the TypeScript; the state
 * scripts are Lua files the loader reads at run time, so they are copied beside the compiled loader,
 * and the web console's assets beside its compiled server; the bin is made executable. Then the compiled loader is asked to load every script from there,
 * so a build that would fail at start-up fails here. `--out-dir DIR` builds elsewhere (the tests do).
 * Run from the repository root.
 */
const { values } = parseArgs({ options: { 'out-dir': { type: 'string', default: 'dist' } } })
const outDir = path.resolve(values['out-dir'] ?? 'dist')

// A clean tree: nothing from an older build (a removed entry point) ships.
rmSync(outDir, { recursive: true, force: true })
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
const compiled = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--outDir', outDir], {
  stdio: 'inherit',
})
if (compiled.status !== 0) process.exit(compiled.status ?? 1)

const scripts = path.join(outDir, 'src/state/scripts')
cpSync('src/state/scripts', scripts, {
  recursive: true,
  filter: (source) => !path.extname(source) || source.endsWith('.lua'),
})
// The console's scripts and styles are files its server reads at run time, like the Lua scripts.
if (existsSync('src/web/assets'))
  cpSync('src/web/assets', path.join(outDir, 'src/web/assets'), { recursive: true })
const bin = path.join(outDir, 'src/bin/kefu.js')
if (!existsSync(bin)) throw new Error(`tsc did not write ${bin}`)
chmodSync(bin, 0o755)

const loader = await import(pathToFileURL(path.join(outDir, 'src/state/script-loader.js')).href)
const loaded: Map<string, unknown> = loader.loadScripts()
if (loader.SCRIPTS_DIR !== scripts || loaded.size === 0) {
  throw new Error(`the compiled loader reads ${loader.SCRIPTS_DIR} and found ${loaded.size} scripts`)
}
process.stdout.write(`build: ${path.relative('.', outDir) || '.'} with ${loaded.size} state scripts\n`)
