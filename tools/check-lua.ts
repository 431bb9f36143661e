import { readdirSync } from 'node:fs'
import path from 'node:path'
import luaparse from 'luaparse'
import { DELIBERATE, SCRIPT_FAILURES } from '../src/state/errors.js'
import {
  loadScript,
  SCRIPTS_DIR,
  ScriptLoadError,
  type StateScript,
  scriptFiles,
  shown,
  withoutComments,
} from '../src/state/script-loader.js'

/**
 * Lint for the state scripts: assembles every script through the loader (which refuses a missing
 * include, an undeclared KEY.x, a KEYS count that disagrees with the file name, or a script with no
 * KEYS at all) and parses it
 * as Lua 5.1, Redis's dialect. Also refuses what Redis would only refuse when the line runs: a
 * global the sandbox does not have (a forgotten include, a typo, a missing `local`), an error
 * reply no entry of errors.ts explains, and an include no script uses.
 * Prints `file:line: message` per problem and exits 1, or one summary line and exits 0.
 * Run from the repository root: `npx tsx tools/check-lua.ts`.
 */

/** What Redis's Lua sandbox provides. */
const SANDBOX = new Set([
  'redis',
  'cjson',
  'cmsgpack',
  'bit',
  'struct',
  'KEYS',
  'ARGV',
  'string',
  'table',
  'math',
  'tonumber',
  'tostring',
  'type',
  'ipairs',
  'pairs',
  'next',
  'select',
  'unpack',
  'error',
  'assert',
  'pcall',
  'xpcall',
  'rawget',
  'rawset',
  'rawequal',
  'setmetatable',
  'getmetatable',
])

interface Problem {
  file: string
  line: number
  message: string
}

function checkScript(script: StateScript): Problem[] {
  const at = (line: number, message: string): Problem => ({ ...script.locate(line), message })
  // With `scope`, luaparse lists the globals a chunk uses (a field its types leave out).
  let chunk: luaparse.Chunk & { globals?: luaparse.Identifier[] }
  try {
    chunk = luaparse.parse(script.lua, { luaVersion: '5.1', scope: true, locations: true, comments: false })
  } catch (error) {
    const { line, message } = error as { line?: number; message: string }
    return [at(line ?? 1, message.replace(/^\[\d+:\d+\] /, ''))]
  }
  const problems = (chunk.globals ?? [])
    .filter((global) => !SANDBOX.has(global.name))
    .map((global) =>
      at(
        global.loc?.start.line ?? 1,
        `global ${global.name}: declared local nowhere, and no global of Redis's`,
      ),
    )
  withoutComments(script.lua)
    .split('\n')
    .forEach((text, index) => {
      for (const [, reply = ''] of text.matchAll(/redis\.error_reply\(\s*'([^']*)'\s*\)/g)) {
        const reason = DELIBERATE.exec(reply)?.[1]
        if (reason === undefined || !Object.hasOwn(SCRIPT_FAILURES, reason))
          problems.push(at(index + 1, `error reply '${reply}' is no 'KEFU <reason>' of src/state/errors.ts`))
      }
    })
  return problems
}

function check(dir: string): { problems: Problem[]; scripts: number; includes: number } {
  const problems: Problem[] = []
  const used = new Set<string>()
  const files = scriptFiles(dir)
  let loaded = 0
  for (const fileName of files) {
    try {
      const script = loadScript(dir, fileName)
      for (const include of script.includes) used.add(include)
      problems.push(...checkScript(script))
      loaded++
    } catch (error) {
      if (!(error instanceof ScriptLoadError)) throw error
      problems.push({ file: error.file, line: error.line, message: error.problem })
    }
  }
  const includeDir = path.join(dir, 'includes')
  const includes = readdirSync(includeDir).filter((fileName) => fileName.endsWith('.lua'))
  // Which includes are used is only known once every script loads.
  for (const fileName of loaded === files.length ? includes : []) {
    const file = path.join(includeDir, fileName)
    if (!used.has(file)) problems.push({ file: shown(file), line: 1, message: 'no script includes it' })
  }
  return { problems, scripts: files.length, includes: includes.length }
}

const { problems, scripts, includes } = check(process.argv[2] ?? SCRIPTS_DIR)
// A missing include is found once per script that includes it: say it once.
const lines = [...new Set(problems.map((problem) => `${problem.file}:${problem.line}: ${problem.message}`))]
for (const line of lines) console.error(line)
if (lines.length > 0) {
  console.error(`check-lua: ${lines.length} problem${lines.length === 1 ? '' : 's'}`)
  process.exit(1)
}
console.log(`check-lua: ${scripts} scripts and ${includes} includes assemble and parse as Lua 5.1`)
