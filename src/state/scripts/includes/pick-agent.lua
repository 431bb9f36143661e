--- @include "load-unit"
--- @include "covers"

-- Least-loaded available agent below its cap and skilled for the category; ties go to the one
-- assigned longest ago. The walk is in preference order, so it usually stops at the first agent.
local function pick_agent(exclude, category)
  local from, batch_size = 0, 16
  while true do
    local batch = redis.call('ZRANGE', KEY.available, from, from + batch_size - 1, 'WITHSCORES')
    if #batch == 0 then return nil end
    for i = 1, #batch, 2 do
      local agent = batch[i]
      if agent ~= exclude then
        local load = math.floor(tonumber(batch[i + 1]) / LOAD_UNIT)
        local fields = redis.call('HMGET', KEY.agent(agent), 'cap', 'skills')
        if load < (tonumber(fields[1]) or 0) and covers(fields[2], category) then return agent end
      end
    end
    from = from + batch_size
  end
end
