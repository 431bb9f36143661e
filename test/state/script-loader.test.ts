import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { keysFor } from '../../src/queue/keys.js'
import { StateScriptError } from '../../src/state/errors.js'
import {
  bindScripts,
  KEY_PART_INCLUDE,
  loadScript,
  loadScripts,
  SCRIPTS_DIR,
  ScriptLoadError,
} from '../../src/state/script-loader.js'
import { testRedis } from '../support/redis.js'

const redis = testRedis()
afterAll(() => redis.quit())

/** A scratch scripts directory under the OS temp dir, with the real key-part include. */
let dir: string
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kefu-scripts-'))
  mkdirSync(path.join(dir, 'includes'))
  copyFileSync(
    path.join(SCRIPTS_DIR, 'includes', `${KEY_PART_INCLUDE}.lua`),
    path.join(dir, 'includes', `${KEY_PART_INCLUDE}.lua`),
  )
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function write(file: string, ...lines: string[]): string {
  writeFileSync(path.join(dir, file), `${lines.join('\n')}\n`)
  return path.join(dir, file)
}
const header = (...lines: string[]) => ['--[[', '  A scratch script.', ...lines, ']]']

function refusal(fileName: string): ScriptLoadError {
  try {
    loadScript(dir, fileName)
  } catch (error) {
    if (error instanceof ScriptLoadError) return error
    throw error
  }
  throw new Error(`${fileName} loaded`)
}

