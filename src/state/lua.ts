import type { Keys } from '../domain/keys.js'

/**
 * The Lua side of the live state. Each script is one atomic state change; its inputs are ARGV
 * (documented above each script) and its output is one JSON document, parsed in redis-state.ts.
 *
 * Key names come from keys.ts: `keyLibrary` turns those builders into Lua functions, so the scripts
 * spell no key themselves. Keys are built inside the scripts (a conversation's agent is only known
 * there), so a Redis Cluster deployment needs a hash-tagged prefix such as `{kefu}`.
 */

function luaString(text: string): string {
  if (!/^[A-Za-z0-9_{}.:@-]*$/.test(text)) throw new Error(`unsafe text for a Lua literal: ${text}`)
  return `'${text}'`
}

/** `KEY.conversation(id)` in Lua builds the same key as `keys.conversation(id)` in TypeScript. */
function keyLibrary(keys: Keys): string {
  const marker = '@@ID@@'
  const builder = (name: string, build: (id: string) => string) => {
    const [head = '', tail = ''] = build(marker).split(marker)
    return `KEY.${name} = function(id) return ${luaString(head)} .. id .. ${luaString(tail)} end`
  }
  return [
    'local KEY = {}',
    builder('conversation', keys.conversation),
    builder('pending', keys.pending),
    builder('openConversationOf', keys.openConversationOf),
    builder('codeOwner', keys.codeOwner),
    builder('agent', keys.agent),
    builder('agentConversations', keys.agentConversations),
    builder('seen', keys.seen),
    builder('recentFrom', keys.recentFrom),
    builder('heldReply', keys.heldReply),
    builder('survey', keys.survey),
    builder('alerts', keys.alerts),
    builder('alertFlush', keys.alertFlush),
    builder('alertBatch', keys.alertBatch),
    builder('alertSeen', keys.alertSeen),
    `KEY.open = ${luaString(keys.open)}`,
    `KEY.unassigned = ${luaString(keys.unassigned)}`,
    `KEY.onDuty = ${luaString(keys.onDuty)}`,
    `KEY.away = ${luaString(keys.away)}`,
    `KEY.available = ${luaString(keys.available)}`,
    `KEY.codeSequence = ${luaString(keys.codeSequence)}`,
    `KEY.assignSequence = ${luaString(keys.assignSequence)}`,
    `KEY.staffInFlight = ${luaString(keys.staffInFlight)}`,
    `KEY.alertSequence = ${luaString(keys.alertSequence)}`,
  ].join('\n')
}

