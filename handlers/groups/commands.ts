import { staffActor } from '../../src/domain/actors.js'
import { watches } from '../../src/domain/group-config.js'
import { groupThreadId } from '../../src/domain/groups.js'
import { maskName, preview } from '../../src/domain/mask.js'
import { oversees } from '../../src/domain/staff.js'
import { shownEntry, sightOf } from '../../src/domain/visibility.js'
import type { CommandContext } from '../../src/kernel/composer.js'
import { agentsLabel, mayAnswer, threadOf } from './room.js'

const RECORD_LINES = 30

/**
 * `/groups`: the watched rooms, who looks after each, and every customer waiting there with how
 * long. Supervisors and managers see every room; agents the rooms they look after.
 */
export async function groups(ctx: CommandContext<'groups'>): Promise<void> {
  const { staff } = ctx.update
  const { text } = ctx.services
  const everything = oversees(staff)
  const rooms = (await ctx.io.state.rooms()).filter(
    (room) => watches(ctx.settings.groups, room) && (everything || mayAnswer(ctx, staff, room)),
  )
  if (!rooms.length) return ctx.reply('groups', ctx.t(everything ? 'group.listNone' : 'group.listNoneMine'))
  const lines = [ctx.t(everything ? 'group.listHeader' : 'group.listHeaderMine', { count: rooms.length })]
  for (const room of rooms) {
    const waits = await ctx.io.state.groupWaits(room.id)
    const waiting = waits.length
      ? ctx.t('group.listWaitingCount', { count: waits.length })
      : ctx.t('group.listNobodyWaiting')
    lines.push(
      ctx.t('group.listRoom', {
        code: room.code,
        topic: room.topic,
        agents: agentsLabel(ctx, room),
        waiting,
      }),
    )
    for (const wait of waits) {
      lines.push(
        ctx.t('group.listWaiter', {
          customer: everything ? maskName(wait.customerName) : wait.customerName,
          waited: text.duration(ctx.now - wait.since),
          count: wait.count,
          last: preview(wait.lastText),
        }),
      )
    }
  }
  ctx.reply('groups', lines.join('\n'))
}

/**
 * `/group G7`: the room's recent record for supervisors and managers, as each may read it (managers
 * whole, supervisors with customers' names and personal data masked: src/domain/visibility.ts);
 * every read is recorded in the room's record, with the sight it was given.
 */
export async function group(ctx: CommandContext<'group'>): Promise<void> {
  const { staff, command } = ctx.update
  const room = await ctx.io.state.roomByCode(command.code)
  if (!room) return ctx.reply('group', ctx.t('group.recordNotFound', { code: command.code }))
  const sight = sightOf(staff)
  const entries = await ctx.io.store.entries(groupThreadId(room.id), { limit: RECORD_LINES })
  const nameOf = (id: string) => ctx.services.staff.nameOf(id)
  const header = ctx.t(sight === 'whole' ? 'group.recordHeaderWhole' : 'group.recordHeader', {
    code: room.code,
    topic: room.topic,
    count: entries.length,
  })
  const lines = entries.map((entry) => ctx.services.text.entry(shownEntry(sight, entry), nameOf))
  ctx.reply('group', [header, ...lines].join('\n'))
  ctx.event(threadOf(room), 'transcript-read', staffActor(staff), {
    by: staff.id,
    entries: entries.length,
    sight,
  })
  ctx.log.info({ reader: staff.id, room: room.id, sight }, 'group record read')
}
