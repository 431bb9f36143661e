--- @include "pick-agent"
--- @include "assign"
--- @include "snapshot"

-- Hands queued conversations, in queue order, to skilled agents with room. A conversation nobody
-- skilled can take keeps its place while those behind it go on; once nobody has room at all, the
-- walk stops. One queue entry is read at a time: a long queue costs only what is assigned.
local function drain_queue()
  local assigned = {}
  local skipped = 0
  while true do
    local id = redis.call('ZRANGE', KEY.unassigned, skipped, skipped)[1]
    if not id then break end
    local agent = pick_agent(nil, redis.call('HGET', KEY.conversation(id), 'category'))
    if agent then
      assign(id, agent)
      table.insert(assigned, { conversation = snapshot(id), agentId = agent })
    elseif pick_agent(nil, nil) then
      skipped = skipped + 1
    else
      break
    end
  end
  return assigned
end
