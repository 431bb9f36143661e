--[[
  The queue moved up: which waiting customers to tell their new place. A customer hears again once
  their place improved by `step` and by half of the last place they were told (so a long wait
  brings a few messages, not one per place), and when they are next.
  KEYS[1] unassigned       the queue: conversations waiting for an agent, by place
  ARGV[1] key prefix (every script)
  ARGV[2] step             the least improvement worth a message
  ARGV[3] window           how many places from the front to look at: a long queue is not walked
                           whole on every assignment; with the halving rule, a customer further back
                           hears once within the window
  Returns: { places } (queuePlacesResult in results.ts): each { conversation, position }
  Invariant: a told place is noted here, so a crash before the notice goes out loses that notice
    and never repeats it.
]]
--- @include "snapshot"

local step, window = tonumber(ARGV[2]), tonumber(ARGV[3])
local places = {}
for position, id in ipairs(redis.call('ZRANGE', KEY.unassigned, 0, window - 1)) do
  local key = KEY.conversation(id)
  local told = tonumber(redis.call('HGET', key, 'toldPosition')) or 0
  if told > position and (position == 1 or told - position >= math.max(step, math.ceil(told / 2))) then
    redis.call('HSET', key, 'toldPosition', position)
    table.insert(places, { conversation = snapshot(id), position = position })
  end
end
return cjson.encode({ places = places })
