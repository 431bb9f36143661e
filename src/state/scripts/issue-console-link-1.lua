--[[
  `/console`: stores a one-time login link for a staff member (only the SHA-256 of its token), unless
  they have asked for too many within the rate window.
  KEYS[1] account          the account's anchor: routes the script to the account's slot
  ARGV[1] key prefix (every script)
  ARGV[2] linkHash     SHA-256 (hex) of the link's token
  ARGV[3] staffId
  ARGV[4] at           now (ms)
  ARGV[5] ttlMs        how long the link works
  ARGV[6] rateMax      links one staff member may ask for within…
  ARGV[7] ratePerMs    …this window
  Returns: { status = 'issued', expiresAt } or { status = 'rate-limited', retryInMs }
    (issueConsoleLinkResult in results.ts)
  Invariant: within any window of ratePerMs, at most rateMax links are issued to one staff member.
]]

local link_hash, staff_id = ARGV[2], ARGV[3]
local at, ttl, max, per = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local asked = KEY.consoleLinksOf(staff_id)
redis.call('ZREMRANGEBYSCORE', asked, '-inf', at - per)
if redis.call('ZCARD', asked) >= max then
  local oldest = redis.call('ZRANGE', asked, 0, 0, 'WITHSCORES')
  return cjson.encode({ status = 'rate-limited', retryInMs = math.max(1, tonumber(oldest[2]) + per - at) })
end
redis.call('ZADD', asked, at, link_hash)
redis.call('PEXPIRE', asked, per)
local expires_at = at + ttl
redis.call('SET', KEY.consoleLink(link_hash), cjson.encode({ staffId = staff_id, expiresAt = expires_at }), 'PX', ttl)
return cjson.encode({ status = 'issued', expiresAt = expires_at })
