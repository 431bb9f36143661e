--[[
  A reply a staff member asked the bot to post in a room (`G7 …`) holds a forbidden phrase: it is
  kept for them instead of posted (one kept reply per staff member, 1:1 or group: the newest wins),
  until a corrected reply or `/force`.
  ARGV[1] key prefix (every script)
  ARGV[2] messageId        the staff member's message: the outcome is remembered under it
  ARGV[3] staffId
  ARGV[4] held (JSON)      { roomId, code, text, phrase }
  ARGV[5] seenTtlSeconds   how long the outcome and the kept reply last
  Returns: { status = 'held', replayed } (groupHoldResult in results.ts)
  Invariant: a message seen before changes nothing.
]]
--- @include "remember"

local message_id, staff_id, held, ttl = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local replayed = replay(message_id)
if replayed then return replayed end
redis.call('SET', KEY.heldReply(staff_id), held, 'EX', ttl)
return remember(message_id, ttl, { status = 'held' })
