import { type Browser, chromium } from 'playwright-core'

/** Debian's Chromium (`apt-get install -y chromium`): no browser is downloaded, here or on CI. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** A headless Chromium as the console's browser tests drive it. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
}
