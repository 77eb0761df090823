-- wrk script of the bench's load (measure.mjs): sends the prepared requests in turn, optionally at a
-- fixed overall rate, and prints the figures as one JSON line.
-- Arguments: the file of requests (each "<byte length>\n<raw HTTP request>"), the rate or "".
local ffi = require("ffi")
ffi.cdef([[
  typedef struct { long tv_sec; long tv_nsec; } rentguy_timespec;
  int clock_gettime(int clock_id, rentguy_timespec *tp);
]])

local requests = {}
local count = 0
local sent = 0

local now_ts = ffi.new("rentguy_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, now_ts) -- CLOCK_MONOTONIC
  return tonumber(now_ts.tv_sec) * 1000 + tonumber(now_ts.tv_nsec) / 1e6
end

function init(args)
  local file = assert(io.open(args[1], "rb"))
  while true do
    local length = file:read("*l")
    if length == nil then
      break
    end
    count = count + 1
    requests[count] = file:read(tonumber(length))
  end
  file:close()
  assert(count > 0, "no requests in " .. args[1])

  local rate = tonumber(args[2] or "")
  if rate ~= nil and rate > 0 then
    -- One schedule for all connections: each request gets the next free slot, 1000/rate ms apart,
    -- and waits for it after its connection's previous answer (a late slot is taken at once).
    local interval = 1000 / rate
    local slot = nil
    function delay()
      local now = now_ms()
      if slot == nil or slot < now then
        slot = now
      end
      local wait = slot - now
      slot = slot + interval
      return math.floor(wait)
    end
  end
end

function request()
  sent = sent % count + 1
  return requests[sent]
end

function done(summary, latency, _)
  local errors = summary.errors
  io.write(string.format(
    '{"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end
