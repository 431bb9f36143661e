--[[
  A clean stop gives the instance lock back at once, so the next bot need not wait for it to
  expire; compare-and-delete, as another process may hold it by now.
  KEYS[1] instanceLock     the holder, as JSON { host, pid, since, token }
  ARGV[1] key prefix (every script)
  ARGV[2] token            this process's random token
  Returns: { released } (releaseLockResult in results.ts): false when the lock was not this
    process's (expired, or taken by another) and was left as it was
  Invariant: only the process whose token the lock holds removes it.
]]

--- @include "lock-token"

local current = redis.call('GET', KEY.instanceLock)
if current and lock_token(current) == ARGV[2] then
  redis.call('DEL', KEY.instanceLock)
  return cjson.encode({ released = true })
end
return cjson.encode({ released = false })