/** Helpers every script shares. Conversations are hashes; an agent's load is the size of its set. */
const HELPERS = `
local function snapshot(id)
  local flat = redis.call('HGETALL', KEY.conversation(id))
  if #flat == 0 then return nil end
  local conv = {}
  for i = 1, #flat, 2 do conv[flat[i]] = flat[i + 1] end
  return conv
end

local function bump(id)
  redis.call('HINCRBY', KEY.conversation(id), 'rev', 1)
end

-- Whether skills (an agent's comma-separated categories; '' for every one) cover a category.
local function covers(skills, category)
  if not skills or skills == '' or not category or category == '' then return true end
  for skill in string.gmatch(skills, '[^,]+') do
    if skill == category then return true end
  end
  return false
end

local function has_skill(agent, category)
  return covers(redis.call('HGET', KEY.agent(agent), 'skills'), category)
end

-- KEY.available scores an agent by load first, then by their last assignment (round robin among
-- equals); equal scores fall back to the agent id. A sequence stays far below LOAD_UNIT.
local LOAD_UNIT = 10000000000

-- Brings one agent's entry in KEY.available in line with the duty, away and conversation sets.
-- Called after every change to those, so routing reads one sorted set instead of every agent.
local function refresh_agent(agent)
  if not agent or agent == '' then return end
  if redis.call('SISMEMBER', KEY.onDuty, agent) == 1 and redis.call('SISMEMBER', KEY.away, agent) == 0 then
    local seq = tonumber(redis.call('HGET', KEY.agent(agent), 'lastAssigned')) or 0
    local load = redis.call('SCARD', KEY.agentConversations(agent))
    redis.call('ZADD', KEY.available, load * LOAD_UNIT + seq, agent)
  else
    redis.call('ZREM', KEY.available, agent)
  end
end

-- Least-loaded available agent below its cap and skilled for the category; ties go to the one
-- assigned longest ago. The walk is in preference order, so it usually stops at the first agent.
local function pick_agent(exclude, category)
  local from, batch_size = 0, 16
  while true do
    local batch = redis.call('ZRANGE', KEY.available, from, from + batch_size - 1, 'WITHSCORES')
    if #batch == 0 then return nil end
    for i = 1, #batch, 2 do
      local agent = batch[i]
      if agent ~= exclude then
        local load = math.floor(tonumber(batch[i + 1]) / LOAD_UNIT)
        local fields = redis.call('HMGET', KEY.agent(agent), 'cap', 'skills')
        if load < (tonumber(fields[1]) or 0) and covers(fields[2], category) then return agent end
      end
    end
    from = from + batch_size
  end
end

local function assign(id, agent)
  local key = KEY.conversation(id)
  local previous = redis.call('HGET', key, 'agentId')
  if previous and previous ~= '' then redis.call('SREM', KEY.agentConversations(previous), id) end
  redis.call('SADD', KEY.agentConversations(agent), id)
  redis.call('ZREM', KEY.unassigned, id)
  redis.call('HSET', key, 'status', 'assigned', 'agentId', agent)
  redis.call('HSET', KEY.agent(agent), 'lastAssigned', redis.call('INCR', KEY.assignSequence))
  refresh_agent(previous)
  refresh_agent(agent)
  bump(id)
end

-- Where a conversation stands in the queue: priority categories (complaints) ahead of the rest,
-- then by when it opened.
local PRIORITY_OFFSET = 10000000000000
local function queue_score(opened_at, priority)
  if priority then return opened_at end
  return PRIORITY_OFFSET + opened_at
end

-- Back to the queue, keeping its place.
local function requeue(id)
  local key = KEY.conversation(id)
  local previous = redis.call('HGET', key, 'agentId')
  if previous and previous ~= '' then redis.call('SREM', KEY.agentConversations(previous), id) end
  redis.call('HSET', key, 'status', 'queued', 'agentId', '')
  local fields = redis.call('HMGET', key, 'queueScore', 'openedAt')
  redis.call('ZADD', KEY.unassigned, tonumber(fields[1]) or queue_score(tonumber(fields[2]) or 0, false), id)
  refresh_agent(previous)
  bump(id)
end

-- Hands queued conversations, in queue order, to skilled agents with room. A conversation nobody
-- skilled can take keeps its place while those behind it go on; once nobody has room at all, the
-- walk stops. One queue entry is read at a time: a long queue costs only what is assigned.
local function drain_queue()
  local assigned = {}
  local skipped = 0
  while true do
    local id = redis.call('ZRANGE', KEY.unassigned, skipped, skipped)[1]
    if not id then break end
    local agent = pick_agent(nil, redis.call('HGET', KEY.conversation(id), 'category'))
    if agent then
      assign(id, agent)
      table.insert(assigned, { conversation = snapshot(id), agentId = agent })
    elseif pick_agent(nil, nil) then
      skipped = skipped + 1
    else
      break
    end
  end
  return assigned
end

local function queue_position(id)
  local rank = redis.call('ZRANK', KEY.unassigned, id)
  if rank then return rank + 1 end
  return 0
end

-- Stops the reply clock; returns what the armed timer was, so the caller can remove its job.
local function stop_clock(id)
  local key = KEY.conversation(id)
  local fields = redis.call('HMGET', key, 'waitingSince', 'version', 'ladderStep')
  local waiting = (tonumber(fields[1]) or 0) > 0
  local stop = { wasWaiting = waiting, waitingSince = tonumber(fields[1]) or 0,
    previousVersion = tonumber(fields[2]) or 0, previousStep = tonumber(fields[3]) or 0 }
  if waiting then
    redis.call('HSET', key, 'waitingSince', 0, 'ladderStep', 0)
    redis.call('HINCRBY', key, 'version', 1)
  end
  return stop
end

-- A1…Z999 first (up to four characters), then A1000…Z9999; letters I and O are skipped as they
-- read like digits. 239,976 codes in all before the sequence starts over.
local function code_for(n)
  local letters = 'ABCDEFGHJKLMNPQRSTUVWXYZ'
  local short = #letters * 999
  local k = (n - 1) % (#letters * 9999)
  local index, number
  if k < short then
    index, number = math.floor(k / 999), k % 999 + 1
  else
    index, number = math.floor((k - short) / 9000), 1000 + (k - short) % 9000
  end
  return string.sub(letters, index + 1, index + 1) .. tostring(number)
end

-- Agents act only on conversations they hold; supervisors and managers on any (invariant 7).
local function refuse_unless_holder(conv, staff_id, oversees)
  if oversees or conv.agentId == staff_id then return nil end
  return cjson.encode({ ok = false, reason = 'not-yours', conversation = conv })
end

-- An outcome is kept under its message id without its conversation snapshots, which a replay
-- takes afresh: what the replay sends and records carries the same ids either way, and the kept
-- record stays small (one per message for a day).
local function remember(message_id, ttl, outcome)
  local kept = {}
  for field, value in pairs(outcome) do kept[field] = value end
  if outcome.conversation then kept.conversation = outcome.conversation.id end
  if outcome.assigned then
    local pairs_kept = {}
    for n, assignment in ipairs(outcome.assigned) do
      pairs_kept[n] = { assignment.conversation.id, assignment.agentId }
    end
    kept.assigned = pairs_kept
  end
  redis.call('SET', KEY.seen(message_id), cjson.encode(kept), 'EX', ttl)
  return 'N' .. cjson.encode(outcome)
end

-- The kept outcome of a message seen before, behind 'D'; 'X' when its conversation is gone (closed
-- and expired), so there is nothing left to replay; nil for a message not seen before.
local function replay(message_id)
  local seen = redis.call('GET', KEY.seen(message_id))
  if not seen then return nil end
  local kept = cjson.decode(seen)
  if kept.conversation then
    kept.conversation = snapshot(kept.conversation)
    if not kept.conversation then return 'X' end
  end
  if kept.assigned then
    local assigned = {}
    for _, pair in ipairs(kept.assigned) do
      local conversation = snapshot(pair[1])
      if conversation then table.insert(assigned, { conversation = conversation, agentId = pair[2] }) end
    end
    kept.assigned = assigned
  end
  return 'D' .. cjson.encode(kept)
end

-- When escalation step \`step\` (0-based) of the current waiting period falls due; nil when the
-- period has no such step (a ladder shortened since the clock started).
local function deadline_of(conv, step)
  local n = 0
  for due in string.gmatch(conv.deadlines or '', '%d+') do
    if n == step then return tonumber(due) end
    n = n + 1
  end
  return nil
end

local function resolve_code(code)
  local id = redis.call('GET', KEY.codeOwner(code))
  if not id then return nil end
  return id
end
`

