-- wrk script: rotates the session cookies given in BENCH_COOKIES ("a|b|c", one per simulated user), named
-- BENCH_COOKIE_NAME (sessionid unless given)
-- and prints the figures as one JSON line (wrk's own output has no p95).
local cookies = {}
for c in string.gmatch(os.getenv("BENCH_COOKIES") or "", "[^|]+") do
  table.insert(cookies, (os.getenv("BENCH_COOKIE_NAME") or "sessionid") .. "=" .. c)
end
local n = 0

request = function()
  if #cookies == 0 then
    return wrk.format("GET")
  end
  n = n % #cookies + 1
  return wrk.format("GET", nil, { ["Cookie"] = cookies[n] })
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, ' ..
    '"max_ms": %.2f, "errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.connect, e.read, e.write, e.status, e.timeout))
end
