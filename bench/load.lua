-- Mixed API requests for wrk: searches by words, phrases, speakers and
-- dates, the speakers list, timelines and article lookups.
-- The paths are in bench/load-paths.txt, shared with `cargo xtask load`
-- (wrk runs from the checkout's root).
local paths = {}
for line in io.lines("bench/load-paths.txt") do
  if line ~= "" then paths[#paths + 1] = line end
end
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("requests %d, errors: connect %d read %d write %d status %d timeout %d\n",
    summary.requests, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout))
  io.write(string.format("latency p50 %.2f ms, p99 %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
