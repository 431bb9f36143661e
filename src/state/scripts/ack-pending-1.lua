--[[
  Pending messages up to and including messageId have been handed to the outbox: they are
  forgotten.
  KEYS[1] account          the account's anchor: routes the script to the account's slot
  ARGV[1] key prefix (every script)
  ARGV[2] conversationId
  ARGV[3] messageId        the newest message handed on
  Returns: { dropped } (ackPendingResult in results.ts): how many were forgotten
  Invariant: an acknowledgement given twice, or for a message no longer pending, drops nothing more.
]]

local id, message_id = ARGV[2], ARGV[3]
local entries = redis.call('LRANGE', KEY.pending(id), 0, -1)
for index, entry in ipairs(entries) do
  if cjson.decode(entry).id == message_id then
    redis.call('LTRIM', KEY.pending(id), index, -1)
    return cjson.encode({ dropped = index })
  end
end
return cjson.encode({ dropped = 0 })
