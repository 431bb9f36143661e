--[[
  A customer's live state is forgotten (PIPL erasure, docs/privacy.md): their survey, their flood
  counter, and the hashes and pending lists of their closed conversations still kept. Never while
  they have an open conversation: that must be closed first. From WeChat it takes two steps: `ask`
  notes who asked, for askTtlSeconds, and `confirm` by the one who asked last, within that time, erases.
  ARGV[1] key prefix (every script)
  ARGV[2] customerId
  ARGV[3] mode             'ask', 'confirm' (erase if askedBy asked in time), or 'now' (the CLI,
                           whose --confirm is the confirmation)
  ARGV[4] askedBy          the staff id or operator asking
  ARGV[5] askTtlSeconds    how long a confirmation may come after asking
  ARGV[6] conversationIds  JSON array: the customer's conversations the transcript store knows
  Returns: { status = 'asked' }, { status = 'unconfirmed' }, { status = 'erased', keys },
    or { status = 'refused', reason = 'open', code } (forgetCustomerResult in results.ts)
  Invariant: an open conversation is never erased; a refusal or an unconfirmed erase changes nothing;
    only hashes whose customerId is this customer's are removed, and no request is left behind.
]]
--- @include "snapshot"

local customer_id, mode, asked_by, ttl = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local ids = cjson.decode(ARGV[6])
local open = redis.call('GET', KEY.openConversationOf(customer_id))
if open then
  local conv = snapshot(open)
  return cjson.encode({ status = 'refused', reason = 'open', code = conv and conv.code or '' })
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
return cjson.encode({ status = 'erased', keys = removed })
