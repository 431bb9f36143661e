import { describe, expect, it } from 'vitest'
import { memoryLog } from '../../src/log/log.js'
import { Alerts } from '../../src/ops/alerts.js'
import { Text } from '../../src/text/text.js'

/** Alerts without a webhook: each one said shows as an `alert` log line. */
function alerts() {
  const log = memoryLog()
  const said = () =>
    log.lines.filter((line) => line.message === 'alert').map((line) => (line.fields as { kind: string }).kind)
  const subject = new Alerts({
    account: { name: 'kefu' },
    prefix: 'kefu',
    text: new Text('zh-CN', 'Asia/Shanghai'),
    log,
    clock: () => 0,
  })
  return { subject, said }
}

describe('which alerts are said', () => {
  it('says the spool filling at half its cap, full at the cap, and drained once empty, once each', () => {
    const { subject, said } = alerts()
    for (const size of [1, 4, 5, 4, 6, 9, 10, 10, 7, 10, 3, 0, 0]) subject.spool(size, 10)
    expect(said()).toEqual(['spool-filling', 'spool-full', 'spool-drained'])
  })

  it('says only "full" when the spool goes from empty to full between two looks', () => {
    const { subject, said } = alerts()
    subject.spool(10, 10)
    subject.spool(0, 10)
    expect(said()).toEqual(['spool-full', 'spool-drained'])
  })

  it('says a condition down once per outage, and back only after it was down', () => {
    const { subject, said } = alerts()
    subject.cameBack('redis')
    subject.wentDown('redis')
    subject.wentDown('redis')
    expect(subject.isDown('redis')).toBe(true)
    subject.cameBack('redis')
    subject.cameBack('redis')
    expect(said()).toEqual(['redis-down', 'redis-back'])
  })
})