/**
 * ingest — a customer message arrives.
 * ARGV: messageId, customerId, customerName, text (preview), at, newConversationId, pendingJson, seenTtlSeconds,
 *       floodMax, floodWindowMs, options (JSON):
 *   deadlines   when each escalation step falls due should the clock start now (comma-separated ms)
 *   closedDay   the service day when the message came outside service hours, else ''
 *   category    the category the message's keywords name ('' when none), priority: it jumps the queue
 *   fallback    the category of a conversation whose first message names none; menu: offer the menu then
 *   menuChoice  the category a menu answer names ('' when the message is no menu answer), menuPriority
 *   rating      1–5 when the whole message is a rating, else 0
 *   praise      the message praises or thanks the agent (counted once per conversation)
 * A customer over floodMax messages within the window is throttled: the message stays in the
 * transcript but is not passed on; `throttled` counts how far over they are (1: tell them, once).
 * A rating from a customer whose last conversation asked for one rates it and opens nothing.
 * Otherwise opens a conversation when the customer has none, names the agent to forward it to (or
 * keeps it pending until there is one), starts the reply clock when nobody was waiting, hands queued
 * conversations to agents with room, and remembers the outcome under the message id so a second
 * delivery replays instead of repeating.
 * Returns the outcome JSON behind 'N' (new), 'D' (seen before: replay it) or 'X' (seen before, and
 * its conversation is gone).
 */
