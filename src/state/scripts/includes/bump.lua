-- Every change to a conversation raises its revision: the stores keep the newest summary they see.
local function bump(id)
  redis.call('HINCRBY', KEY.conversation(id), 'rev', 1)
end
