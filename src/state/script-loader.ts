import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Cluster, Redis } from 'ioredis'
import { type Keys, keysFor } from '../queue/keys.js'
import { explainScriptError } from './errors.js'

/**
 * Loads the state scripts (scripts/<name>-<numKeys>.lua) as Redis runs them, BullMQ's way: each
 * file's `--- @include "name"` lines pull in scripts/includes/<name>.lua (once each, dependencies
 * first), and a generated prologue defines `KEY` for the script.
 *
 * The fixed keys of keysFor are KEYS, declared in the script's header (`KEYS[n] <name>`), so the
 * caller passes them without knowing the list. Keys made from an id are built in Lua by functions
 * generated from the keysFor builders, with the prefix from ARGV[1]: a script's text, and so its
 * SHA, is the same for every deployment.
 *
 * Every script declares at least one key: a Redis Cluster sends a script to the node holding its
 * first key's slot, and one with no key to any node, where the keys it builds may not live. A
 * script with no fixed key of its own declares the account's anchor (`KEYS[1] account`, which it
 * need not touch). The keys a script builds start with the same prefix, which a Cluster deployment
 * hash-tags (`{shop-a}`), so they share the declared keys' slot.
 *
 * Every line of a loaded script is mapped back to its file, so a Lua error names the file and line
 * it comes from (errors.ts).
 */

export const SCRIPTS_DIR = fileURLToPath(new URL('./scripts', import.meta.url))
/** The include the generated key functions call: the Lua twin of escapeKeyPart. */
export const KEY_PART_INCLUDE = 'escape-key-part'

/** The key a script with no fixed key of its own declares: it routes the script, nothing more. */
export const ANCHOR_KEY = 'account'

type StringKey = { [K in keyof Keys]: Keys[K] extends string ? K : never }[keyof Keys]
/** A key that depends on no id, passed to the scripts as one of their KEYS. */
export type FixedKey = Exclude<StringKey, 'prefix' | 'bullPrefix'>

export interface SourceLine {
  /** The file, relative to the working directory when it lies inside it. */
  file: string
  line: number
}

export interface StateScript {
  /** The file's name without its key count: `ingest`, `go-on-duty`. */
  name: string
  file: string
  /** The fixed keys the header declares, in KEYS order. */
  keys: readonly FixedKey[]
  /** The include files the script pulls in, dependencies first. */
  includes: readonly string[]
  /** The text Redis runs: the key-part include, the prologue, the includes, then the file. */
  lua: string
  /** Where a line of `lua` (1-based, as Redis counts) comes from. */
  locate(line: number): SourceLine
}

/** A script that cannot be loaded, at the line that says why. */
export class ScriptLoadError extends Error {
  override readonly name = 'ScriptLoadError'

  constructor(
    readonly file: string,
    readonly line: number,
    readonly problem: string,
  ) {
    super(`${file}:${line}: ${problem}`)
  }
}

const SCRIPT_FILE = /^([a-z][a-z0-9-]*)-(\d+)\.lua$/
const INCLUDE_LINE = /^\s*---\s*@include\s+"([^"]+)"\s*$/
const KEYS_LINE = /^\s*KEYS\[(\d+)\]\s+(\S+)/
const KEY_USE = /\bKEY\.([A-Za-z_]\w*)/g

/** Stands for the prefix and the parts when the builders are called: escaping leaves them as they are. */
const PREFIX_MARK = '@@prefix@@'
const partMark = (n: number) => `@@part${n}@@`
const MARKS = /(@@prefix@@|@@part\d+@@)/

const sample = keysFor(PREFIX_MARK)
const FIXED_KEYS = new Set(
  Object.entries(sample)
    .filter(([, value]) => typeof value === 'string' && value.startsWith(`${PREFIX_MARK}:`))
    .map(([name]) => name),
)
const KEY_FAMILIES = new Map(
  Object.entries(sample).flatMap(([name, value]) =>
    typeof value === 'function' ? [[name, value as (...parts: string[]) => string] as const] : [],
  ),
)

function isFixedKey(name: string): name is FixedKey {
  return FIXED_KEYS.has(name)
}

/** Every script in the directory, by name. */
export function loadScripts(dir: string = SCRIPTS_DIR): Map<string, StateScript> {
  const scripts = new Map<string, StateScript>()
  for (const fileName of scriptFiles(dir)) {
    const script = loadScript(dir, fileName)
    scripts.set(script.name, script)
  }
  return scripts
}

/** The script files of a directory (its includes aside), in name order. */
export function scriptFiles(dir: string = SCRIPTS_DIR): string[] {
  return readdirSync(dir)
    .filter((fileName) => fileName.endsWith('.lua'))
    .sort()
}

interface Source {
  file: string
  lines: string[]
}

