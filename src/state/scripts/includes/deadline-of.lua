-- When escalation step `step` (0-based) of the current waiting period falls due; nil when the
-- period has no such step (a ladder shortened since the clock started). `conv` is any hash with a
-- `deadlines` field: a conversation, or a customer's waiting period in a group.
local function deadline_of(conv, step)
  local n = 0
  for due in string.gmatch(conv.deadlines or '', '%d+') do
    if n == step then return tonumber(due) end
    n = n + 1
  end
  return nil
end
