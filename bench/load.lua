-- Mixed API requests for wrk: searches by words, phrases, speakers and
-- dates, the speakers list, timelines and article lookups.
local paths = {
  "/api/quotes?q=tax",
  "/api/quotes?q=%22tax%20returns%22",
  "/api/quotes?speaker=Trump&limit=20",
  "/api/quotes?q=economy&from=2016-01-01&to=2016-06-30",
  "/api/quotes?speaker=Clinton&q=email&kind=direct",
  "/api/quotes?q=immigration&outlet=nytimes.com",
  "/api/speakers?limit=20",
  "/api/speakers?q=sanders",
  "/api/speakers/Donald%20Trump/timeline?bucket=week",
  "/api/speakers/Hillary%20Clinton/timeline?bucket=month",
}
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
