--[[
  A customer's message in a watched room. Makes the room known (with its code) the first time;
  a message that waits for an answer starts the customer's waiting period in the room when they
  had none (its deadlines fixed now, as in 1:1) or joins it; an exempt one (thanks, a sticker, talk
  between customers) only notes the room's last customer.
  KEYS[1] groups             every watched room seen so far
  KEYS[2] groupsWaiting      rooms where a customer is waiting
  KEYS[3] groupCodeSequence  the counter room codes are made from
  ARGV[1] key prefix (every script)
  ARGV[2] messageId        the WeChat message id: the outcome is remembered under it
  ARGV[3] roomId
  ARGV[4] topic            the room's name as WeChat shows it now
  ARGV[5] customerId
  ARGV[6] customerName
  ARGV[7] text             the start of the text, as a preview
  ARGV[8] at               when the message arrived (epoch ms)
  ARGV[9] waits            '1': the message waits for an answer
  ARGV[10] deadlines       when each ladder step falls due should the waiting start now (comma-separated ms)
  ARGV[11] overdueAt       when this message itself becomes overdue (ms)
  ARGV[12] seenTtlSeconds  how long the outcome is remembered
  ARGV[13] maxMessages     how many messages of one waiting period are kept one by one
  Returns: { status = 'taken', replayed, room, wait?, clockStarted, clockVersion? } (groupIngestResult
    in results.ts)
  Invariant: a message seen before changes nothing and replays its outcome; a customer has at most
    one waiting period per room, and its first message fixes its deadlines.
]]
--- @include "remember"
--- @include "hash-of"
--- @include "group-room"

local message_id, room_id, topic, customer_id, customer_name, text, at =
  ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], tonumber(ARGV[8])
local waits, deadlines, overdue_at, ttl, max_messages =
  ARGV[9] == '1', ARGV[10], tonumber(ARGV[11]), tonumber(ARGV[12]), tonumber(ARGV[13])
local replayed = replay(message_id)
if replayed then return replayed end

local room_key = ensure_room(room_id, topic)
redis.call('HSET', room_key, 'lastCustomerId', customer_id, 'lastCustomerName', customer_name,
  'lastCustomerAt', at)
local clock_started, clock_version = false, nil
local wait_key = KEY.groupWait(room_id, customer_id)
if waits then
  if redis.call('EXISTS', wait_key) == 0 then
    -- The room's clock counter numbers every waiting period in it: a timer set for an earlier
    -- period of the same customer never matches a later one.
    clock_version = redis.call('HINCRBY', room_key, 'clock', 1)
    redis.call('HSET', wait_key, 'roomId', room_id, 'customerId', customer_id, 'since', at,
      'version', clock_version, 'ladderStep', 0, 'deadlines', deadlines, 'messages', '[]',
      'count', 0, 'counted', 0)
    redis.call('ZADD', KEY.groupWaiters(room_id), at, customer_id)
    redis.call('SADD', KEY.groupsWaiting, room_id)
    clock_started = true
  end
  local messages = cjson.decode(redis.call('HGET', wait_key, 'messages'))
  if #messages < max_messages then
    table.insert(messages, { message_id, at, overdue_at })
    redis.call('HSET', wait_key, 'messages', cjson.encode(messages))
  end
  redis.call('HINCRBY', wait_key, 'count', 1)
  redis.call('HSET', wait_key, 'customerName', customer_name, 'lastText', text, 'lastAt', at)
end
redis.call('HINCRBY', room_key, 'rev', 1)
return remember(message_id, ttl, { status = 'taken', room = hash_of(room_key), wait = hash_of(wait_key),
  clockStarted = clock_started, clockVersion = clock_version })
