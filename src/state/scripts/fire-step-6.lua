--[[
  An escalation timer is due: marks the step taken, counts the overdue, and reassigns. Stale when
  the conversation was answered, closed or moved on since the timer was set (invariant 3). Waits
  while a staff message received before the deadline is still being handled, so a reply that beat
  the deadline never yields an alert.
  KEYS[1] unassigned       the queue: conversations waiting for an agent, by place
  KEYS[2] onDuty           agents on duty
  KEYS[3] away             agents on duty but away
  KEYS[4] available        agents who can be given a conversation, in routing order
  KEYS[5] assignSequence   the counter of assignments (round robin among equals)
  KEYS[6] staffInFlight    staff messages received and not yet handled, by arrival
  ARGV[1] key prefix (every script)
  ARGV[2] conversationId
  ARGV[3] version          the waiting period the timer was set for
  ARGV[4] step             the escalation step (0-based)
  ARGV[5] at               now (epoch ms)
  ARGV[6] reassign         '1': hand the conversation to a colleague with room
  ARGV[7] overdue          '1': the step counts as overdue
  ARGV[8] inFlightHorizonMs  a staff message older than this no longer holds the timer back
  ARGV[9] timerId          the timer's identity: a fired step is remembered under it
  ARGV[10] seenTtlSeconds  how long the outcome is remembered
  Returns: { status = 'fired', replayed, conversation, version, waitingSince, agentId?, reassignedTo?,
    assigned }, { status = 'early', dueAt }, { status = 'wait' }, { status = 'stale' }, or
    { status = 'gone' } (fireResult in results.ts)
  Invariant: a step fires once; a timer run again after a crash replays its alerts instead of
    finding the step already taken and doing nothing.
]]
--- @include "remember"
--- @include "snapshot"
--- @include "deadline-of"
--- @include "bump"
--- @include "pick-agent"
--- @include "assign"
--- @include "drain-queue"

local id, version, step, at = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local reassign, overdue, horizon = ARGV[6] == '1', ARGV[7] == '1', tonumber(ARGV[8])
local timer_id, ttl = ARGV[9], tonumber(ARGV[10])
local replayed = replay(timer_id)
if replayed then return replayed end
local conv = snapshot(id)
if not conv or conv.status == 'closed' or tonumber(conv.version) ~= version
    or (tonumber(conv.waitingSince) or 0) == 0 or tonumber(conv.ladderStep) ~= step
    or not deadline_of(conv, step) then
  return cjson.encode({ status = 'stale' })
end
local due_at = deadline_of(conv, step)
if at < due_at then return cjson.encode({ status = 'early', dueAt = due_at }) end
redis.call('ZREMRANGEBYSCORE', KEY.staffInFlight, '-inf', at - horizon)
if #redis.call('ZRANGEBYSCORE', KEY.staffInFlight, '-inf', due_at, 'LIMIT', 0, 1) > 0 then
  return cjson.encode({ status = 'wait' })
end
local key = KEY.conversation(id)
redis.call('HSET', key, 'ladderStep', step + 1)
if overdue then redis.call('HINCRBY', key, 'overdueCount', 1) end
bump(id)
local result = { status = 'fired', assigned = {}, version = version, waitingSince = tonumber(conv.waitingSince) }
if conv.agentId ~= '' then result.agentId = conv.agentId end
if reassign then
  local target = pick_agent(conv.agentId, conv.category)
  if target then
    assign(id, target)
    result.reassignedTo = target
    result.assigned = drain_queue()
  end
end
result.conversation = snapshot(id)
return remember(timer_id, ttl, result)