export function loadScript(dir: string, fileName: string): StateScript {
  const file = path.join(dir, fileName)
  const match = SCRIPT_FILE.exec(fileName)
  if (!match) throw new ScriptLoadError(shown(file), 1, 'a script file is named <name>-<numKeys>.lua')
  const [, name = '', count = ''] = match
  if (Number(count) === 0)
    throw new ScriptLoadError(
      shown(file),
      1,
      `a script declares at least one key (KEYS[1] ${ANCHOR_KEY} when it has no fixed key of its own): ` +
        'a Redis Cluster runs a script with none on any node, where the keys it builds may not live',
    )
  const source = read(file)
  const keys = declaredKeys(source, Number(count))
  const keyPartFile = includeFile(dir, KEY_PART_INCLUDE)
  const resolved = resolveIncludes(dir, source)
  const includes = resolved.filter((include) => include.file !== keyPartFile)
  const uses = keyUses([...includes, source])

  const declared = new Set<string>(keys)
  const families: string[] = []
  for (const [key, at] of uses) {
    if (KEY_FAMILIES.has(key)) families.push(key)
    else if (!isFixedKey(key)) throw new ScriptLoadError(at.file, at.line, `KEY.${key} is no key of keysFor`)
    else if (!declared.has(key))
      throw new ScriptLoadError(
        at.file,
        at.line,
        `${name} uses KEY.${key}, which its header does not declare`,
      )
  }
  if (keys.includes(ANCHOR_KEY) && keys.length > 1)
    throw new ScriptLoadError(
      shown(file),
      keysLine(source, keys.indexOf(ANCHOR_KEY) + 1),
      `${name} declares ${ANCHOR_KEY}, the anchor of scripts with no other fixed key, beside ${keys.filter((key) => key !== ANCHOR_KEY).join(', ')}`,
    )
  keys.forEach((key, index) => {
    if (key !== ANCHOR_KEY && !uses.has(key))
      throw new ScriptLoadError(
        shown(file),
        keysLine(source, index + 1),
        `${name} declares ${key} but never uses KEY.${key}`,
      )
  })

  // The generated key functions call escape_key_part, so it comes before them.
  const keyPart = families.length > 0 || includes.length < resolved.length ? [read(keyPartFile)] : []
  const pieces: Source[] = [
    ...keyPart,
    { file: `(prologue of ${name})`, lines: prologue(keys, families.sort()) },
    ...includes,
    source,
  ]
  const origins: SourceLine[] = pieces.flatMap((piece) =>
    piece.lines.map((_, index) => ({ file: shown(piece.file), line: index + 1 })),
  )
  return {
    name,
    file,
    keys,
    includes: [...keyPart, ...includes].map((include) => include.file),
    lua: pieces.flatMap((piece) => piece.lines).join('\n'),
    locate: (line) => origins[line - 1] ?? { file: shown(file), line },
  }
}

function read(file: string): Source {
  return { file, lines: readFileSync(file, 'utf8').replace(/\n$/, '').split('\n') }
}

function includeFile(dir: string, name: string): string {
  return path.join(dir, 'includes', `${name}.lua`)
}

/** A path as a message shows it: relative to the working directory when inside it. */
export function shown(file: string): string {
  if (file.startsWith('(')) return file
  const relative = path.relative(process.cwd(), file)
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative
}

/** The header's `KEYS[n] <name>` lines, numbered 1, 2, … and as many as the file name says. */
function declaredKeys(source: Source, count: number): FixedKey[] {
  const end = source.lines.findIndex((text) => text.includes(']]'))
  if (!source.lines[0]?.startsWith('--[[') || end < 0)
    throw new ScriptLoadError(shown(source.file), 1, 'a script opens with its header, a --[[ … ]] comment')
  const keys: FixedKey[] = []
  source.lines.slice(0, end).forEach((text, index) => {
    const match = KEYS_LINE.exec(text)
    if (!match) return
    const [, n = '', key = ''] = match
    const at = (problem: string) => new ScriptLoadError(shown(source.file), index + 1, problem)
    if (Number(n) !== keys.length + 1) throw at(`KEYS[${n}] comes where KEYS[${keys.length + 1}] should`)
    if (!isFixedKey(key)) throw at(`KEYS[${n}] ${key} is no fixed key of keysFor`)
    keys.push(key)
  })
  if (keys.length !== count)
    throw new ScriptLoadError(
      shown(source.file),
      1,
      `the header declares ${keys.length} KEYS, the file name ${count}`,
    )
  return keys
}

function keysLine(source: Source, n: number): number {
  return source.lines.findIndex((text) => KEYS_LINE.exec(text)?.[1] === String(n)) + 1
}

/** The includes a file needs, each once, every one after those it includes itself. */
function resolveIncludes(dir: string, source: Source): Source[] {
  const resolved = new Map<string, Source>()
  const visit = (from: Source, trail: string[]) => {
    from.lines.forEach((text, index) => {
      const name = INCLUDE_LINE.exec(text)?.[1]
      if (name === undefined) return
      const file = includeFile(dir, name)
      const at = (problem: string) => new ScriptLoadError(shown(from.file), index + 1, problem)
      if (trail.includes(file)) throw at(`includes "${name}", which includes it in turn`)
      if (resolved.has(file)) return
      if (!existsSync(file)) throw at(`includes "${name}", but there is no ${shown(file)}`)
      const include = read(file)
      visit(include, [...trail, file])
      resolved.set(file, include)
    })
  }
  visit(source, [source.file])
  return [...resolved.values()]
}

