--[[
  A customer's live state is forgotten (PIPL erasure, docs/privacy.md): their survey, their flood
  counter, the hashes and pending lists of their closed conversations still kept, and their name as
  a watched room's last customer. Never while they have an open conversation (close it first) or
  wait for an answer in a watched room (answer them first). From WeChat it takes two steps: `ask`
  notes who asked, for askTtlSeconds, and `confirm` by the one who asked last, within that time, erases.
  KEYS[1] groups           every watched room seen so far
  KEYS[2] groupsWaiting    rooms where a customer is waiting
  ARGV[1] key prefix (every script)
  ARGV[2] customerId
  ARGV[3] mode             'ask', 'confirm' (erase if askedBy asked in time), or 'now' (the CLI,
                           whose --confirm is the confirmation)
  ARGV[4] askedBy          the staff id or operator asking
  ARGV[5] askTtlSeconds    how long a confirmation may come after asking
  ARGV[6] conversationIds  JSON array: the customer's conversations the transcript store knows
  Returns: { status = 'asked' }, { status = 'unconfirmed' }, { status = 'erased', keys },
    or { status = 'refused', reason = 'open' | 'waiting-in-group', code } (forgetCustomerResult in
    results.ts; `code` names the conversation or the room)
  Invariant: an open conversation or a group wait is never erased; a refusal or an unconfirmed erase
    changes nothing;
    only hashes whose customerId is this customer's are removed, and no request is left behind.
]]
--- @include "snapshot"
--- @include "hash-of"

local customer_id, mode, asked_by, ttl = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local ids = cjson.decode(ARGV[6])
local open = redis.call('GET', KEY.openConversationOf(customer_id))
if open then
  local conv = snapshot(open)
  return cjson.encode({ status = 'refused', reason = 'open', code = conv and conv.code or '' })
end
for _, room_id in ipairs(redis.call('SMEMBERS', KEY.groupsWaiting)) do
  if redis.call('ZSCORE', KEY.groupWaiters(room_id), customer_id) then
    local room = hash_of(KEY.group(room_id))
    return cjson.encode({ status = 'refused', reason = 'waiting-in-group', code = room and room.code or '' })
  end
end
local asked = KEY.eraseAsked(customer_id)
if mode == 'ask' then
  redis.call('SET', asked, asked_by, 'EX', ttl)
  return cjson.encode({ status = 'asked' })
end
if mode == 'confirm' and redis.call('GET', asked) ~= asked_by then
  return cjson.encode({ status = 'unconfirmed' })
end
redis.call('DEL', asked)
local removed = redis.call('DEL', KEY.survey(customer_id), KEY.recentFrom(customer_id))
for _, id in ipairs(ids) do
  if redis.call('HGET', KEY.conversation(id), 'customerId') == customer_id then
    removed = removed + redis.call('DEL', KEY.conversation(id), KEY.pending(id))
  end
end
-- A room shows its last customer's name (relays @-mention them): not this customer's any more.
for _, room_id in ipairs(redis.call('SMEMBERS', KEY.groups)) do
  if redis.call('HGET', KEY.group(room_id), 'lastCustomerId') == customer_id then
    redis.call('HDEL', KEY.group(room_id), 'lastCustomerId', 'lastCustomerName', 'lastCustomerAt')
    removed = removed + 1
  end
end
return cjson.encode({ status = 'erased', keys = removed })