const INGEST = `
local message_id, customer_id, customer_name, text, at, new_id, pending_json, ttl =
  ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), ARGV[6], ARGV[7], tonumber(ARGV[8])
local flood_max, flood_window, opts = tonumber(ARGV[9]), tonumber(ARGV[10]), cjson.decode(ARGV[11])
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
    return remember(message_id, ttl, { conversation = snapshot(surveyed), rated = opts.rating, created = false,
      clockStarted = false, assigned = {}, queuePosition = 0, throttled = 0 })
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
  if not code then return redis.error_reply('no free conversation code') end
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
-- A menu answer sets the category (a priority one moves the conversation up the queue) and goes to
-- nobody; any other message closes the menu.
local category_chosen, moved_from
if not created and redis.call('HGET', key, 'menuOpen') == '1' then
  redis.call('HDEL', key, 'menuOpen')
  if opts.menuChoice ~= '' then
    category_chosen = opts.menuChoice
    redis.call('HSET', key, 'category', category_chosen)
    if opts.menuPriority then
      local score = queue_score(tonumber(redis.call('HGET', key, 'openedAt')) or at, true)
      redis.call('HSET', key, 'queueScore', score)
      redis.call('ZADD', KEY.unassigned, 'XX', score, id)
    end
    local holder = redis.call('HGET', key, 'agentId')
    if holder ~= '' and not has_skill(holder, category_chosen) then
      local target = pick_agent(holder, category_chosen)
      if target then
        assign(id, target)
        moved_from = holder
      end
    end
  end
end
-- Praise counts once per conversation, for the agent serving it.
local praised = false
if opts.praise and redis.call('HGET', key, 'agentId') ~= '' and redis.call('HSETNX', key, 'praised', 1) == 1 then
  praised = true
end
-- Outside service hours the customer is told the hours once per conversation and day.
local closed_notice = false
if opts.closedDay ~= '' and redis.call('HGET', key, 'closedNoticeDay') ~= opts.closedDay then
  redis.call('HSET', key, 'closedNoticeDay', opts.closedDay)
  closed_notice = true
end
-- The common case goes straight to the agent: the outcome names them, and a replay forwards again
-- under the same outbox id. Otherwise (no agent yet, the agent is away, or older messages still
-- waiting) it queues.
local forward_to
local holder = redis.call('HGET', key, 'agentId')
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
  if redis.call('HGET', key, 'awayNotice') ~= away[1] then
    redis.call('HSET', key, 'awayNotice', away[1])
    away_notice = { agentId = holder, ['until'] = tonumber(away[2]) or 0, reason = away[3] or '' }
  end
end
local clock_started, clock_version = false, nil
if (tonumber(redis.call('HGET', key, 'waitingSince')) or 0) == 0 and not category_chosen then
  redis.call('HSET', key, 'waitingSince', at, 'ladderStep', 0, 'deadlines', opts.deadlines)
  clock_version = redis.call('HINCRBY', key, 'version', 1)
  clock_started = true
end
bump(id)
local assigned = drain_queue()
local position = queue_position(id)
if created and position > 0 then redis.call('HSET', key, 'toldPosition', position) end
if moved_from then table.insert(assigned, { conversation = snapshot(id), agentId = redis.call('HGET', key, 'agentId') }) end
return remember(message_id, ttl, { conversation = snapshot(id), created = created, clockStarted = clock_started,
  clockVersion = clock_version, assigned = assigned, queuePosition = position, forwardTo = forward_to,
  throttled = throttled, closedNotice = closed_notice, holderAway = holder_away, awayNotice = away_notice,
  menuOffered = menu_offered, categoryChosen = category_chosen, movedFrom = moved_from, praised = praised })
`

/**
 * reply — a staff member answers a customer.
 * ARGV: messageId, staffId, code ('' for plain text), at, oversees ('1' or '0'), seenTtlSeconds,
 *       overdueStep (0-based), mode ('send' | 'hold' | 'force'), held (JSON { text, phrase }, for hold)
 * Plain text goes to the staff member's only open conversation, or to the one they last addressed
 * by code when no other customer of theirs has written since. Anything else is ambiguous.
 * Like ingest, the outcome is kept under the message id and returned behind 'N', 'D' or 'X', so a
 * second delivery of the same answer cannot stop a later waiting period's clock.
 * An answer that came after a step fell due, but is handled before that step's timer (after an
 * outage, or behind a backlog), still counts as late: the steps it missed are returned as
 * lateSteps and the overdue count is kept, so no breach goes unrecorded.
 * hold: a reply with a forbidden phrase is kept for the staff member (one at a time) instead of
 * answering: nothing else changes. force: the kept reply is sent after all, to the conversation it
 * was meant for. A reply that is sent drops a kept one for the same conversation (it was corrected).
 */
