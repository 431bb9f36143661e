--[[
  A digest goes out: it takes every alert gathered for the recipient. Later alerts start a new
  digest.
  KEYS[1] account          the account's anchor: routes the script to the account's slot
  ARGV[1] key prefix (every script)
  ARGV[2] recipient
  ARGV[3] flush            the digest's number
  ARGV[4] ttlSeconds       how long the taken alerts are kept for a retry
  Returns: { alerts } (takeAlertsResult in results.ts): the alerts' JSON, in the order gathered
  Invariant: the taken alerts are kept under the flush until they are sent, so the same digest is
    taken again after a crash.
]]

local recipient, flush, ttl = ARGV[2], ARGV[3], tonumber(ARGV[4])
local batch_key = KEY.alertBatch(recipient, flush)
local kept = redis.call('GET', batch_key)
if kept then return cjson.encode({ alerts = cjson.decode(kept) }) end
local taken = redis.call('LRANGE', KEY.alerts(recipient), 0, -1)
redis.call('DEL', KEY.alerts(recipient), KEY.alertFlush(recipient))
if #taken > 0 then redis.call('SET', batch_key, cjson.encode(taken), 'EX', ttl) end
return cjson.encode({ alerts = taken })
