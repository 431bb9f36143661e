--[[
  A customer message arrives. Opens a conversation when the customer has none, names the agent to
  forward the message to (or keeps it pending until there is one), starts the reply clock when
  nobody was waiting, and hands queued conversations to agents with room. A rating from a customer
  whose last conversation asked for one rates it and opens nothing. A customer over floodMax
  messages within the window is throttled: the message stays in the transcript but is not passed
  on; `throttled` counts how far over they are (1: tell them, once).
  KEYS[1] open             every open conversation's id
  KEYS[2] unassigned       the queue: conversations waiting for an agent, by place
  KEYS[3] onDuty           agents on duty
  KEYS[4] away             agents on duty but away
  KEYS[5] available        agents who can be given a conversation, in routing order
  KEYS[6] codeSequence     the counter conversation codes are made from
  KEYS[7] assignSequence   the counter of assignments (round robin among equals)
  ARGV[1] key prefix (every script)
  ARGV[2] messageId        the WeChat message id: the outcome is remembered under it
  ARGV[3] customerId
  ARGV[4] customerName
  ARGV[5] text             the start of the text, as a preview
  ARGV[6] at               when the message arrived (epoch ms)
  ARGV[7] newConversationId  the id of the conversation this message opens, if it opens one
  ARGV[8] pendingJson      the message as it waits among the pending ones
  ARGV[9] seenTtlSeconds   how long the outcome is remembered
  ARGV[10] floodMax        messages a customer may send within the flood window
  ARGV[11] floodWindowMs
  ARGV[12] options (JSON):
    deadlines   when each escalation step falls due should the clock start now (comma-separated ms)
    closedDay   the service day when the message came outside service hours, else ''
    category    the category the message's keywords name ('' when none), priority: it jumps the queue
    fallback    the category of a conversation whose first message names none; menu: offer the menu then
    menuChoice  the category a menu answer names ('' when the message is no menu answer), menuPriority
    rating      1–5 when the whole message is a rating, else 0
    praise      the message praises or thanks the agent (counted once per conversation)
  Returns: { status = 'taken', replayed, conversation, created, clockStarted, clockVersion?, assigned,
    queuePosition, forwardTo?, throttled, closedNotice, holderAway, awayNotice?, menuOffered,
    categoryChosen?, movedFrom?, praised }, or { status = 'rated', replayed, conversation, score },
    or { status = 'gone' } (ingestResult in results.ts)
  Invariant: a message seen before changes nothing and replays its outcome (`gone` once its
    conversation has expired); a customer has at most one open conversation.
]]
--- @include "remember"
--- @include "snapshot"
--- @include "bump"
--- @include "code-for"
--- @include "queue-score"
--- @include "covers"
--- @include "pick-agent"
--- @include "assign"
--- @include "drain-queue"

local message_id, customer_id, customer_name, text, at, new_id, pending_json, ttl =
  ARGV[2], ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6]), ARGV[7], ARGV[8], tonumber(ARGV[9])
local flood_max, flood_window, opts = tonumber(ARGV[10]), tonumber(ARGV[11]), cjson.decode(ARGV[12])
local replayed = replay(message_id)
if replayed then return replayed end
local recent = redis.call('INCR', KEY.recentFrom(customer_id))
if recent == 1 then redis.call('PEXPIRE', KEY.recentFrom(customer_id), flood_window) end
local throttled = math.max(0, recent - flood_max)

local id = redis.call('GET', KEY.openConversationOf(customer_id))
if not id then
  local surveyed = redis.call('GET', KEY.survey(customer_id))
  if surveyed and opts.rating > 0 and redis.call('EXISTS', KEY.conversation(surveyed)) == 1 then
    redis.call('DEL', KEY.survey(customer_id))
    redis.call('HSET', KEY.conversation(surveyed), 'rating', opts.rating)
    bump(surveyed)
    return remember(message_id, ttl, { status = 'rated', conversation = snapshot(surveyed), score = opts.rating })
  end
  -- Anything but a rating: the survey is over, a new conversation begins.
  redis.call('DEL', KEY.survey(customer_id))