const REPLY = `
local message_id, staff_id, code, at, oversees, ttl, overdue_step =
  ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5] == '1', tonumber(ARGV[6]), tonumber(ARGV[7])
local mode, held_json = ARGV[8], ARGV[9]
local replayed = replay(message_id)
if replayed then return replayed end
local function outcome(result)
  return remember(message_id, ttl, result)
end
local id
local forced
if mode == 'force' then
  local kept = redis.call('GET', KEY.heldReply(staff_id))
  if not kept then return outcome({ ok = false, reason = 'nothing-held' }) end
  forced = cjson.decode(kept)
  id = forced.conversationId
  local status = redis.call('HGET', KEY.conversation(id), 'status')
  if not status or status == 'closed' then
    redis.call('DEL', KEY.heldReply(staff_id))
    return outcome({ ok = false, reason = 'unknown-code', code = forced.code })
  end
elseif code ~= '' then
  id = resolve_code(code)
  if not id then return outcome({ ok = false, reason = 'unknown-code', code = code }) end
else
  local mine = redis.call('SMEMBERS', KEY.agentConversations(staff_id))
  if #mine == 0 then return outcome({ ok = false, reason = 'no-conversation' }) end
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
      return outcome({ ok = false, reason = 'ambiguous', codes = codes })
    end
    id = focus[1]
  end
end
local conv = snapshot(id)
if not oversees and conv.agentId ~= staff_id then
  return outcome({ ok = false, reason = 'not-yours', conversation = conv })
end
if mode == 'hold' then
  local held = cjson.decode(held_json)
  held.conversationId, held.code = id, conv.code
  redis.call('SET', KEY.heldReply(staff_id), cjson.encode(held), 'EX', ttl)
  return outcome({ ok = true, held = true, conversation = conv, wasWaiting = false, waitingSince = 0,
    previousVersion = tonumber(conv.version) or 0, previousStep = 0, lateSteps = {} })
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
return outcome({ ok = true, conversation = snapshot(id), wasWaiting = stop.wasWaiting,
  waitingSince = stop.waitingSince, previousVersion = stop.previousVersion, previousStep = stop.previousStep,
  lateSteps = late_steps, forced = forced })
`

/**
 * close — a conversation is finished.
 * ARGV: staffId, code, at, oversees, closedTtlSeconds, surveySeconds (0: no survey)
 * Frees the code and the customer for a new conversation, and the agent's room for the queue. With
 * a survey, the customer's next message may rate this conversation for surveySeconds.
 */
const CLOSE = `
local staff_id, code, at, oversees, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4] == '1', tonumber(ARGV[5])
local survey_seconds = tonumber(ARGV[6]) or 0
local id = resolve_code(code)
if not id then return cjson.encode({ ok = false, reason = 'unknown-code', code = code }) end
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
return cjson.encode({ ok = true, conversation = closed, assigned = drain_queue(), wasWaiting = stop.wasWaiting,
  waitingSince = stop.waitingSince, previousVersion = stop.previousVersion, previousStep = stop.previousStep })
`

/**
 * move — /take, /transfer, /assign.
 * ARGV: mode, actorId, code ('' = the oldest queued, for take), targetId, oversees
 * take: an on-duty agent takes a queued conversation. transfer: the holder (or a supervisor) hands it
 * to an on-duty colleague. assign: a supervisor hands any conversation to an on-duty agent.
 */
const MOVE = `
local mode, actor_id, code, target_id, oversees = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5] == '1'
local id
if code == '' then
  id = redis.call('ZRANGE', KEY.unassigned, 0, 0)[1]
  if not id then return cjson.encode({ ok = false, reason = 'queue-empty' }) end
else
  id = resolve_code(code)
  if not id then return cjson.encode({ ok = false, reason = 'unknown-code', code = code }) end
end
local conv = snapshot(id)
if mode == 'take' and conv.status ~= 'queued' and not oversees then
  if conv.agentId == actor_id then
    return cjson.encode({ ok = false, reason = 'same-agent', conversation = conv })
  end
  return cjson.encode({ ok = false, reason = 'not-queued', conversation = conv })
end
if mode == 'transfer' then
  local refusal = refuse_unless_holder(conv, actor_id, oversees)
  if refusal then return refusal end
end
if conv.agentId == target_id then
  return cjson.encode({ ok = false, reason = 'same-agent', conversation = conv })
end
if redis.call('SISMEMBER', KEY.onDuty, target_id) == 0 then
  return cjson.encode({ ok = false, reason = 'target-off-duty', targetId = target_id })
end
if redis.call('SISMEMBER', KEY.away, target_id) == 1 then
  return cjson.encode({ ok = false, reason = 'target-away', targetId = target_id })
end
local from = conv.agentId
assign(id, target_id)
local moved = snapshot(id)
local result = { ok = true, conversation = moved, assigned = drain_queue() }
if from ~= '' then result.from = from end
return cjson.encode(result)
`

