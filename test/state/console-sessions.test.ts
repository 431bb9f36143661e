import { describe, expect, it } from 'vitest'
import { liveStateFixture } from './fixture.js'

const { state, redis, keys } = liveStateFixture('console-sessions')

const RATE = { max: 3, per: 60_000 }
const link = (linkHash: string, at = 1000, staffId = 'supervisor-1') =>
  state().issueConsoleLink({ linkHash, staffId, at, ttlMs: 5 * 60_000, rate: RATE })
const open = (linkHash: string, sessionHash: string, at = 2000) =>
  state().openConsoleSession({ linkHash, sessionHash, csrf: `csrf-${sessionHash}`, at, ttlMs: 3_600_000 })

describe('console links and sessions', () => {
  it('a link opens one session, once; the session lasts its time', async () => {
    expect(await link('l1')).toEqual({ status: 'issued', expiresAt: 1000 + 5 * 60_000 })
    expect(await open('l1', 's1')).toEqual({
      status: 'opened',
      staffId: 'supervisor-1',
      expiresAt: 3_602_000,
    })
    expect(await open('l1', 's2')).toEqual({ status: 'refused' })
    expect(await state().consoleSession('s1', 3000)).toEqual({
      staffId: 'supervisor-1',
      csrf: 'csrf-s1',
      openedAt: 2000,
      expiresAt: 3_602_000,
    })
    expect(await state().consoleSession('s2', 3000)).toBeNull()
    expect(await state().consoleSession('s1', 3_602_000)).toBeNull()
    expect(await redis.pttl(keys().consoleSession('s1'))).toBeGreaterThan(3_500_000)
  })

  it('refuses an expired link, and an expired link is gone after the try', async () => {
    await link('l1')
    expect(await open('l1', 's1', 1000 + 5 * 60_000)).toEqual({ status: 'refused' })
    expect(await redis.exists(keys().consoleLink('l1'))).toBe(0)
    expect(await open('unknown', 's2')).toEqual({ status: 'refused' })
  })

  it('stores no token: only the hashes it is given', async () => {
    await link('l1')
    await open('l1', 's1')
    const stored = await redis.keys(`${keys().prefix}:console:*`)
    expect(stored.sort()).toEqual(
      [
        keys().consoleLinksOf('supervisor-1'),
        keys().consoleSession('s1'),
        keys().consoleSessionsOf('supervisor-1'),
      ].sort(),
    )
  })

  it('limits the links one staff member asks for, and says when the next one may be asked for', async () => {
    await link('l1', 1000)
    await link('l2', 2000)
    await link('l3', 3000)
    expect(await link('l4', 4000)).toEqual({ status: 'rate-limited', retryInMs: 57_000 })
    expect(await redis.exists(keys().consoleLink('l4'))).toBe(0)
    expect((await link('l5', 4000, 'manager-1')).status).toBe('issued')
    expect((await link('l6', 61_000)).status).toBe('issued')
  })

  it('logout ends one session; leaving the staff list ends them all', async () => {
    for (const n of [1, 2, 3]) {
      await link(`l${n}`)
      await open(`l${n}`, `s${n}`)
    }
    await state().endConsoleSession('s1')
    expect(await state().consoleSession('s1', 3000)).toBeNull()
    expect(await state().consoleSession('s2', 3000)).not.toBeNull()
    await state().endConsoleSession('s1')
    expect(await state().endConsoleSessionsOf('supervisor-1')).toBe(2)
    expect(await state().consoleSession('s2', 3000)).toBeNull()
    expect(await state().consoleSession('s3', 3000)).toBeNull()
    expect(await redis.exists(keys().consoleSessionsOf('supervisor-1'))).toBe(0)
    expect(await state().endConsoleSessionsOf('supervisor-1')).toBe(0)
  })
})
