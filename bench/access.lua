-- wrk script: POST an access-evaluation body for a random principal that holds the role it asks about.
-- Used unchanged for the evaluation endpoint and for the bare endpoint, so both pay the same client-side cost.
--
--   wrk ... -s bench/access.lua <url> -- <bearer token> <A>
--
-- Principal i = 10*a + b with a uniform in [0, A) and b in {1,2,3,4,6,7,8,9,10}: every i answers "allow"
-- (bench/load.sql: i % 5 <> 0 holds an active assignment, i % 10 = 0 an active activation; i % 10 = 5 is skipped).
-- The role is roles[i % 13 + 1]; keep this list in the order of bench/load.sql.
local roles = {
  "global-administrator", "privileged-role-administrator", "security-administrator", "security-reader",
  "global-reader", "exchange-administrator", "sharepoint-administrator", "teams-administrator",
  "intune-administrator", "user-administrator", "helpdesk-administrator", "billing-administrator",
  "compliance-administrator",
}

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

local blocks = 1
function init(args)
  local token = args[1]
  blocks = tonumber(args[2])
  if token == nil or blocks == nil or blocks < 1 then
    error("usage: wrk ... -s access.lua <url> -- <bearer token> <blocks of ten principals>")
  end
  math.randomseed(os.time() * 131 + (thread_number or 0) * 7919)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. token
end

function request()
  local b = math.random(1, 9)
  if b >= 5 then b = b + 1 end
  local i = 10 * math.random(0, blocks - 1) + b
  return wrk.format(nil, nil, nil,
    '{"principalId":"u' .. i .. '","roleId":"' .. roles[i % 13 + 1] .. '","scope":"/"}')
end
