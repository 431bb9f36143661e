--- @include "queue-score"
--- @include "refresh-agent"
--- @include "bump"

-- Back to the queue, keeping its place.
local function requeue(id)
  local key = KEY.conversation(id)
  local previous = redis.call('HGET', key, 'agentId')
  if previous and previous ~= '' then redis.call('SREM', KEY.agentConversations(previous), id) end
  redis.call('HSET', key, 'status', 'queued', 'agentId', '')
  local fields = redis.call('HMGET', key, 'queueScore', 'openedAt')
  redis.call('ZADD', KEY.unassigned, tonumber(fields[1]) or queue_score(tonumber(fields[2]) or 0, false), id)
  refresh_agent(previous)
  bump(id)
end
