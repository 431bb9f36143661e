--[[
  An alert waits to go out with others to the same recipient, as one digest. The recipient's
  pending digest is kept as "flush|dueAt". Says which digest's timer the caller must arm: a new
  digest's, one whose timer should have fired long ago (lost in a crash), or any when the alert was
  gathered before (a replay arms again to be safe); none when the pending digest's timer is armed
  already, the common case, which costs no second round trip.
  KEYS[1] alertSequence    the counter of digests
  ARGV[1] key prefix (every script)
  ARGV[2] recipient
  ARGV[3] alertId          what the alert is about: gathered once however often its cause is handled
  ARGV[4] alertJson        the alert as the digest sends it
  ARGV[5] ttlSeconds       how long the gathered alerts and their markers are kept
  ARGV[6] now              epoch ms
  ARGV[7] windowMs         how long a digest gathers before it goes out
  Returns: { arm } (gatherAlertResult in results.ts): the flush number to arm, 0 for none
  Invariant: an alert is gathered once; a recipient has at most one pending digest.
]]

local recipient, alert_id, alert_json, ttl = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local now, window = tonumber(ARGV[6]), tonumber(ARGV[7])
local function arm(flush)
  return cjson.encode({ arm = flush })
end
local fresh = redis.call('SET', KEY.alertSeen(alert_id), 1, 'NX', 'EX', ttl)
if fresh then redis.call('RPUSH', KEY.alerts(recipient), alert_json) end
local pending = redis.call('GET', KEY.alertFlush(recipient))
if pending then
  local flush, due = string.match(pending, '(%d+)|(%d+)')
  if not fresh or now > tonumber(due) + window then return arm(tonumber(flush)) end
  return arm(0)
end
if not fresh then return arm(0) end
local flush = redis.call('INCR', KEY.alertSequence)
redis.call('SET', KEY.alertFlush(recipient), flush .. '|' .. (now + window))
return arm(flush)
