--[[
  /off: an agent goes off duty. Refused while they hold open conversations, unless forced; forced,
  those go back to the queue in their old places and on to colleagues with room.
  KEYS[1] unassigned       the queue: conversations waiting for an agent, by place
  KEYS[2] onDuty           agents on duty
  KEYS[3] away             agents on duty but away
  KEYS[4] available        agents who can be given a conversation, in routing order
  KEYS[5] assignSequence   the counter of assignments (round robin among equals)
  ARGV[1] key prefix (every script)
  ARGV[2] agentId
  ARGV[3] force            '1' to go off duty with open conversations
  Returns: { status = 'off-duty', requeued, assigned }, or { status = 'refused', reason = 'has-open',
    open } (goOffDutyResult in results.ts)
  Invariant: an agent off duty holds no conversation and is neither away nor in KEY.available. A
    refusal keeps the agent on duty (and away if they were); it does clear an away agent's until
    and reason.
]]
--- @include "requeue"
--- @include "refresh-agent"
--- @include "drain-queue"
--- @include "snapshot"

local agent, force = ARGV[2], ARGV[3] == '1'
local was_away = redis.call('SREM', KEY.away, agent) == 1
redis.call('HDEL', KEY.agent(agent), 'awayUntil', 'awayReason')
local mine = redis.call('SMEMBERS', KEY.agentConversations(agent))
if #mine > 0 and not force then
  if was_away then redis.call('SADD', KEY.away, agent) end
  local open = {}
  for _, id in ipairs(mine) do table.insert(open, snapshot(id)) end
  return cjson.encode({ status = 'refused', reason = 'has-open', open = open })
end
redis.call('SREM', KEY.onDuty, agent)
local requeued = {}
for _, id in ipairs(mine) do
  requeue(id)
  table.insert(requeued, snapshot(id))
end
refresh_agent(agent)
return cjson.encode({ status = 'off-duty', requeued = requeued, assigned = drain_queue() })
