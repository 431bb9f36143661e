--[[
  A step of the group ladder is due for a customer waiting in a watched room: marks it taken, and
  at the step that counts as overdue counts the customer's messages overdue by now. Stale when the
  waiting period was answered (or a new one began) since the timer was set. Waits while a staff
  message received before the deadline is still being handled, so an answer that beat the
  deadline never yields an alert.
  KEYS[1] staffInFlight    staff messages received and not yet handled, by arrival
  ARGV[1] key prefix (every script)
  ARGV[2] roomId
  ARGV[3] customerId
  ARGV[4] version          the waiting period the timer was set for
  ARGV[5] step             the ladder step (0-based)
  ARGV[6] at               now (epoch ms)
  ARGV[7] overdue          '1': the step counts as overdue
  ARGV[8] inFlightHorizonMs  a staff message older than this no longer holds the timer back
  ARGV[9] timerId          the timer's identity: a fired step is remembered under it
  ARGV[10] seenTtlSeconds  how long the outcome is remembered
  Returns: { status = 'fired', replayed, room, wait, overdueMessages }, { status = 'early', dueAt },
    { status = 'wait' } or { status = 'stale' } (groupFireResult in results.ts)
  Invariant: a step fires once per waiting period; a message is counted overdue at most once.
]]
--- @include "remember"
--- @include "hash-of"
--- @include "deadline-of"

local room_id, customer_id, version, step, at =
  ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local overdue, horizon, timer_id, ttl = ARGV[7] == '1', tonumber(ARGV[8]), ARGV[9], tonumber(ARGV[10])
local replayed = replay(timer_id)
if replayed then return replayed end
local wait_key = KEY.groupWait(room_id, customer_id)
local wait = hash_of(wait_key)
if not wait or tonumber(wait.version) ~= version or tonumber(wait.ladderStep) ~= step then
  return cjson.encode({ status = 'stale' })
end
local due_at = deadline_of(wait, step)
if not due_at then return cjson.encode({ status = 'stale' }) end
if at < due_at then return cjson.encode({ status = 'early', dueAt = due_at }) end
redis.call('ZREMRANGEBYSCORE', KEY.staffInFlight, '-inf', at - horizon)
if #redis.call('ZRANGEBYSCORE', KEY.staffInFlight, '-inf', due_at, 'LIMIT', 0, 1) > 0 then
  return cjson.encode({ status = 'wait' })
end
redis.call('HSET', wait_key, 'ladderStep', step + 1)
local overdue_messages = 0
if overdue then
  local passed = 0
  for _, message in ipairs(cjson.decode(wait.messages or '[]')) do
    if message[3] <= at then passed = passed + 1 end
  end
  overdue_messages = math.max(0, passed - tonumber(wait.counted))
  redis.call('HSET', wait_key, 'counted', tonumber(wait.counted) + overdue_messages)
end
redis.call('HINCRBY', KEY.group(room_id), 'rev', 1)
return remember(timer_id, ttl, { status = 'fired', room = hash_of(KEY.group(room_id)), wait = hash_of(wait_key),
  overdueMessages = overdue_messages })
