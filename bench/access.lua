-- wrk script: POST access-evaluation bodies for random principals that hold the role they ask about.
-- One script for every endpoint measured, so that all of them pay the same client-side cost per request:
--
--   wrk ... -s bench/access.lua <url> -- <mode> <bearer token> <T> <A> [<batch size>]
--
--   mode "eval":  POST /v1/tenants/t<k>/access/evaluation,  k uniform in [1, T]: a random tenant per request
--   mode "batch": POST /v1/tenants/t<k>/access/evaluations, {"evaluations":[...]} of <batch size> items (default
--                 100), all of them in the one random tenant t<k>, each a random principal as below
--   mode "bare":  POST to the path of <url> itself (the anchor's /bare, Pim's /bench/bare), the same body as "eval";
--                 the tenant is drawn all the same, so that the client does the same work in every mode
--
-- Principal i = 10*a + b with a uniform in [0, A) and b in {1,2,3,4,6,7,8,9,10}: every i answers "allow"
-- (bench/load.sql: i % 5 <> 0 holds an active assignment, i % 10 = 0 an active activation; i % 10 = 5 is skipped).
-- Principal ids are per tenant ('u<i>' exists in every tenant). The role is roles[i % 13 + 1]; keep this list in the
-- order of bench/load.sql, bench/load-sqlite.sql and bench/run.sh.
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

local mode = "eval"
local tenants = 1
local blocks = 1
local batch = 100

function init(args)
  mode = args[1]
  local token = args[2]
  tenants = tonumber(args[3])
  blocks = tonumber(args[4])
  batch = tonumber(args[5] or "100")
  if (mode ~= "eval" and mode ~= "batch" and mode ~= "bare") or token == nil or tenants == nil or tenants < 1
      or blocks == nil or blocks < 1 or batch == nil or batch < 1 then
    error("usage: wrk ... -s access.lua <url> -- <eval|batch|bare> <bearer token> <tenants> <blocks of ten principals> [<batch size>]")
  end
  math.randomseed(os.time() * 131 + (thread_number or 0) * 7919)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. token
end

-- One item: a random principal that holds the role it asks about.
local function item()
  local b = math.random(1, 9)
  if b >= 5 then b = b + 1 end
  local i = 10 * math.random(0, blocks - 1) + b
  return '{"principalId":"u' .. i .. '","roleId":"' .. roles[i % 13 + 1] .. '","scope":"/"}'
end

local items = {}
function request()
  local k = math.random(1, tenants)
  if mode == "batch" then
    for n = 1, batch do items[n] = item() end
    return wrk.format("POST", "/v1/tenants/t" .. k .. "/access/evaluations", nil,
      '{"evaluations":[' .. table.concat(items, ",", 1, batch) .. ']}')
  elseif mode == "eval" then
    return wrk.format("POST", "/v1/tenants/t" .. k .. "/access/evaluation", nil, item())
  end
  return wrk.format(nil, nil, nil, item())
end
