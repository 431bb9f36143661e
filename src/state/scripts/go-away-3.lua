--[[
  /away: an agent on duty goes away (meal, break) until a given time: they get no new
  conversations and their customers' messages wait for them. Starts a new away period, whose number
  the away-limit timer carries; the customers waiting on the agent at this moment are returned to
  be told, once per away period.
  KEYS[1] onDuty           agents on duty
  KEYS[2] away             agents on duty but away
  KEYS[3] available        agents who can be given a conversation, in routing order
  ARGV[1] key prefix (every script)
  ARGV[2] agentId
  ARGV[3] until            when the agent said they would be back (epoch ms)
  ARGV[4] reason
  Returns: { status = 'away', awaySeq, waiting }, or { status = 'refused', reason = 'off-duty' }
    (goAwayResult in results.ts)
  Invariant: a refusal changes nothing; an away agent is on duty and not in KEY.available.
]]
--- @include "refresh-agent"
--- @include "snapshot"

local agent, away_until, away_reason = ARGV[2], tonumber(ARGV[3]) or 0, ARGV[4]
if redis.call('SISMEMBER', KEY.onDuty, agent) == 0 then
  return cjson.encode({ status = 'refused', reason = 'off-duty' })
end
redis.call('SADD', KEY.away, agent)
local seq = redis.call('HINCRBY', KEY.agent(agent), 'awaySeq', 1)
redis.call('HSET', KEY.agent(agent), 'awayUntil', away_until, 'awayReason', away_reason)
local waiting = {}
for _, id in ipairs(redis.call('SMEMBERS', KEY.agentConversations(agent))) do
  if (tonumber(redis.call('HGET', KEY.conversation(id), 'waitingSince')) or 0) > 0 then
    redis.call('HSET', KEY.conversation(id), 'awayNotice', seq)
    table.insert(waiting, snapshot(id))
  end
end
refresh_agent(agent)
return cjson.encode({ status = 'away', awaySeq = seq, waiting = waiting })
