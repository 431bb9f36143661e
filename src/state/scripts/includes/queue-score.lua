-- Where a conversation stands in the queue: priority categories (complaints) ahead of the rest,
-- then by when it opened.
local PRIORITY_OFFSET = 10000000000000

local function queue_score(opened_at, priority)
  if priority then return opened_at end
  return PRIORITY_OFFSET + opened_at
end
