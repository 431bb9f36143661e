--[[
  Login: uses up a one-time link and opens a console session for its staff member. The link is
  taken whether or not it still works, so it can never be used twice.
  KEYS[1] account          the account's anchor: routes the script to the account's slot
  ARGV[1] key prefix (every script)
  ARGV[2] linkHash      SHA-256 (hex) of the link's token
  ARGV[3] sessionHash   SHA-256 (hex) of the new session's token
  ARGV[4] csrf          the session's CSRF token
  ARGV[5] at            now (ms)
  ARGV[6] ttlMs         how long the session lasts
  Returns: { status = 'opened', staffId, expiresAt } or { status = 'refused' } for a link unknown,
    used or expired (openConsoleSessionResult in results.ts)
  Invariant: one link opens at most one session; a staff member's session set names every session
    of theirs that still exists.
]]

local link_hash, session_hash, csrf = ARGV[2], ARGV[3], ARGV[4]
local at, ttl = tonumber(ARGV[5]), tonumber(ARGV[6])
local stored = redis.call('GET', KEY.consoleLink(link_hash))
if not stored then return cjson.encode({ status = 'refused' }) end
redis.call('DEL', KEY.consoleLink(link_hash))
local link = cjson.decode(stored)
if at >= link.expiresAt then return cjson.encode({ status = 'refused' }) end

local expires_at = at + ttl
local session = KEY.consoleSession(session_hash)
redis.call('HSET', session, 'staffId', link.staffId, 'csrf', csrf, 'openedAt', at, 'expiresAt', expires_at)
redis.call('PEXPIRE', session, ttl)
local sessions = KEY.consoleSessionsOf(link.staffId)
-- Sessions that expired on their own leave their names behind: dropped here, so the set stays small.
for _, earlier in ipairs(redis.call('SMEMBERS', sessions)) do
  if redis.call('EXISTS', KEY.consoleSession(earlier)) == 0 then redis.call('SREM', sessions, earlier) end
end
redis.call('SADD', sessions, session_hash)
if redis.call('PTTL', sessions) < ttl then redis.call('PEXPIRE', sessions, ttl) end
return cjson.encode({ status = 'opened', staffId = link.staffId, expiresAt = expires_at })