/** Each `KEY.name` the sources use (outside comments), with where it is first used. */
function keyUses(sources: Source[]): Map<string, SourceLine> {
  const uses = new Map<string, SourceLine>()
  for (const source of sources) {
    withoutComments(source.lines.join('\n'))
      .split('\n')
      .forEach((text, index) => {
        for (const [, key = ''] of text.matchAll(KEY_USE)) {
          if (!uses.has(key)) uses.set(key, { file: shown(source.file), line: index + 1 })
        }
      })
  }
  return uses
}

/** Lua text with its comments blanked out, lines kept: comments may name keys they do not use. */
export function withoutComments(lua: string): string {
  let code = ''
  let index = 0
  while (index < lua.length) {
    const character = lua[index] as string
    if (character === "'" || character === '"') {
      const end = stringEnd(lua, index)
      code += lua.slice(index, end)
      index = end
    } else if (lua.startsWith('--', index)) {
      const long = /^--\[(=*)\[/.exec(lua.slice(index, index + 64))
      const close = long ? lua.indexOf(`]${long[1]}]`, index) : -1
      const end = long ? (close < 0 ? lua.length : close + (long[1]?.length ?? 0) + 2) : lineEnd(lua, index)
      code += lua.slice(index, end).replace(/[^\n]/g, ' ')
      index = end
    } else {
      code += character
      index++
    }
  }
  return code
}

function stringEnd(lua: string, start: number): number {
  const quote = lua[start]
  let index = start + 1
  while (index < lua.length && lua[index] !== quote && lua[index] !== '\n')
    index += lua[index] === '\\' ? 2 : 1
  return Math.min(index + 1, lua.length)
}

function lineEnd(lua: string, start: number): number {
  const end = lua.indexOf('\n', start)
  return end < 0 ? lua.length : end
}

/**
 * `local KEY = { … }`: the declared KEYS by name, and a function for each key family the script
 * uses, built from its keysFor builder so the two cannot disagree.
 */
function prologue(keys: readonly FixedKey[], families: string[]): string[] {
  const fixed = keys.map((key, index) => `${key} = KEYS[${index + 1}]`).join(', ')
  return [
    ...(families.length > 0 ? ['local key_prefix = ARGV[1]'] : []),
    `local KEY = { ${fixed} }`,
    ...families.map((family) => keyFunction(family)),
  ]
}

function keyFunction(family: string): string {
  const build = KEY_FAMILIES.get(family)
  if (!build) throw new Error(`${family} is no key family of keysFor`)
  const parts = Array.from({ length: build.length }, (_, index) => `part${index + 1}`)
  const pieces = build(...parts.map((_, index) => partMark(index + 1)))
    .split(MARKS)
    .filter((piece) => piece !== '')
  const used = pieces.filter((piece) => MARKS.test(piece))
  if (used.length !== parts.length + 1 || new Set(used).size !== used.length)
    throw new Error(`keysFor().${family} does not use its prefix and each of its parts once`)
  const lua = pieces.map((piece) => {
    if (piece === PREFIX_MARK) return 'key_prefix'
    const part = /^@@part(\d+)@@$/.exec(piece)?.[1]
    return part ? `escape_key_part(part${part})` : luaString(piece)
  })
  return `KEY.${family} = function(${parts.join(', ')}) return ${lua.join(' .. ')} end`
}

/** A Lua string literal of any text: bytes outside printable ASCII (and quotes) as `\ddd`, all 3 digits. */
function luaString(text: string): string {
  const bytes = [...Buffer.from(text, 'utf8')]
  const body = bytes
    .map((byte) =>
      byte >= 0x20 && byte < 0x7f && byte !== 0x27 && byte !== 0x5c
        ? String.fromCharCode(byte)
        : `\\${String(byte).padStart(3, '0')}`,
    )
    .join('')
  return `'${body}'`
}

/** Runs a script: its declared keys and the prefix come first, then the script's own arguments. */
export type ScriptCall = (...args: (string | number)[]) => Promise<string>

type ScriptCommands = Record<string, ScriptCall>

/**
 * The scripts as calls on one connection for one deployment. Each becomes an ioredis command
 * (EVALSHA, EVAL once per connection), so a call costs one round trip.
 */
export function bindScripts<N extends string>(
  redis: Redis | Cluster,
  keys: Keys,
  scripts: ReadonlyMap<string, StateScript>,
  names: readonly N[],
): Record<N, ScriptCall> {
  const calls = {} as Record<N, ScriptCall>
  for (const name of names) {
    const script = scripts.get(name)
    if (!script) throw new Error(`no state script named ${name}`)
    const command = `state:${name}`
    redis.defineCommand(command, { numberOfKeys: script.keys.length, lua: script.lua })
    const head = [...script.keys.map((key) => keys[key]), keys.prefix]
    const commands = redis as unknown as ScriptCommands
    calls[name] = async (...args) => {
      try {
        return await (commands[command] as ScriptCall).call(redis, ...head, ...args)
      } catch (error) {
        throw explainScriptError(script, error)
      }
    }
  }
  return calls
}
