--[[
  A staff member left the staff list: every console session of theirs ends at once.
  KEYS[1] account          the account's anchor: routes the script to the account's slot
  ARGV[1] key prefix (every script)
  ARGV[2] staffId
  Returns: { status = 'ended', count } (endConsoleSessionsOfResult in results.ts): how many ended
  Invariant: afterwards the staff member has no session.
]]

local sessions = KEY.consoleSessionsOf(ARGV[2])
local count = 0
for _, session_hash in ipairs(redis.call('SMEMBERS', sessions)) do
  count = count + redis.call('DEL', KEY.consoleSession(session_hash))
end
redis.call('DEL', sessions)
return cjson.encode({ status = 'ended', count = count })
