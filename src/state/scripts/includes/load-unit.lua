-- KEY.available scores an agent by load first, then by their last assignment (round robin among
-- equals); equal scores fall back to the agent id. A sequence stays far below LOAD_UNIT.
local LOAD_UNIT = 10000000000
