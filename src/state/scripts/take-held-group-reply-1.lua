--[[
  `/force`: takes the reply kept for a staff member when it was meant for a room, so it is posted
  after all. A reply kept for a 1:1 conversation is left for reply-1.lua.
  KEYS[1] account          the account's anchor: routes the script to the account's slot
  ARGV[1] key prefix (every script)
  ARGV[2] messageId        the `/force` message: the outcome is remembered under it
  ARGV[3] staffId
  ARGV[4] seenTtlSeconds   how long the outcome is remembered
  Returns: { status = 'taken', replayed, held = { roomId, code, text, phrase } } or
    { status = 'none', replayed } (takeHeldGroupReplyResult in results.ts)
  Invariant: a kept reply is taken once; a second delivery of `/force` gets the same one again.
]]
--- @include "remember"

local message_id, staff_id, ttl = ARGV[2], ARGV[3], tonumber(ARGV[4])
local replayed = replay(message_id)
if replayed then return replayed end
local kept = redis.call('GET', KEY.heldReply(staff_id))
local held = kept and cjson.decode(kept)
if not held or not held.roomId then return remember(message_id, ttl, { status = 'none' }) end
redis.call('DEL', KEY.heldReply(staff_id))
return remember(message_id, ttl, { status = 'taken', held = held })
