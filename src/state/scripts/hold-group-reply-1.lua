--[[
  A reply a staff member asked the bot to post in a room (`G7 …`) holds a forbidden phrase: it is
  kept for them instead of posted (one kept reply per staff member, 1:1 or group: the newest wins),
  until a corrected reply or `/force`. The room's revision goes up, so the record of the hold
  follows what came before it.
  KEYS[1] account          the account's anchor: routes the script to the account's slot
  ARGV[1] key prefix (every script)
  ARGV[2] messageId        the staff member's message: the outcome is remembered under it
  ARGV[3] staffId
  ARGV[4] held (JSON)      { roomId, code, text, phrase }
  ARGV[5] seenTtlSeconds   how long the outcome and the kept reply last
  ARGV[6] roomId
  Returns: { status = 'held', replayed, room } (groupHoldResult in results.ts)
  Invariant: a message seen before changes nothing.
]]
--- @include "remember"
--- @include "hash-of"

local message_id, staff_id, held, ttl, room_id = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), ARGV[6]
local replayed = replay(message_id)
if replayed then return replayed end
redis.call('SET', KEY.heldReply(staff_id), held, 'EX', ttl)
redis.call('HINCRBY', KEY.group(room_id), 'rev', 1)
return remember(message_id, ttl, { status = 'held', room = hash_of(KEY.group(room_id)) })
