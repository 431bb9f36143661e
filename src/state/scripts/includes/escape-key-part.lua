-- The twin of escapeKeyPart (src/queue/keys.ts), which the key functions the loader generates call
-- on every variable part: a part never contains ':', so two different ids never make one key.
local KEY_PART_ESCAPES = { ['~'] = '~7E', [':'] = '~3A' }
local string_find, string_gsub = string.find, string.gsub

-- Ingest builds dozens of keys a message, and ids rarely hold either character: two plain
-- searches cost less than half of what one pattern search does.
local function escape_key_part(part)
  if not string_find(part, ':', 1, true) and not string_find(part, '~', 1, true) then return part end
  return (string_gsub(part, '[~:]', KEY_PART_ESCAPES))
end