/**
 * duty — /on, /off and /away.
 * ARGV: agentId, 'on' | 'off' | 'away', force ('1' or '0'), cap, awayUntil (epoch ms, for away), awayReason,
 *       skills (comma-separated categories the agent takes, '' for all; for on)
 * Going off duty with open conversations is refused unless forced; forced, they go back to the queue
 * in their old places and on to colleagues with room. Going away needs being on duty; the customers
 * waiting on the agent at that moment are returned (\`waiting\`) to be told, once per away period.
 * Coming back (on, while away) returns the agent's conversations (\`mine\`) for the backlog.
 */
const DUTY = `
local agent, state, force, cap = ARGV[1], ARGV[2], ARGV[3] == '1', tonumber(ARGV[4])
local away_until, away_reason, skills = tonumber(ARGV[5]) or 0, ARGV[6] or '', ARGV[7] or ''
local requeued = {}
local was_away = redis.call('SREM', KEY.away, agent) == 1
if state == 'away' then
  if redis.call('SISMEMBER', KEY.onDuty, agent) == 0 then
    return cjson.encode({ ok = false, reason = 'off-duty' })
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
  return cjson.encode({ ok = true, assigned = {}, requeued = {}, awaySeq = seq, waiting = waiting })
end
redis.call('HDEL', KEY.agent(agent), 'awayUntil', 'awayReason')
if state == 'on' then
  redis.call('SADD', KEY.onDuty, agent)
  redis.call('HSET', KEY.agent(agent), 'cap', cap, 'skills', skills)
else
  local mine = redis.call('SMEMBERS', KEY.agentConversations(agent))
  if #mine > 0 and not force then
    if was_away then redis.call('SADD', KEY.away, agent) end
    local open = {}
    for _, id in ipairs(mine) do table.insert(open, snapshot(id)) end
    return cjson.encode({ ok = false, reason = 'has-open', open = open })
  end
  redis.call('SREM', KEY.onDuty, agent)
  for _, id in ipairs(mine) do
    requeue(id)
    table.insert(requeued, snapshot(id))
  end
end
refresh_agent(agent)
local result = { ok = true, assigned = drain_queue(), requeued = requeued, wasAway = was_away }
if state == 'on' and was_away then
  result.mine = {}
  for _, id in ipairs(redis.call('SMEMBERS', KEY.agentConversations(agent))) do
    table.insert(result.mine, snapshot(id))
  end
end
return cjson.encode(result)
`

/**
 * awayExpired — an agent stayed away past their time: their conversations go to colleagues with
 * room (or back to the queue), the agent stays away.
 * ARGV: agentId, awaySeq, timerId, seenTtlSeconds
 * Kept under the timer id, like a fired step, so a timer run again after a crash tells the same
 * people. Stale when the agent came back or went away again since.
 */
const AWAY_EXPIRED = `
local agent, seq, timer_id, ttl = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local replayed = replay(timer_id)
if replayed then return replayed end
if redis.call('SISMEMBER', KEY.away, agent) == 0 or redis.call('HGET', KEY.agent(agent), 'awaySeq') ~= seq then
  return 'N' .. cjson.encode({ ok = false })
end
local assigned, requeued = {}, {}
for _, id in ipairs(redis.call('SMEMBERS', KEY.agentConversations(agent))) do
  local target = pick_agent(agent, redis.call('HGET', KEY.conversation(id), 'category'))
  if target then
    assign(id, target)
    table.insert(assigned, { conversation = snapshot(id), agentId = target })
  else
    requeue(id)
    table.insert(requeued, snapshot(id))
  end
end
return remember(timer_id, ttl, { ok = true, assigned = assigned, requeued = requeued })
`

