--[[
  One bot per prefix: takes the instance lock when it is free, renews it when this process holds
  it, and names the holder when another process does. Start-up claims it once; the heartbeat
  claims it again every third of the TTL.
  KEYS[1] instanceLock     the holder, as JSON { host, pid, since, token }
  ARGV[1] key prefix (every script)
  ARGV[2] token            this process's random token
  ARGV[3] holderJson       this process as the lock's value (its token is ARGV[2])
  ARGV[4] ttlMs            how long the lock lasts without another claim
  Returns: { status = 'taken' | 'renewed' | 'held', holder, ttlMs } (claimLockResult in results.ts):
    for 'held', the holder's JSON and how long its lock has left (-1: it never expires)
  Invariant: a lock held by another token is never changed; a free one is taken whole (value and
    TTL in one SET), so a crash between two steps cannot leave a lock that never expires.
]]

--- @include "lock-token"

local token, holder_json, ttl = ARGV[2], ARGV[3], ARGV[4]
local current = redis.call('GET', KEY.instanceLock)
if not current then
  redis.call('SET', KEY.instanceLock, holder_json, 'PX', ttl)
  return cjson.encode({ status = 'taken' })
end
if lock_token(current) == token then
  redis.call('PEXPIRE', KEY.instanceLock, ttl)
  return cjson.encode({ status = 'renewed' })
end
return cjson.encode({ status = 'held', holder = current, ttlMs = redis.call('PTTL', KEY.instanceLock) })
