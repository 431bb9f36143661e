-- A1…Z999 first (up to four characters), then A1000…Z9999; letters I and O are skipped as they
-- read like digits, and G, which starts the codes of watched groups (G7). 229,977 codes in all
-- before the sequence starts over.
local function code_for(n)
  local letters = 'ABCDEFHJKLMNPQRSTUVWXYZ'
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
