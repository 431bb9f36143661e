import { describe, expect, it } from 'vitest'
import { type ConfigInput, parseConfig } from '../../src/domain/config.js'
import type { InboundMessage } from '../../src/domain/inbound.js'
import type { Outgoing } from '../../src/domain/outgoing.js'
import { StaffDirectory } from '../../src/domain/staff.js'
import { Composer, compose } from '../../src/kernel/composer.js'
import { Context, type Io } from '../../src/kernel/context.js'
import { Kernel } from '../../src/kernel/kernel.js'
import { servicesFor, settingsFor } from '../../src/kernel/services.js'
import { UnitOfWork } from '../../src/kernel/unit-of-work.js'
import type { Update } from '../../src/kernel/updates.js'
import { memoryLog } from '../../src/log/log.js'
import { KeyText, keysIn } from '../support/kernel.js'

const config = parseConfig({
  redis: { url: 'redis://127.0.0.1:1', prefix: 'unit' },
  store: { file: '/nonexistent/unit.db' },
  staff: [
    { id: 'agent-a', name: '小王', roles: ['agent'] },
    { id: 'boss', name: '陈主管', roles: ['supervisor'] },
  ],
  alerts: { digestWindow: 0 },
} satisfies ConfigInput)
const services = servicesFor(config, new StaffDirectory(config.staff), new KeyText('zh-CN', 'Asia/Shanghai'))
const settings = settingsFor(config)
/** Handlers under test touch no I/O: any use of a port is a failure. */
const trap = <T extends object>(port: string) =>
  new Proxy({} as T, {
    get: (_, method) => {
      throw new Error(`unexpected I/O: ${port}.${String(method)}`)
    },
  })
const noIo: Io = { state: trap('state'), store: trap('store'), timers: trap('timers') }

function message(from: string, text: string): InboundMessage {
  return { id: `m-${from}-${text}`, from: { id: from, name: from }, kind: 'text', text, receivedAt: 1000 }
}

/** A bare context for one update, with an outbox that keeps what it was given. */
function bareContext(update: Update) {
  const sent: Outgoing[] = []
  const work = new UnitOfWork(
    'cause',
    1000,
    {
      outbox: { send: async (messages) => void sent.push(...messages.map((one) => one.message)) },
      recorder: { record: async () => undefined },
      state: { gatherAlert: async () => 0 },
      timers: { arm: async () => undefined },
    },
    0,
  )
  return { ctx: new Context(update, noIo, services, settings, memoryLog(), work), sent }
}

describe('a composer', () => {
  it('runs middleware in order, each deciding whether the rest runs', async () => {
    const order: string[] = []
    const composer = new Composer()
      .use(async (_, next) => {
        order.push('first')
        await next()
        order.push('first again')
      })
      .filter(
        () => false,
        () => void order.push('never'),
      )
      .on('customer-message', async (_, next) => {
        order.push('customer')
        await next()
      })
      .on('timer', () => void order.push('timer'))
      .use(() => void order.push('last'))
    const { ctx } = bareContext({ kind: 'customer-message', message: message('c1', '你好') })
    await composer.middleware()(ctx, async () => undefined)
    expect(order).toEqual(['first', 'customer', 'last', 'first again'])
  })

  it('refuses a middleware that calls next twice', async () => {
    const run = compose([
      async (_, next) => {
        await next()
        await next()
      },
    ])
    const { ctx } = bareContext({ kind: 'recovery' })
    await expect(run(ctx, async () => undefined)).rejects.toThrow(/more than once/)
  })

  it('hands each command to its one handler, with the arguments the grammar parsed', async () => {
    const seen: string[] = []
    const composer = new Composer()
      .command('close', async (ctx) => void seen.push(`close ${ctx.update.command.code}`))
      .command(
        'transfer',
        async (ctx) => void seen.push(`transfer ${ctx.update.command.code} ${ctx.update.command.staff}`),
      )
    const staff = services.staff.get('agent-a')
    if (!staff) throw new Error('no agent')
    for (const command of [
      { name: 'transfer', code: 'A3', staff: '小李' },
      { name: 'close', code: 'A1' },
    ] as const) {
      const { ctx } = bareContext({
        kind: 'staff-command',
        message: message('agent-a', '/x'),
        staff,
        command,
      })
      await composer.middleware()(ctx, async () => undefined)
    }
    expect(seen).toEqual(['transfer A3 小李', 'close A1'])
  })

  it('passes a timer handler’s “look again later” to the kernel', async () => {
    const composer = new Composer().timer('reply', async () => ({ retryInMs: 250 }))
    const { ctx } = bareContext({
      kind: 'timer',
      timer: { kind: 'reply', conversationId: 'c', version: 1, step: 0 },
    })
    await composer.middleware()(ctx, async () => undefined)
    expect(ctx.timerOutcome).toEqual({ retryInMs: 250 })
  })
})

describe('the kernel', () => {
  function kernel(handlers: Composer) {
    const sent: Outgoing[] = []
    const log = memoryLog()
    const built = new Kernel({
      io: noIo,
      commit: {
        outbox: { send: async (messages) => void sent.push(...messages.map((one) => one.message)) },
        recorder: { record: async () => undefined },
      },
      services,
      settings,
      log,
      clock: () => 1000,
      handlers: handlers.middleware(),
    })
    return { kernel: built, sent, log }
  }

  it('answers a command the role does not allow with the reason, and runs no handler', async () => {
    const ran: string[] = []
    const { kernel: k, sent } = kernel(new Composer().command('agents', async () => void ran.push('agents')))
    await k.receive(message('agent-a', '/agents'))
    expect(ran).toEqual([])
    expect(sent.map((one) => (one.kind === 'text' ? keysIn(one.text) : []))).toEqual([
      ['staff.oversightOnly'],
    ])
  })

  it('is the one error boundary: logs, apologises to staff with nothing the handler prepared, rethrows', async () => {
    const {
      kernel: k,
      sent,
      log,
    } = kernel(
      new Composer().command('list', async (ctx) => {
        ctx.reply('list', 'half done')
        throw new Error('store on fire')
      }),
    )
    await expect(k.receive(message('agent-a', '/list'))).rejects.toThrow('store on fire')
    expect(sent.map((one) => (one.kind === 'text' ? keysIn(one.text) : []))).toEqual([
      ['staff.internalError'],
    ])
    expect(log.lines.filter((line) => line.level === 'error').map((line) => line.message)).toEqual([
      'handler failed',
    ])
  })

  it('commits what an update prepared only after every handler ran', async () => {
    const { kernel: k, sent } = kernel(
      new Composer().command('help', async (ctx) => {
        ctx.reply('help', 'one')
        expect(sent).toEqual([])
        ctx.reply('help-more', 'two')
      }),
    )
    await k.receive(message('agent-a', '/help'))
    expect(sent).toEqual([
      { kind: 'text', to: 'agent-a', text: 'one' },
      { kind: 'text', to: 'agent-a', text: 'two' },
    ])
  })
})
