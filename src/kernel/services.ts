import { ServiceCalendar } from '../domain/calendar.js'
import type { Config } from '../domain/config.js'
import { groupRules } from '../domain/group-messages.js'
import { DEFAULT_FORBIDDEN_PHRASES, PhraseChecker } from '../domain/phrases.js'
import type { StaffDirectory } from '../domain/staff.js'
import { Text } from '../text/text.js'
import type { Services, Settings } from './context.js'

/** The services handlers consult, built from the configuration (no I/O); `text` renders the sentences. */
export function servicesFor(
  config: Config,
  staff: StaffDirectory,
  text: Text = new Text(config.locale, config.timeZone),
): Services {
  return {
    text,
    staff,
    groupRules: groupRules(config.groups.acknowledgements, {
      isStaff: (id) => staff.get(id) !== undefined,
      isStaffName: (name) => staff.all().some((member) => member.name === name || member.alias === name),
    }),
    calendar: new ServiceCalendar(config.hours, config.shifts, config.timeZone),
    phrases: new PhraseChecker([...DEFAULT_FORBIDDEN_PHRASES, ...config.phrases.forbidden]),
    canned: new Map([...text.cannedAnswers(), ...Object.entries(config.phrases.canned)]),
  }
}

export function settingsFor(config: Config): Settings {
  const { sla, routing, survey, followUp, handover, tally, alerts, duty, timeZone, groups } = config
  return {
    groups,
    sla,
    routing,
    survey,
    followUp,
    handover,
    tally,
    alerts,
    duty,
    timeZone,
    customerRate: config.ingest.customerRate,
    transcriptRetention: config.store.retention,
  }
}
