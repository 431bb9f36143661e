-- The id of the open conversation a code names, or nil.
local function resolve_code(code)
  local id = redis.call('GET', KEY.codeOwner(code))
  if not id then return nil end
  return id
end
