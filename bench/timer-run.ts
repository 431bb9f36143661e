import { type TimerProfile, timerRun } from './timers.js'

/** One run of the timer benchmark, in a process of its own (bench/timers.ts): the figures go back over IPC. */
const count = Number(process.argv[2])
const profile = JSON.parse(process.argv[3] ?? '{}') as TimerProfile
const figures = await timerRun(count, profile)
process.send?.(figures, () => process.exit(0))
