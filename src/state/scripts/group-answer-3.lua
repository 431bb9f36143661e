--[[
  Staff answer in a watched room: typed there, written from the bot's own account, or relayed by
  the bot (`G7 …`). Ends the waiting periods it answers: every one in the room (`all`), or those of
  the customers it @-mentions or quotes (by id, or by name when WeChat gave only the name) — of
  those, only periods that began before the answer arrived (messages of one room are handled on
  several partitions, so a customer's later message may be taken first). For each
  it returns how long every message waited, the ladder steps that fell due before the answer
  although their timers had not fired yet (after an outage, or behind a backlog: recorded late, as
  in 1:1), and the messages that became overdue and were not counted yet.
  KEYS[1] groups             every watched room seen so far
  KEYS[2] groupsWaiting      rooms where a customer is waiting
  KEYS[3] groupCodeSequence  the counter room codes are made from
  ARGV[1] key prefix (every script)
  ARGV[2] messageId        the WeChat message id (or the relay's cause): the outcome is remembered under it
  ARGV[3] roomId
  ARGV[4] topic            the room's name as WeChat shows it now ('' when not known)
  ARGV[5] at               when the answer arrived (epoch ms)
  ARGV[6] target (JSON)    { all = true } or { all = false, customerIds = [...], names = [...] }
  ARGV[7] seenTtlSeconds   how long the outcome is remembered
  Returns: { status = 'answered', replayed, room, ended = [ { customerId, customerName, since,
    version, ladderStep, deadlines, responsesMs, lateSteps, overdueMessages } ] } (groupAnswerResult
    in results.ts)
  Invariant: a message seen before changes nothing and replays its outcome, so a second delivery
    of an answer cannot end a later waiting period; a message is counted overdue at most once.
]]
--- @include "remember"
--- @include "hash-of"
--- @include "group-room"

local message_id, room_id, topic, at = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local target, ttl = cjson.decode(ARGV[6]), tonumber(ARGV[7])
local replayed = replay(message_id)
if replayed then return replayed end

local room_key = ensure_room(room_id, topic)
local wanted_ids, wanted_names = {}, {}
if not target.all then
  for _, id in ipairs(target.customerIds or {}) do wanted_ids[id] = true end
  for _, name in ipairs(target.names or {}) do wanted_names[name] = true end
end
local ended = {}
for _, customer_id in ipairs(redis.call('ZRANGE', KEY.groupWaiters(room_id), 0, -1)) do
  local wait_key = KEY.groupWait(room_id, customer_id)
  local wait = hash_of(wait_key)
  local named = wait and (target.all or wanted_ids[customer_id] or wanted_names[wait.customerName or ''])
  if named and tonumber(wait.since) <= at then
    local responses, overdue = {}, 0
    for _, message in ipairs(cjson.decode(wait.messages or '[]')) do
      table.insert(responses, math.max(0, at - message[2]))
      if message[3] <= at then overdue = overdue + 1 end
    end
    local late_steps, step = {}, 0
    for due in string.gmatch(wait.deadlines or '', '%d+') do
      if step >= tonumber(wait.ladderStep) and at >= tonumber(due) then table.insert(late_steps, step) end
      step = step + 1
    end
    table.insert(ended, { customerId = customer_id, customerName = wait.customerName or '',
      since = tonumber(wait.since), version = tonumber(wait.version), ladderStep = tonumber(wait.ladderStep),
      deadlines = wait.deadlines or '', responsesMs = responses, lateSteps = late_steps,
      overdueMessages = math.max(0, overdue - tonumber(wait.counted)), lastText = wait.lastText or '' })
    redis.call('DEL', wait_key)
    redis.call('ZREM', KEY.groupWaiters(room_id), customer_id)
  end
end
if redis.call('EXISTS', KEY.groupWaiters(room_id)) == 0 then redis.call('SREM', KEY.groupsWaiting, room_id) end
redis.call('HSET', room_key, 'lastStaffAt', at)
redis.call('HINCRBY', room_key, 'rev', 1)
return remember(message_id, ttl, { status = 'answered', room = hash_of(room_key), ended = ended })
