--[[
  A staff member answers a customer: stops the reply clock, notes the first response, and focuses
  the staff member on the conversation. Plain text goes to the staff member's only open
  conversation, or to the one they last addressed by code when no other customer of theirs has
  written since; anything else is ambiguous. An answer that came after a step fell due, but is
  handled before that step's timer (after an outage, or behind a backlog), still counts as late: the
  steps it missed are returned as lateSteps and the overdue count is kept, so no breach goes
  unrecorded. hold: a reply with a forbidden phrase is kept for the staff member (one at a time)
  instead of answering, and nothing else changes. force: the kept reply is sent after all, to the
  conversation it was meant for. A reply that is sent drops a kept one for the same conversation
  (it was corrected).
  KEYS[1] account          the account's anchor: routes the script to the account's slot
  ARGV[1] key prefix (every script)
  ARGV[2] messageId        the WeChat message id: the outcome is remembered under it
  ARGV[3] staffId
  ARGV[4] code             the conversation addressed, '' for plain text
  ARGV[5] at               when the answer arrived (epoch ms)
  ARGV[6] oversees         '1' for a supervisor or manager, who may answer any conversation
  ARGV[7] seenTtlSeconds   how long the outcome (and a held reply) is kept
  ARGV[8] overdueStep      the escalation step (0-based) that counts as overdue
  ARGV[9] mode             'send', 'hold' or 'force'
  ARGV[10] held            for hold: the reply to keep (JSON { text, phrase })
  Returns: { status = 'answered', replayed, conversation, lateSteps, forced?, wasWaiting, waitingSince,
    previousVersion, previousStep }, { status = 'held', replayed, conversation },
    { status = 'refused', replayed, reason, code? | codes? | conversation? }, or { status = 'gone' }
    (replyResult in results.ts)
  Invariant: a message seen before changes nothing and replays its outcome, refusals included, so a
    second delivery of an answer cannot stop a later waiting period's clock.
]]
--- @include "remember"
--- @include "snapshot"
--- @include "resolve-code"
--- @include "stop-clock"
--- @include "bump"

local message_id, staff_id, code, at, oversees, ttl, overdue_step =
  ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), ARGV[6] == '1', tonumber(ARGV[7]), tonumber(ARGV[8])
local mode, held_json = ARGV[9], ARGV[10]
local replayed = replay(message_id)
if replayed then return replayed end
local function refuse(reason, details)
  local refusal = details or {}
  refusal.status, refusal.reason = 'refused', reason
  return remember(message_id, ttl, refusal)
end
local id
local forced
if mode == 'force' then
  local kept = redis.call('GET', KEY.heldReply(staff_id))
  if not kept then return refuse('nothing-held') end
  forced = cjson.decode(kept)
  -- A reply kept for a room is posted by take-held-group-reply-1.lua, not here.
  if not forced.conversationId then return refuse('nothing-held') end
  id = forced.conversationId
  local status = redis.call('HGET', KEY.conversation(id), 'status')
  if not status or status == 'closed' then
    redis.call('DEL', KEY.heldReply(staff_id))
    return refuse('unknown-code', { code = forced.code })
  end
elseif code ~= '' then
  id = resolve_code(code)
  if not id then return refuse('unknown-code', { code = code }) end
else
  local mine = redis.call('SMEMBERS', KEY.agentConversations(staff_id))
  if #mine == 0 then return refuse('no-conversation') end
  if #mine == 1 then
    id = mine[1]
  else
    local focus = redis.call('HMGET', KEY.agent(staff_id), 'focus', 'focusAt')
    local focus_at = tonumber(focus[2]) or 0
    local focus_is_mine, others_quiet = false, true
    local codes = {}
    for _, other in ipairs(mine) do
      local fields = redis.call('HMGET', KEY.conversation(other), 'code', 'lastCustomerAt')
      table.insert(codes, fields[1])
      if other == focus[1] then
        focus_is_mine = true
      elseif (tonumber(fields[2]) or 0) > focus_at then
        others_quiet = false
      end
    end
    if not (focus_is_mine and others_quiet) then
      table.sort(codes)
      return refuse('ambiguous', { codes = codes })
    end
    id = focus[1]
  end
end
local conv = snapshot(id)
if not oversees and conv.agentId ~= staff_id then
  return refuse('not-yours', { conversation = conv })
end
if mode == 'hold' then
  local held = cjson.decode(held_json)
  held.conversationId, held.code = id, conv.code
  redis.call('SET', KEY.heldReply(staff_id), cjson.encode(held), 'EX', ttl)
  return remember(message_id, ttl, { status = 'held', conversation = conv })
end
local kept = redis.call('GET', KEY.heldReply(staff_id))
if kept and cjson.decode(kept).conversationId == id then redis.call('DEL', KEY.heldReply(staff_id)) end
local stop = stop_clock(id)
local key = KEY.conversation(id)
local late_steps = {}
if stop.wasWaiting then
  local step = 0
  for due in string.gmatch(conv.deadlines or '', '%d+') do
    if step >= stop.previousStep and at >= tonumber(due) then
      table.insert(late_steps, step)
      if step == overdue_step then redis.call('HINCRBY', key, 'overdueCount', 1) end
    end
    step = step + 1
  end
end
if (tonumber(redis.call('HGET', key, 'firstResponseAt')) or 0) == 0 then
  redis.call('HSET', key, 'firstResponseAt', at, 'firstResponderId', staff_id)
end
redis.call('HSET', key, 'lastStaffAt', at)
bump(id)
redis.call('HSET', KEY.agent(staff_id), 'focus', id, 'focusAt', at)
return remember(message_id, ttl, { status = 'answered', conversation = snapshot(id), lateSteps = late_steps,
  forced = forced and { text = forced.text, phrase = forced.phrase }, wasWaiting = stop.wasWaiting,
  waitingSince = stop.waitingSince, previousVersion = stop.previousVersion, previousStep = stop.previousStep })
