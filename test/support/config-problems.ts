import { ConfigError } from '../../src/domain/config.js'

/** The problems a configuration is refused with; fails the test when it is not refused. */
export function problems(run: () => unknown): string[] {
  try {
    run()
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
  throw new Error('expected a ConfigError')
}
