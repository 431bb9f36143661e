import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { type Bot, createBot, removeDeployment } from '../../src/app.js'
import { MockWorld } from '../../src/demo/mock-world.js'
import { memoryLog } from '../../src/log/log.js'
import { received } from '../support/harness.js'
import { REDIS_URL, testPrefix } from '../support/redis.js'

let bot: Bot | undefined
const dir = mkdtempSync(join(tmpdir(), 'kefu-staff-names-'))
afterEach(async () => {
  await bot?.stop()
  if (bot) await removeDeployment(bot.config)
  rmSync(dir, { recursive: true, force: true })
})

describe('staff listed without an id', () => {
  it('are found at login with a warning each, by alias first; a name two contacts share is given to neither', async () => {
    const world = new MockWorld()
    const wang = world.person('wx-wang-7', '小王')
    const chen = world.person('wx-chen-1', '陈主管')
    // A customer who calls themselves what the supervisor is called.
    world.person('wx-chen-2', '陈主管')
    // The manager has a remark only the bot account could give; someone else took their nickname.
    world.mocker.createContact({ id: 'wx-zhou', name: '周经理', alias: '周经理（备注）' })
    world.person('wx-fake-zhou', '周经理')
    const log = memoryLog()
    bot = createBot(
      {
        redis: { url: REDIS_URL, prefix: testPrefix('staff-names') },
        store: { file: join(dir, 'transcripts.db') },
        staff: [
          { id: 'agent-with-id', roles: ['agent'] },
          { name: '小王', roles: ['agent'] },
          { name: '陈主管', roles: ['supervisor'] },
          { name: '周经理', alias: '周经理（备注）', roles: ['manager'] },
          { name: '不在通讯录', roles: ['agent'] },
        ],
      },
      { puppet: world.puppet, log },
    )
    await bot.start()

    const warnings = log.lines
      .filter((line) => line.level === 'warn' && 'staff' in line.fields)
      .map((line) => [line.message, line.fields])
    expect(warnings).toEqual([
      [
        'staff member listed without an id, found by it at this login: put the id into the staff list (/whoami tells it)',
        expect.objectContaining({ staff: { name: '小王' }, id: 'wx-wang-7' }),
      ],
      [
        'several WeChat contacts match a staff member listed without an id: none is taken, they are treated as customers',
        expect.objectContaining({ staff: { name: '陈主管' }, ids: ['wx-chen-1', 'wx-chen-2'] }),
      ],
      [
        'staff member listed without an id, found by it at this login: put the id into the staff list (/whoami tells it)',
        expect.objectContaining({ staff: { alias: '周经理（备注）' }, id: 'wx-zhou' }),
      ],
      [
        'no WeChat contact found for a staff member; they are treated as a customer',
        expect.objectContaining({ staff: { name: '不在通讯录' } }),
      ],
    ])

    wang.say('/on')
    await received(wang, '您已上岗')
    chen.say('/agents')
    await received(chen, '仅供客服人员使用')

    // A reload of the staff list looks up the entries without an id it adds.
    const liu = world.person('wx-liu-3', '小刘')
    await bot.updateStaff([...bot.config.staff, { name: '小刘', roles: ['agent'] }])
    liu.say('/on')
    await received(liu, '您已上岗')
  })
})
