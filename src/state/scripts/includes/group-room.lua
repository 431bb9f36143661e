-- A watched room, created the first time a message there is taken: a code that stays the room's
-- for good (G1, G2…) and the room's hash. Returns the room's hash key.
local function ensure_room(room_id, topic)
  local key = KEY.group(room_id)
  if redis.call('EXISTS', key) == 0 then
    local code = 'G' .. redis.call('INCR', KEY.groupCodeSequence)
    redis.call('SET', KEY.groupCode(code), room_id)
    redis.call('HSET', key, 'id', room_id, 'code', code, 'topic', topic, 'rev', 0, 'clock', 0)
    redis.call('SADD', KEY.groups, room_id)
  elseif topic ~= '' then
    redis.call('HSET', key, 'topic', topic)
  end
  return key
end
