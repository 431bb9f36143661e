-- A conversation as its hash holds it (field to value), or nil once it is gone.
local function snapshot(id)
  local flat = redis.call('HGETALL', KEY.conversation(id))
  if #flat == 0 then return nil end
  local conv = {}
  for i = 1, #flat, 2 do conv[flat[i]] = flat[i + 1] end
  return conv
end
