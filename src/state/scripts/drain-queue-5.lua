--[[
  At start-up: rebuilds the index of available agents (state left by a version without one, or
  edited by hand), then hands queued conversations to agents with room, in case a change was cut
  short.
  KEYS[1] unassigned       the queue: conversations waiting for an agent, by place
  KEYS[2] onDuty           agents on duty
  KEYS[3] away             agents on duty but away
  KEYS[4] available        agents who can be given a conversation, in routing order
  KEYS[5] assignSequence   the counter of assignments (round robin among equals)
  ARGV[1] key prefix (every script)
  Returns: { assigned } (drainResult in results.ts)
  Invariant: KEY.available holds exactly the agents on duty and not away; nobody with room is left
    idle while a conversation they can take waits.
]]
--- @include "refresh-agent"
--- @include "drain-queue"

redis.call('DEL', KEY.available)
for _, agent in ipairs(redis.call('SMEMBERS', KEY.onDuty)) do refresh_agent(agent) end
return cjson.encode({ assigned = drain_queue() })
