-- Agents act only on conversations they hold; supervisors and managers on any (invariant 7).
-- Returns the refusal to return, or nil when the staff member may act.
local function refuse_unless_holder(conv, staff_id, oversees)
  if oversees or conv.agentId == staff_id then return nil end
  return cjson.encode({ status = 'refused', reason = 'not-yours', conversation = conv })
end
