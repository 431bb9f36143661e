--[[
  A conversation is finished. Frees the code and the customer for a new conversation, and the
  agent's room for the queue, which moves up at once. With a survey, the customer's next message
  may rate this conversation for surveySeconds.
  KEYS[1] open             every open conversation's id
  KEYS[2] unassigned       the queue: conversations waiting for an agent, by place
  KEYS[3] onDuty           agents on duty
  KEYS[4] away             agents on duty but away
  KEYS[5] available        agents who can be given a conversation, in routing order
  KEYS[6] assignSequence   the counter of assignments (round robin among equals)
  ARGV[1] key prefix (every script)
  ARGV[2] staffId
  ARGV[3] code             the conversation to close
  ARGV[4] at               when it closed (epoch ms)
  ARGV[5] oversees         '1' for a supervisor or manager, who may close any conversation
  ARGV[6] closedTtlSeconds how long the closed conversation stays readable
  ARGV[7] surveySeconds    how long its rating may come (0: no survey)
  Returns: { status = 'closed', conversation, assigned, wasWaiting, waitingSince, previousVersion,
    previousStep }, or { status = 'refused', reason, code? | conversation? } (closeResult in results.ts)
  Invariant: a refusal changes nothing; a closed conversation is in no set of open ones.
]]
--- @include "resolve-code"
--- @include "snapshot"
--- @include "refuse-unless-holder"
--- @include "stop-clock"
--- @include "refresh-agent"
--- @include "bump"
--- @include "drain-queue"

local staff_id, code, at, oversees, ttl = ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5] == '1', tonumber(ARGV[6])
local survey_seconds = tonumber(ARGV[7]) or 0
local id = resolve_code(code)
if not id then return cjson.encode({ status = 'refused', reason = 'unknown-code', code = code }) end
local conv = snapshot(id)
local refusal = refuse_unless_holder(conv, staff_id, oversees)
if refusal then return refusal end
local stop = stop_clock(id)
local key = KEY.conversation(id)
redis.call('DEL', KEY.codeOwner(code), KEY.openConversationOf(conv.customerId), KEY.pending(id))
redis.call('SREM', KEY.open, id)
redis.call('ZREM', KEY.unassigned, id)
if conv.agentId ~= '' then redis.call('SREM', KEY.agentConversations(conv.agentId), id) end
refresh_agent(conv.agentId)
redis.call('HSET', key, 'status', 'closed', 'closedAt', at)
bump(id)
redis.call('EXPIRE', key, ttl)
if survey_seconds > 0 then
  redis.call('SET', KEY.survey(conv.customerId), id, 'EX', math.min(survey_seconds, ttl))
end
local closed = snapshot(id)
return cjson.encode({ status = 'closed', conversation = closed, assigned = drain_queue(),
  wasWaiting = stop.wasWaiting, waitingSince = stop.waitingSince, previousVersion = stop.previousVersion,
  previousStep = stop.previousStep })
