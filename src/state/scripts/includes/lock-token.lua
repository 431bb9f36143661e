-- The token of the process holding the instance lock (nil when the value is no holder's JSON):
-- what tells this process's lock from another's.
local function lock_token(value)
  local ok, holder = pcall(cjson.decode, value)
  if ok and type(holder) == 'table' then return holder.token end
  return nil
end