end
local created = false
local menu_offered = false
if not id then
  id = new_id
  created = true
  local code
  for _ = 1, 100 do
    local candidate = code_for(redis.call('INCR', KEY.codeSequence))
    if redis.call('SET', KEY.codeOwner(candidate), id, 'NX') then code = candidate break end
  end
  if not code then return redis.error_reply('KEFU no-free-code') end
  local category = opts.category ~= '' and opts.category or opts.fallback
  menu_offered = opts.category == '' and opts.menu
  local score = queue_score(at, opts.priority)
  redis.call('HSET', KEY.conversation(id), 'id', id, 'code', code, 'customerId', customer_id,
    'status', 'queued', 'agentId', '', 'openedAt', at, 'waitingSince', 0, 'version', 0, 'ladderStep', 0,
    'firstResponseAt', 0, 'overdueCount', 0, 'rev', 0, 'category', category)
  -- Fields most conversations never need stay out of Redis (memory per open conversation counts).
  if opts.priority then redis.call('HSET', KEY.conversation(id), 'queueScore', score) end
  if menu_offered then redis.call('HSET', KEY.conversation(id), 'menuOpen', 1) end
  redis.call('SET', KEY.openConversationOf(customer_id), id)
  redis.call('SADD', KEY.open, id)
  redis.call('ZADD', KEY.unassigned, score, id)
end

local key = KEY.conversation(id)
redis.call('HSET', key, 'customerName', customer_name, 'lastCustomerAt', at, 'lastText', text)
-- What the rest of this step reads of the conversation, in one call.
local fields = redis.call('HMGET', key, 'menuOpen', 'agentId', 'closedNoticeDay', 'waitingSince', 'awayNotice')
local holder = fields[2] or ''
-- A menu answer sets the category (a priority one moves the conversation up the queue) and goes to
-- nobody; any other message closes the menu.
local category_chosen, moved_from
if not created and fields[1] == '1' then
  redis.call('HDEL', key, 'menuOpen')
  if opts.menuChoice ~= '' then
    category_chosen = opts.menuChoice
    redis.call('HSET', key, 'category', category_chosen)
    if opts.menuPriority then
      local score = queue_score(tonumber(redis.call('HGET', key, 'openedAt')) or at, true)
      redis.call('HSET', key, 'queueScore', score)
      redis.call('ZADD', KEY.unassigned, 'XX', score, id)
    end
    if holder ~= '' and not covers(redis.call('HGET', KEY.agent(holder), 'skills'), category_chosen) then
      local target = pick_agent(holder, category_chosen)
      if target then
        assign(id, target)
        moved_from = holder
        holder = target
      end
    end
  end
end
-- Praise counts once per conversation, for the agent serving it.
local praised = false
if opts.praise and holder ~= '' and redis.call('HSETNX', key, 'praised', 1) == 1 then
  praised = true
end
-- Outside service hours the customer is told the hours once per conversation and day.
local closed_notice = false
if opts.closedDay ~= '' and fields[3] ~= opts.closedDay then
  redis.call('HSET', key, 'closedNoticeDay', opts.closedDay)
  closed_notice = true
end
-- The common case goes straight to the agent: the outcome names them, and a replay forwards again
-- under the same outbox id. Otherwise (no agent yet, the agent is away, or older messages still
-- waiting) it queues.
local forward_to
local holder_away = holder ~= '' and redis.call('SISMEMBER', KEY.away, holder) == 1
if throttled > 0 or category_chosen then
  forward_to = nil
elseif holder ~= '' and not holder_away and redis.call('LLEN', KEY.pending(id)) == 0 then
  forward_to = holder
else
  redis.call('RPUSH', KEY.pending(id), pending_json)
end
-- The customer of an away agent hears so once per away period.
local away_notice
if holder_away then
  local away = redis.call('HMGET', KEY.agent(holder), 'awaySeq', 'awayUntil', 'awayReason')
  if fields[5] ~= away[1] then
    redis.call('HSET', key, 'awayNotice', away[1])
    away_notice = { agentId = holder, ['until'] = tonumber(away[2]) or 0, reason = away[3] or '' }
  end
end
local clock_started, clock_version = false, nil
if (tonumber(fields[4]) or 0) == 0 and not category_chosen then
  redis.call('HSET', key, 'waitingSince', at, 'ladderStep', 0, 'deadlines', opts.deadlines)
  clock_version = redis.call('HINCRBY', key, 'version', 1)
  clock_started = true
end
bump(id)
local assigned = drain_queue()
-- The 1-based place in the queue; 0 once assigned.
local position = (redis.call('ZRANK', KEY.unassigned, id) or -1) + 1
if created and position > 0 then redis.call('HSET', key, 'toldPosition', position) end
if moved_from then table.insert(assigned, { conversation = snapshot(id), agentId = holder }) end
return remember(message_id, ttl, { status = 'taken', conversation = snapshot(id), created = created,
  clockStarted = clock_started, clockVersion = clock_version, assigned = assigned, queuePosition = position,
  forwardTo = forward_to, throttled = throttled, closedNotice = closed_notice, holderAway = holder_away,
  awayNotice = away_notice, menuOffered = menu_offered, categoryChosen = category_chosen,
  movedFrom = moved_from, praised = praised })