/**
 * fire — an escalation timer is due.
 * ARGV: conversationId, version, step, at, reassign ('1'/'0'), overdue ('1'/'0'), inFlightHorizonMs,
 *       timerId, seenTtlSeconds
 * A step that fired is kept under the timer's id like an ingested message: a timer run again after
 * a crash replays its alerts instead of finding the step already taken and doing nothing.
 * Stale when the conversation was answered, closed or moved on since the timer was set (invariant 3).
 * Waits while a staff message received before the deadline is still being handled, so a reply that
 * beat the deadline never yields an alert. Marks the step taken, counts the overdue, and reassigns.
 */
const FIRE = `
local id, version, step, at = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local reassign, overdue, horizon = ARGV[5] == '1', ARGV[6] == '1', tonumber(ARGV[7])
local timer_id, ttl = ARGV[8], tonumber(ARGV[9])
local replayed = replay(timer_id)
if replayed then return replayed end
local conv = snapshot(id)
if not conv or conv.status == 'closed' or tonumber(conv.version) ~= version
    or (tonumber(conv.waitingSince) or 0) == 0 or tonumber(conv.ladderStep) ~= step
    or not deadline_of(conv, step) then
  return 'N' .. cjson.encode({ outcome = 'stale' })
end
local due_at = deadline_of(conv, step)
if at < due_at then return 'N' .. cjson.encode({ outcome = 'early', dueAt = due_at }) end
redis.call('ZREMRANGEBYSCORE', KEY.staffInFlight, '-inf', at - horizon)
if #redis.call('ZRANGEBYSCORE', KEY.staffInFlight, '-inf', due_at, 'LIMIT', 0, 1) > 0 then
  return 'N' .. cjson.encode({ outcome = 'wait' })
end
local key = KEY.conversation(id)
redis.call('HSET', key, 'ladderStep', step + 1)
if overdue then redis.call('HINCRBY', key, 'overdueCount', 1) end
bump(id)
local result = { outcome = 'fired', assigned = {}, version = version, waitingSince = tonumber(conv.waitingSince) }
if conv.agentId ~= '' then result.agentId = conv.agentId end
if reassign then
  local target = pick_agent(conv.agentId, conv.category)
  if target then
    assign(id, target)
    result.reassignedTo = target
    result.assigned = drain_queue()
  end
end
result.conversation = snapshot(id)
return remember(timer_id, ttl, result)
`

/**
 * dayEnd — a service day ended, for one batch of open conversations (the caller walks them all in
 * batches, so a sweep never holds Redis for long). ARGV: day (YYYY-MM-DD), endedAt (epoch ms),
 * then the conversation ids of the batch.
 * Each conversation still open and opened before the end counts one more day unresolved, once per
 * day however often (or late) the sweep runs; returns those. The caller records the day as swept
 * once every batch is done.
 */
const DAY_END = `
local day, ended_at = ARGV[1], tonumber(ARGV[2])
local open = {}
for index = 3, #ARGV do
  local id = ARGV[index]
  local key = KEY.conversation(id)
  local fields = redis.call('HMGET', key, 'status', 'openedAt', 'lastDayEnd')
  -- closed meanwhile, or opened after the day ended (tomorrow's business): not counted
  if fields[1] and fields[1] ~= 'closed' and (tonumber(fields[2]) or 0) < ended_at then
    if fields[3] ~= day then
      redis.call('HSET', key, 'lastDayEnd', day)
      redis.call('HINCRBY', key, 'daysUnresolved', 1)
      bump(id)
    end
    table.insert(open, snapshot(id))
  end
end
return cjson.encode(open)
`

/**
 * queuePlaces — the queue moved up: which waiting customers to tell their new place.
 * ARGV: step, window (how many places from the front to look at: a long queue is not walked whole
 * on every assignment; with the halving rule, a customer further back hears once within the window)
 * A customer hears again once their place improved by \`step\` and by half of the last place they
 * were told (so a long wait brings a few messages, not one per place), and when they are next.
 * Their told place is noted here: a crash before the notice goes out loses that notice, never
 * repeats it.
 */
