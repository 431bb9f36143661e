--- @include "snapshot"

-- An outcome is kept under the id of its cause (a message, a timer) without its conversation
-- snapshots, which a replay takes afresh: what the replay sends and records carries the same ids
-- either way, and the kept record stays small (one per message for a day). Returns the outcome.
local function remember(cause_id, ttl, outcome)
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
  redis.call('SET', KEY.seen(cause_id), cjson.encode(kept), 'EX', ttl)
  outcome.replayed = false
  return cjson.encode(outcome)
end

-- The kept outcome of a cause seen before, with fresh snapshots and `replayed`; `gone` when its
-- conversation is gone (closed and expired), so there is nothing left to replay, or when an earlier
-- version kept it (without a status): that version handled the cause; nil for a cause not seen before.
local function replay(cause_id)
  local seen = redis.call('GET', KEY.seen(cause_id))
  if not seen then return nil end
  local kept = cjson.decode(seen)
  if not kept.status then return cjson.encode({ status = 'gone' }) end
  if kept.conversation then
    kept.conversation = snapshot(kept.conversation)
    if not kept.conversation then return cjson.encode({ status = 'gone' }) end
  end
  if kept.assigned then
    local assigned = {}
    for _, pair in ipairs(kept.assigned) do
      local conversation = snapshot(pair[1])
      if conversation then table.insert(assigned, { conversation = conversation, agentId = pair[2] }) end
    end
    kept.assigned = assigned
  end
  kept.replayed = true
  return cjson.encode(kept)
end
