--[[
  A service day ended, for one batch of open conversations (the caller walks them all in batches,
  so a sweep never holds Redis for long, and records the day as swept once every batch is done).
  Each conversation still open and opened before the end counts one more day unresolved.
  KEYS[1] account          the account's anchor: routes the script to the account's slot
  ARGV[1] key prefix (every script)
  ARGV[2] day              the service day that ended (YYYY-MM-DD)
  ARGV[3] endedAt          when it ended (epoch ms)
  ARGV[4…] the conversation ids of the batch
  Returns: { counted } (dayEndResult in results.ts): the batch's conversations still open at the end
  Invariant: a conversation counts once per day, however often (or late) the sweep runs.
]]
--- @include "bump"
--- @include "snapshot"

local day, ended_at = ARGV[2], tonumber(ARGV[3])
local counted = {}
for index = 4, #ARGV do
  local id = ARGV[index]
  local key = KEY.conversation(id)
  local fields = redis.call('HMGET', key, 'status', 'openedAt', 'lastDayEnd')
  -- closed meanwhile, or opened after the day ended (tomorrow's business): not counted
  if fields[1] and fields[1] ~= 'closed' and (tonumber(fields[2]) or 0) < ended_at then
    if fields[3] ~= day then
      redis.call('HSET', key, 'lastDayEnd', day)
      redis.call('HINCRBY', key, 'daysUnresolved', 1)
      bump(id)
    end
    table.insert(counted, snapshot(id))
  end
end
return cjson.encode({ counted = counted })
