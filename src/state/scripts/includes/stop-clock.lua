-- Stops the reply clock; returns what the armed timer was, so the caller can remove its job.
local function stop_clock(id)
  local key = KEY.conversation(id)
  local fields = redis.call('HMGET', key, 'waitingSince', 'version', 'ladderStep')
  local waiting = (tonumber(fields[1]) or 0) > 0
  local stop = { wasWaiting = waiting, waitingSince = tonumber(fields[1]) or 0,
    previousVersion = tonumber(fields[2]) or 0, previousStep = tonumber(fields[3]) or 0 }
  if waiting then
    redis.call('HSET', key, 'waitingSince', 0, 'ladderStep', 0)
    redis.call('HINCRBY', key, 'version', 1)
  end
  return stop
end
