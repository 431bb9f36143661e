--[[
  Logout: ends one console session.
  KEYS[1] account          the account's anchor: routes the script to the account's slot
  ARGV[1] key prefix (every script)
  ARGV[2] sessionHash   SHA-256 (hex) of the session's token
  Returns: { status = 'ended' } or { status = 'none' } when there was no such session
    (endConsoleSessionResult in results.ts)
  Invariant: the session and its name in its staff member's set go together.
]]

local session_hash = ARGV[2]
local session = KEY.consoleSession(session_hash)
local staff_id = redis.call('HGET', session, 'staffId')
if not staff_id then return cjson.encode({ status = 'none' }) end
redis.call('DEL', session)
redis.call('SREM', KEY.consoleSessionsOf(staff_id), session_hash)
return cjson.encode({ status = 'ended' })
