--- @include "refresh-agent"
--- @include "bump"

-- Gives a conversation to an agent, taking it from its previous one (or the queue).
local function assign(id, agent)
  local key = KEY.conversation(id)
  local previous = redis.call('HGET', key, 'agentId')
  if previous and previous ~= '' then redis.call('SREM', KEY.agentConversations(previous), id) end
  redis.call('SADD', KEY.agentConversations(agent), id)
  redis.call('ZREM', KEY.unassigned, id)
  redis.call('HSET', key, 'status', 'assigned', 'agentId', agent)
  redis.call('HSET', KEY.agent(agent), 'lastAssigned', redis.call('INCR', KEY.assignSequence))
  refresh_agent(previous)
  refresh_agent(agent)
  bump(id)
end