describe('script loader', () => {
  it('loads every state script, each KEYS count as its file name says', () => {
    const scripts = loadScripts()
    expect(scripts.size).toBe(27)
    for (const script of scripts.values()) {
      expect(path.basename(script.file)).toBe(`${script.name}-${script.keys.length}.lua`)
    }
  })

  it('resolves includes once each, every one after the includes it includes', async () => {
    write('includes/first.lua', '-- first', "local function first() return 'first' end")
    write('includes/second.lua', '--- @include "first"', 'local function second() return first() .. 2 end')
    write(
      'both-1.lua',
      ...header('  KEYS[1] account   the anchor', '  ARGV[1] key prefix'),
      '--- @include "first"',
      '--- @include "second"',
      '--- @include "first"',
      'return second()',
    )
    const script = loadScript(dir, 'both-1.lua')
    expect(script.includes.map((file) => path.basename(file))).toEqual(['first.lua', 'second.lua'])
    expect(script.lua.match(/local function first/g)).toHaveLength(1)
    const { both } = bindScripts(redis, keysFor('scratch'), loadScripts(dir), ['both'])
    expect(await both()).toBe('first2')
  })

  it('refuses a KEYS count that disagrees with the file name', () => {
    const file = write(
      'count-2.lua',
      ...header('  KEYS[1] open   every open conversation'),
      'return KEY.open',
    )
    const error = refusal('count-2.lua')
    expect(error).toMatchObject({ file, line: 1 })
    expect(error.message).toContain('declares 1 KEYS, the file name 2')
  })

  it('refuses a key the header does not declare, naming the script and the key', () => {
    write(
      'includes/uses-away.lua',
      '-- a helper',
      "local function away() return redis.call('SCARD', KEY.away) end",
    )
    const include = path.join(dir, 'includes', 'uses-away.lua')
    write(
      'sneaky-1.lua',
      ...header('  KEYS[1] open   x'),
      '--- @include "uses-away"',
      'return { KEY.open, away() }',
    )
    const error = refusal('sneaky-1.lua')
    expect(error).toMatchObject({ file: include, line: 2 })
    expect(error.problem).toBe('sneaky uses KEY.away, which its header does not declare')
  })

  it('refuses a declared key never used, a key keysFor does not have, and a missing include', () => {
    write('unused-1.lua', ...header('  KEYS[1] open   x'), 'return 1')
    expect(refusal('unused-1.lua').problem).toBe('unused declares open but never uses KEY.open')
    const anchored = () => header('  KEYS[1] account   the anchor')
    write('made-up-1.lua', ...anchored(), '-- KEY.mentioned in a comment is no use', 'return KEY.madeUp')
    expect(refusal('made-up-1.lua')).toMatchObject({ line: 6, problem: 'KEY.madeUp is no key of keysFor' })
    write('lost-1.lua', ...anchored(), '--- @include "nowhere"', 'return 1')
    expect(refusal('lost-1.lua')).toMatchObject({ line: 5 })
    expect(refusal('lost-1.lua').problem).toMatch(/^includes "nowhere", but there is no /)
  })

  it('refuses a script that declares no key, and the anchor beside a fixed key', () => {
    // In a Redis Cluster a script with no key runs on any node, where the keys it builds may not live.
    const file = write(
      'keyless-0.lua',
      ...header('  ARGV[1] key prefix'),
      "return redis.call('GET', KEY.seen(ARGV[2]))",
    )
    expect(refusal('keyless-0.lua')).toMatchObject({ file, line: 1 })
    expect(refusal('keyless-0.lua').problem).toMatch(
      /^a script declares at least one key \(KEYS\[1\] account when/,
    )
    write('both-anchors-2.lua', ...header('  KEYS[1] open   x', '  KEYS[2] account   y'), 'return KEY.open')
    expect(refusal('both-anchors-2.lua')).toMatchObject({
      line: 4,
      problem: 'both-anchors declares account, the anchor of scripts with no other fixed key, beside open',
    })
  })

  it('rethrows a Redis error as one naming the file and line it comes from', async () => {
    write(
      'includes/boom.lua',
      '-- fails on purpose',
      'local function boom(id)',
      '  local missing = nil',
      "  return missing.field .. redis.call('GET', KEY.conversation(id))",
      'end',
    )
    write(
      'explode-1.lua',
      ...header('  KEYS[1] account   the anchor', '  ARGV[1] key prefix'),
      '--- @include "boom"',
      'return boom(ARGV[2])',
    )
    const { explode } = bindScripts(redis, keysFor('scratch'), loadScripts(dir), ['explode'])
    const failure = explode('c1')
    await expect(failure).rejects.toBeInstanceOf(StateScriptError)
    await expect(failure).rejects.toThrow(
      `${path.join(dir, 'includes', 'boom.lua')}:4: attempt to index local 'missing' (a nil value) (in the explode script)`,
    )
  })

  it('places an error of a command the script runs at the script’s own line', async () => {
    write(
      'wrong-type-1.lua',
      ...header('  KEYS[1] account   the anchor', '  ARGV[1] key prefix'),
      "redis.call('SET', KEY.seen('x'), 1)",
      "return redis.call('LPUSH', KEY.seen('x'), 2)",
    )
    const { 'wrong-type': wrongType } = bindScripts(redis, keysFor('scratch-wrong'), loadScripts(dir), [
      'wrong-type',
    ])
    await expect(wrongType()).rejects.toThrow(`${path.join(dir, 'wrong-type-1.lua')}:7: WRONGTYPE Operation`)
    await redis.del(keysFor('scratch-wrong').seen('x'))
  })

  it('builds every key in Lua exactly as the TypeScript builder does', async () => {
    const families = Object.entries(keysFor('p')).flatMap(([name, value]) =>
      typeof value === 'function' ? [{ name, arity: value.length }] : [],
    )
    const call = (family: { name: string; arity: number }) =>
      `KEY.${family.name}(${family.arity === 1 ? 'ARGV[2]' : 'ARGV[2], ARGV[3]'})`
    write(
      'every-key-1.lua',
      ...header('  KEYS[1] account   the anchor', '  ARGV[1] key prefix'),
      `return { ${families.map(call).join(', ')} }`,
    )
    const scripts = loadScripts(dir)
    const tricky = fc.constantFrom(
      ':',
      '~',
      '{',
      '}',
      '~3A',
      '~7E',
      '%',
      '-',
      '客服',
      '会話',
      '😀',
      '👩‍💻',
      ' ',
      '\n',
    )
    const part = fc.string({
      unit: fc.oneof(tricky, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
    })
    const prefix = fc.string({
      unit: fc.oneof(fc.constantFrom('{', '}', 'kefu', ':'), fc.string({ unit: 'grapheme' })),
    })
    await fc.assert(
      fc.asyncProperty(prefix, part, part, async (keyPrefix, first, second) => {
        const keys = keysFor(keyPrefix)
        const builders = keys as unknown as Record<string, (...parts: string[]) => string>
        const expected = families.map((family) => builders[family.name]?.(first, second))
        // Bound per prefix, as RedisLiveState is: the prefix goes in as ARGV[1].
        const { 'every-key': everyKey } = bindScripts(redis, keys, scripts, ['every-key'])
        expect(await everyKey(first, second)).toEqual(expected)
      }),
      { numRuns: 300 },
    )
  })
})
