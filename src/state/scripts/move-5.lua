--[[
  /take, /transfer, /assign. take: an on-duty agent takes a queued conversation (the oldest when no
  code is given). transfer: the holder (or a supervisor) hands it to an on-duty colleague. assign:
  a supervisor hands any conversation to an on-duty agent. The queue then moves up.
  KEYS[1] unassigned       the queue: conversations waiting for an agent, by place
  KEYS[2] onDuty           agents on duty
  KEYS[3] away             agents on duty but away
  KEYS[4] available        agents who can be given a conversation, in routing order
  KEYS[5] assignSequence   the counter of assignments (round robin among equals)
  ARGV[1] key prefix (every script)
  ARGV[2] mode             'take', 'transfer' or 'assign'
  ARGV[3] actorId          who moves it
  ARGV[4] code             the conversation, '' for the oldest queued one (take)
  ARGV[5] targetId         who gets it
  ARGV[6] oversees         '1' for a supervisor or manager
  Returns: { status = 'moved', conversation, from?, assigned }, or { status = 'refused', reason,
    code? | conversation? | targetId? } (moveResult in results.ts)
  Invariant: a refusal changes nothing; a conversation only goes to an agent on duty and not away.
]]
--- @include "resolve-code"
--- @include "snapshot"
--- @include "refuse-unless-holder"
--- @include "assign"
--- @include "drain-queue"

local mode, actor_id, code, target_id, oversees = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6] == '1'
local function refuse(reason, details)
  local refusal = details or {}
  refusal.status, refusal.reason = 'refused', reason
  return cjson.encode(refusal)
end
local id
if code == '' then
  id = redis.call('ZRANGE', KEY.unassigned, 0, 0)[1]
  if not id then return refuse('queue-empty') end
else
  id = resolve_code(code)
  if not id then return refuse('unknown-code', { code = code }) end
end
local conv = snapshot(id)
if mode == 'take' and conv.status ~= 'queued' and not oversees then
  if conv.agentId == actor_id then return refuse('same-agent', { conversation = conv }) end
  return refuse('not-queued', { conversation = conv })
end
if mode == 'transfer' then
  local refusal = refuse_unless_holder(conv, actor_id, oversees)
  if refusal then return refusal end
end
if conv.agentId == target_id then return refuse('same-agent', { conversation = conv }) end
if redis.call('SISMEMBER', KEY.onDuty, target_id) == 0 then
  return refuse('target-off-duty', { targetId = target_id })
end
if redis.call('SISMEMBER', KEY.away, target_id) == 1 then
  return refuse('target-away', { targetId = target_id })
end
local from = conv.agentId
assign(id, target_id)
local moved = snapshot(id)
local result = { status = 'moved', conversation = moved, assigned = drain_queue() }
if from ~= '' then result.from = from end
return cjson.encode(result)
