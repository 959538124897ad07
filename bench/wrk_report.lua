-- bench/wrk_report.lua: a wrk script for bench/incidents.sh that varies the
-- request path and prints one parseable line of results.
--
-- Environment:
--   WRK_PATHS  file of request paths (with query string), one a line; each
--              thread walks the list from its own starting point, so every
--              request differs from the one before (absent: wrk's URL path)
--   WRK_TOKEN  bearer token sent as "Authorization: Bearer TOKEN" (optional)
--
-- At the end it prints, on stdout, one line:
--   wrk_report p50_ms=X p90_ms=X p99_ms=X max_ms=X rate=X requests=N
--              bytes=N errors=N status_errors=N timeouts=N
-- rate is completed requests per second over the run; bytes are response
-- bytes including headers; status_errors are responses other than 2xx/3xx;
-- errors are connect, read and write errors. The latencies come from wrk's
-- own histogram (per request, from send to the end of the response).

local threads = {}
local counter = 0

function setup(thread)
   counter = counter + 1
   thread:set("id", counter)
   table.insert(threads, thread)
end

local function read_paths(file)
   local paths = {}
   if not file or file == "" then
      return paths
   end
   local f = io.open(file, "r")
   if not f then
      error("wrk_report.lua: cannot open " .. file)
   end
   for line in f:lines() do
      if line ~= "" then
         table.insert(paths, line)
      end
   end
   f:close()
   return paths
end

local requests_ = {}
local nreq = 0
local pos = 1

function init(args)
   local token = os.getenv("WRK_TOKEN")
   local headers = {}
   for k, v in pairs(wrk.headers) do
      headers[k] = v
   end
   if token and token ~= "" then
      headers["Authorization"] = "Bearer " .. token
   end
   local paths = read_paths(os.getenv("WRK_PATHS"))
   if #paths == 0 then
      paths = { wrk.path }
   end
   -- pre-format every request once: the hot path only indexes a table
   for i, p in ipairs(paths) do
      requests_[i] = wrk.format("GET", p, headers)
   end
   nreq = #requests_
   -- spread the threads over the list (id is set by setup() before init)
   local tid = tonumber(id) or 1
   pos = ((tid - 1) * 7919) % nreq + 1
end

function request()
   local r = requests_[pos]
   pos = pos + 1
   if pos > nreq then
      pos = 1
   end
   return r
end

function done(summary, latency, requests)
   local s = summary
   local secs = s.duration / 1e6
   local e = s.errors
   io.write(string.format(
      "wrk_report p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f rate=%.1f requests=%d " ..
      "bytes=%d errors=%d status_errors=%d timeouts=%d\n",
      latency:percentile(50) / 1000, latency:percentile(90) / 1000,
      latency:percentile(99) / 1000, latency.max / 1000,
      secs > 0 and s.requests / secs or 0, s.requests, s.bytes,
      e.connect + e.read + e.write, e.status, e.timeout))
end
