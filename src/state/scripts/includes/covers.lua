-- Whether skills (an agent's comma-separated categories; '' for every one) cover a category.
local function covers(skills, category)
  if not skills or skills == '' or not category or category == '' then return true end
  for skill in string.gmatch(skills, '[^,]+') do
    if skill == category then return true end
  end
  return false
end
