import type { Dispatcher } from '../src/dispatcher.js'
import { agentHandlers } from './agent.js'
import { customerHandlers } from './customer.js'
import { dutyHandlers } from './duty.js'
import { escalationHandlers } from './escalation.js'
import { followUpHandlers } from './follow-up.js'
import { handoverHandlers } from './handover.js'
import { recoveryHandlers } from './recovery.js'
import { replyHandlers } from './reply.js'
import { supervisorHandlers } from './supervisor.js'

/** Every handler, by role. Start here to see what touches an update. */
export function registerHandlers(dispatcher: Dispatcher): void {
  customerHandlers(dispatcher)
  agentHandlers(dispatcher)
  replyHandlers(dispatcher)
  dutyHandlers(dispatcher)
  supervisorHandlers(dispatcher)
  escalationHandlers(dispatcher)
  followUpHandlers(dispatcher)
  handoverHandlers(dispatcher)
  recoveryHandlers(dispatcher)
}
