import { type CommandTable, Composer, type TimerTable } from '../src/kernel/composer.js'
import { consoleLink } from './console.js'
import { close, help, list, queue, take, transfer } from './conversations.js'
import { onCustomerMessage } from './customer/index.js'
import { onDigestDue } from './digest.js'
import { goAway, goOffDuty, goOnDuty, onAwayExpired } from './duty.js'
import { onReplyTimer } from './escalation.js'
import { onDayEnd, onDayStart, onFollowUpDue } from './follow-up.js'
import { group, groups } from './groups/commands.js'
import { onGroupMessage } from './groups/customer-message.js'
import { onGroupReplyTimer } from './groups/ladder.js'
import { onGroupStaffMessage } from './groups/staff-message.js'
import { onAck, onHandoverAckDue, onHandoverCommand, onShiftEnd } from './handover.js'
import { onStaffMistake } from './mistakes.js'
import { agents, stats, transcript } from './oversight.js'
import { eraseCustomer, exportCustomer } from './privacy.js'
import { recover } from './recovery.js'
import { cannedAnswer, forceHeldReply, onStaffReply } from './reply.js'
import { onSendFailed } from './send-failed.js'
import { whoami } from './whoami.js'

/** Every staff command and its handler; the type refuses a command left without one. */
const commands: CommandTable = {
  help,
  list,
  queue,
  take,
  close,
  transfer,
  assign: transfer,
  on: goOnDuty,
  away: goAway,
  off: goOffDuty,
  t: cannedAnswer,
  force: forceHeldReply,
  handover: onHandoverCommand,
  ack: onAck,
  agents,
  transcript,
  export: exportCustomer,
  erase: eraseCustomer,
  stats,
  groups,
  group,
  console: consoleLink,
  whoami,
}

/** Every kind of timer and its handler. */
const timers: TimerTable = {
  reply: onReplyTimer,
  'group-reply': onGroupReplyTimer,
  digest: onDigestDue,
  away: onAwayExpired,
  'day-end': onDayEnd,
  'day-start': onDayStart,
  'follow-up': onFollowUpDue,
  'shift-end': onShiftEnd,
  'handover-ack': onHandoverAckDue,
}

/** Every handler, by what it handles. Start here to see what touches an update. */
export function handlers(): Composer {
  return new Composer()
    .on('customer-message', onCustomerMessage)
    .on('staff-reply', onStaffReply)
    .on('group-message', onGroupMessage)
    .on('group-staff-message', onGroupStaffMessage)
    .on('staff-mistake', onStaffMistake)
    .on('send-failed', onSendFailed)
    .on('recovery', recover)
    .commands(commands)
    .timers(timers)
}
