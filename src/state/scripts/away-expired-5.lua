--[[
  An agent stayed away past their time: their conversations go to colleagues with room (or back to
  the queue), and the agent stays away. Stale when the agent came back or went away again since the
  timer was set.
  KEYS[1] unassigned       the queue: conversations waiting for an agent, by place
  KEYS[2] onDuty           agents on duty
  KEYS[3] away             agents on duty but away
  KEYS[4] available        agents who can be given a conversation, in routing order
  KEYS[5] assignSequence   the counter of assignments (round robin among equals)
  ARGV[1] key prefix (every script)
  ARGV[2] agentId
  ARGV[3] awaySeq          the away period the timer was set for
  ARGV[4] timerId          the timer's identity: the outcome is remembered under it
  ARGV[5] seenTtlSeconds   how long the outcome is remembered
  Returns: { status = 'handed-on', replayed, assigned, requeued }, { status = 'stale' }, or
    { status = 'gone' } for an outcome an earlier version kept
    (awayExpiredResult in results.ts)
  Invariant: a timer run again (after a crash) changes nothing and replays its outcome, so it tells
    the same people; the requeued conversations replay as they were kept, the assigned ones afresh.
]]
--- @include "remember"
--- @include "pick-agent"
--- @include "assign"
--- @include "requeue"
--- @include "snapshot"

local agent, seq, timer_id, ttl = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local replayed = replay(timer_id)
if replayed then return replayed end
if redis.call('SISMEMBER', KEY.away, agent) == 0 or redis.call('HGET', KEY.agent(agent), 'awaySeq') ~= seq then
  return cjson.encode({ status = 'stale' })
end
local assigned, requeued = {}, {}
for _, id in ipairs(redis.call('SMEMBERS', KEY.agentConversations(agent))) do
  local target = pick_agent(agent, redis.call('HGET', KEY.conversation(id), 'category'))
  if target then
    assign(id, target)
    table.insert(assigned, { conversation = snapshot(id), agentId = target })
  else
    requeue(id)
    table.insert(requeued, snapshot(id))
  end
end
return remember(timer_id, ttl, { status = 'handed-on', assigned = assigned, requeued = requeued })
