import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/domain/config.js'
import { problems } from '../support/config-problems.js'

const minimal = { staff: [{ id: 'wxid_agent' }] }

describe('the alerts webhook and HTTP configuration', () => {
  it('serves no HTTP and posts no alerts unless told to', () => {
    const config = parseConfig(minimal)
    expect(config.http).toEqual({ host: '127.0.0.1' })
    expect(config.alerts.webhook).toBeUndefined()
  })

  it('fills a webhook with JSON, a 5 s timeout and no extra headers', () => {
    const config = parseConfig({ ...minimal, alerts: { webhook: { url: 'https://example.com/hook' } } })
    expect(config.alerts.webhook).toEqual({
      url: 'https://example.com/hook',
      format: 'json',
      timeoutMs: 5000,
      headers: {},
    })
    expect(config.alerts.digestWindow).toBe(3000)
  })

  it('names a bad webhook or port', () => {
    expect(
      problems(() =>
        parseConfig({
          ...minimal,
          alerts: { webhook: { url: 'not a url', format: 'slack', retries: 3 } },
          http: { port: 70_000 },
        }),
      ),
    ).toEqual(
      // Each field by its path; the wording is zod's.
      expect.arrayContaining([
        expect.stringMatching(/^alerts\.webhook: .*"retries"/),
        expect.stringMatching(/^alerts\.webhook\.url: /),
        expect.stringMatching(/^alerts\.webhook\.format: .*wecom-markdown/),
        expect.stringMatching(/^http\.port: /),
      ]),
    )
  })
})
