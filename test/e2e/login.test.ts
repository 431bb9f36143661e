import { spawn } from 'node:child_process'
import { afterEach, describe, expect, it } from 'vitest'
import { eventually, Harness } from '../support/harness.js'

let h: Harness
afterEach(async () => {
  await h?.stop()
})

const SCAN_VALUE = 'https://login.weixin.qq.com/l/kefu-test=='
const LINK = `https://wechaty.js.org/qrcode/${encodeURIComponent(SCAN_VALUE)}`
/** What qrcode-terminal draws a code with. */
const QR_BLOCKS = /[▀▄█]{4}/

/** Runs scan-child.ts, its stdout a pipe or (through `script`) a terminal; resolves with that stdout. */
function runScanChild(terminal: boolean): Promise<string> {
  const command = [process.execPath, '--import', 'tsx', 'test/e2e/scan-child.ts']
  const [file, args] = terminal
    ? ['script', ['-qec', command.join(' '), '/dev/null']]
    : [command[0] as string, command.slice(1)]
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: { ...process.env, SCAN_VALUE, LOG_LEVEL: 'info' } })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
    })
    child.on('error', reject)
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`scan-child exited ${code}: ${out}`)),
    )
  })
}

describe('logging in', () => {
  it('says which puppet runs and under which name, and that it waits for the login', async () => {
    h = await new Harness().start()
    expect(h.log.lines).toContainEqual(
      expect.objectContaining({
        level: 'info',
        message: expect.stringMatching(/^WeChat starting: waiting for the account to log in/),
        fields: expect.objectContaining({ puppet: 'PuppetMock', name: `kefu-${h.prefix}` }),
      }),
    )
  })

  it('logs the QR code as a link to open', async () => {
    h = await new Harness().start()
    h.world.mocker.scan(SCAN_VALUE)
    await eventually(
      () => h.log.lines.some((line) => line.message.startsWith('scan the QR code')),
      5000,
      'the scan',
    )
    expect(h.log.lines).toContainEqual(
      expect.objectContaining({ fields: expect.objectContaining({ status: 'Waiting', qrcode: LINK }) }),
    )
  })

  it('draws the QR code at a terminal, and only there', async () => {
    const [piped, terminal] = await Promise.all([runScanChild(false), runScanChild(true)])
    expect(piped).toContain(`"qrcode":"${LINK}"`)
    expect(piped).not.toMatch(QR_BLOCKS)
    expect(terminal).toContain(`"qrcode":"${LINK}"`)
    expect(terminal).toMatch(QR_BLOCKS)
  }, 30_000)
})
