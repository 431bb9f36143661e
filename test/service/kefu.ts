import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { copyFileSync, mkdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

/** The repository: where `npm start` runs and the build is made from. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/**
 * A build laid out as an installed package is: package.json (for `"type": "module"`), the
 * dependencies, and `dist/` made by `npm run build`'s own script. Built once per test file.
 */
export async function buildInstall(): Promise<string> {
  // In lower case: Wechaty lowercases the puppet's name, and the test puppet is a file in here.
  const dir = join(tmpdir(), `kefu-build-${randomBytes(4).toString('hex')}`)
  mkdirSync(dir)
  copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'))
  symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(dir, 'node_modules'))
  const build = await run(
    process.execPath,
    ['--import', 'tsx', 'tools/build.ts', '--out-dir', join(dir, 'dist')],
    {
      cwd: ROOT,
    },
  )
  if (build.code !== 0) {
    rmSync(dir, { recursive: true, force: true })
    throw new Error(`the build failed:\n${build.stdout}${build.stderr}`)
  }
  return dir
}

export interface Finished {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs a command to its end. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Finished> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => {
      stdout += chunk
    })
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    child.on('error', fail)
    child.on('close', (code) => done({ code, stdout, stderr }))
  })
}

/** A process that logs JSON lines on stdout, watched line by line. */
export class Running {
  readonly lines: { msg?: string; [field: string]: unknown }[] = []
  stderr = ''
  readonly exited: Promise<number | null>
  private waiters: (() => void)[] = []

  constructor(readonly child: ChildProcess) {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      try {
        this.lines.push(JSON.parse(line))
      } catch {
        this.lines.push({ text: line })
      }
      for (const wake of this.waiters.splice(0)) wake()
    })
    child.stderr?.on('data', (chunk) => {
      this.stderr += chunk
    })
    this.exited = new Promise((done) => child.on('exit', (code) => done(code)))
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('the process did not start')
    return this.child.pid
  }

  /** Resolves with the first log line saying `message` (and `fields`), or fails after `ms`. */
  async logged(message: string, ms: number, fields: object = {}): Promise<object> {
    const deadline = Date.now() + ms
    for (;;) {
      const found = this.lines.find(
        (line) =>
          line.msg === message && Object.entries(fields).every(([name, value]) => line[name] === value),
      )
      if (found) return found
      const left = deadline - Date.now()
      if (left <= 0) {
        throw new Error(`no "${message}" in ${ms} ms; logged: ${this.messages().join(' | ')}; ${this.stderr}`)
      }
      await Promise.race([
        new Promise<void>((wake) => this.waiters.push(wake)),
        new Promise((wake) => setTimeout(wake, left)),
        this.exited,
      ])
    }
  }

  messages(): string[] {
    return this.lines.map((line) => String(line.msg ?? line.text))
  }

  /** How the process ended and how long after `since`, or a failure after `ms`. */
  async exit(since: number, ms: number): Promise<{ code: number | null; ms: number }> {
    const timeout = new Promise<never>((_, fail) =>
      setTimeout(() => fail(new Error(`still running ${ms} ms after the signal`)), ms).unref(),
    )
    const code = await Promise.race([this.exited, timeout])
    return { code, ms: Date.now() - since }
  }
}

export function start(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Running {
  return new Running(spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] }))
}

/** A staff list in a JSON configuration file, written again for a SIGHUP. */
export function writeConfig(file: string, prefix: string, storeFile: string, staff: number): void {
  const members = Array.from({ length: staff }, (_, n) => ({ id: `agent-${n + 1}`, name: `agent-${n + 1}` }))
  writeFileSync(file, JSON.stringify({ redis: { prefix }, store: { file: storeFile }, staff: members }))
}

export { closedPort } from '../support/closed-port.js'