const QUEUE_PLACES = `
local step, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local places = {}
for position, id in ipairs(redis.call('ZRANGE', KEY.unassigned, 0, window - 1)) do
  local key = KEY.conversation(id)
  local told = tonumber(redis.call('HGET', key, 'toldPosition')) or 0
  if told > position and (position == 1 or told - position >= math.max(step, math.ceil(told / 2))) then
    redis.call('HSET', key, 'toldPosition', position)
    table.insert(places, { conversation = snapshot(id), position = position })
  end
end
return cjson.encode(places)
`

/**
 * gatherAlert — an alert waits to go out with others to the same recipient.
 * ARGV: recipient, alertId, alertJson, ttlSeconds, now, windowMs
 * The recipient's pending digest is kept as "flush|dueAt". Returns the flush number whose timer the
 * caller must arm: a new digest's, or one whose timer should have fired long ago (lost in a crash),
 * or any when the alert was gathered before (a replay arms again to be safe); 0 when the pending
 * digest's timer is armed already — the common case, which costs no second round trip.
 */
const GATHER_ALERT = `
local recipient, alert_id, alert_json, ttl = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local now, window = tonumber(ARGV[5]), tonumber(ARGV[6])
local fresh = redis.call('SET', KEY.alertSeen(alert_id), 1, 'NX', 'EX', ttl)
if fresh then redis.call('RPUSH', KEY.alerts(recipient), alert_json) end
local pending = redis.call('GET', KEY.alertFlush(recipient))
if pending then
  local flush, due = string.match(pending, '(%d+)|(%d+)')
  if not fresh or now > tonumber(due) + window then return tonumber(flush) end
  return 0
end
if not fresh then return 0 end
local flush = redis.call('INCR', KEY.alertSequence)
redis.call('SET', KEY.alertFlush(recipient), flush .. '|' .. (now + window))
return flush
`

/**
 * takeAlerts — a digest goes out: it takes every alert gathered for the recipient.
 * ARGV: recipient, flush, ttlSeconds
 * The taken alerts are kept under the flush until \`alertsSent\`, so the same digest is taken again
 * after a crash. Later alerts start a new digest.
 */
const TAKE_ALERTS = `
local recipient, flush, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3])
local batch_key = KEY.alertBatch(recipient .. ':' .. flush)
local kept = redis.call('GET', batch_key)
if kept then return kept end
local taken = redis.call('LRANGE', KEY.alerts(recipient), 0, -1)
redis.call('DEL', KEY.alerts(recipient), KEY.alertFlush(recipient))
local batch = cjson.encode(taken)
if #taken > 0 then redis.call('SET', batch_key, batch, 'EX', ttl) end
return batch
`

/**
 * drain — at start-up: rebuilds the index of available agents (state left by a version without
 * one, or edited by hand), then hands queued conversations to agents with room. ARGV: none.
 */
const DRAIN = `
redis.call('DEL', KEY.available)
for _, agent in ipairs(redis.call('SMEMBERS', KEY.onDuty)) do refresh_agent(agent) end
return cjson.encode(drain_queue())
`

/**
 * ack — pending messages up to and including messageId have been handed to the outbox.
 * ARGV: conversationId, messageId
 */
const ACK = `
local id, message_id = ARGV[1], ARGV[2]
local entries = redis.call('LRANGE', KEY.pending(id), 0, -1)
for index, entry in ipairs(entries) do
  if cjson.decode(entry).id == message_id then
    redis.call('LTRIM', KEY.pending(id), index, -1)
    return index
  end
end
return 0
`

export const SCRIPT_SOURCES = {
  ingest: INGEST,
  reply: REPLY,
  close: CLOSE,
  move: MOVE,
  duty: DUTY,
  awayExpired: AWAY_EXPIRED,
  fire: FIRE,
  drain: DRAIN,
  queuePlaces: QUEUE_PLACES,
  gatherAlert: GATHER_ALERT,
  takeAlerts: TAKE_ALERTS,
  dayEnd: DAY_END,
  ack: ACK,
} as const
export type ScriptName = keyof typeof SCRIPT_SOURCES

export function buildScripts(keys: Keys): Record<ScriptName, string> {
  const library = `${keyLibrary(keys)}\n${HELPERS}`
  const entries = Object.entries(SCRIPT_SOURCES).map(([name, body]) => [name, `${library}\n${body}`])
  return Object.fromEntries(entries) as Record<ScriptName, string>
}
