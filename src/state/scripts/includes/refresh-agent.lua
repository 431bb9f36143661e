--- @include "load-unit"

-- Brings one agent's entry in KEY.available in line with the duty, away and conversation sets.
-- Called after every change to those, so routing reads one sorted set instead of every agent.
local function refresh_agent(agent)
  if not agent or agent == '' then return end
  if redis.call('SISMEMBER', KEY.onDuty, agent) == 1 and redis.call('SISMEMBER', KEY.away, agent) == 0 then
    local seq = tonumber(redis.call('HGET', KEY.agent(agent), 'lastAssigned')) or 0
    local load = redis.call('SCARD', KEY.agentConversations(agent))
    redis.call('ZADD', KEY.available, load * LOAD_UNIT + seq, agent)
  else
    redis.call('ZREM', KEY.available, agent)
  end
end
