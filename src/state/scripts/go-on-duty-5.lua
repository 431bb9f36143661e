--[[
  /on: an agent comes on duty, or back from away, with their cap and skills; queued conversations
  go to them (and to colleagues) as far as there is room. Coming back from away returns the agent's
  conversations (`mine`), whose held messages are now due.
  KEYS[1] unassigned       the queue: conversations waiting for an agent, by place
  KEYS[2] onDuty           agents on duty
  KEYS[3] away             agents on duty but away
  KEYS[4] available        agents who can be given a conversation, in routing order
  KEYS[5] assignSequence   the counter of assignments (round robin among equals)
  ARGV[1] key prefix (every script)
  ARGV[2] agentId
  ARGV[3] cap              how many conversations the agent holds at most
  ARGV[4] skills           the categories the agent takes, comma-separated; '' for every one
  Returns: { status = 'on-duty', wasAway, mine, assigned } (goOnDutyResult in results.ts)
  Invariant: an agent on duty and not away is in KEY.available, scored by their load.
]]
--- @include "refresh-agent"
--- @include "drain-queue"
--- @include "snapshot"

local agent, cap, skills = ARGV[2], tonumber(ARGV[3]), ARGV[4]
local was_away = redis.call('SREM', KEY.away, agent) == 1
redis.call('HDEL', KEY.agent(agent), 'awayUntil', 'awayReason')
redis.call('SADD', KEY.onDuty, agent)
redis.call('HSET', KEY.agent(agent), 'cap', cap, 'skills', skills)
refresh_agent(agent)
local assigned = drain_queue()
local mine = {}
if was_away then
  for _, id in ipairs(redis.call('SMEMBERS', KEY.agentConversations(agent))) do
    table.insert(mine, snapshot(id))
  end
end
return cjson.encode({ status = 'on-duty', wasAway = was_away, mine = mine, assigned = assigned })
