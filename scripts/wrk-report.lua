-- wrk script for scripts/loadtest.py: counts responses outside 2xx (wrk's own summary lets 3xx
-- pass) and prints one "wrk-report <key> <value>" line per figure when the run is done.
--
--   wrk -t2 -c32 -d30s -s scripts/wrk-report.lua -H "Cookie: sessionid=..." http://127.0.0.1:8000/

local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    non2xx = 0
    last_bad_status = 0
end

function response(status, headers, body)
    if status < 200 or status > 299 then
        non2xx = non2xx + 1
        last_bad_status = status
    end
end

function done(summary, latency, requests)
    local bad, bad_status = 0, 0
    for _, thread in ipairs(threads) do
        bad = bad + thread:get("non2xx")
        if thread:get("last_bad_status") ~= 0 then
            bad_status = thread:get("last_bad_status")
        end
    end
    local errors = summary.errors
    local report = {
        requests = summary.requests,
        duration_us = summary.duration,
        bytes = summary.bytes,
        non2xx = bad,
        last_bad_status = bad_status,
        errors_connect = errors.connect,
        errors_read = errors.read,
        errors_write = errors.write,
        errors_timeout = errors.timeout,
        latency_mean_us = latency.mean,
        latency_max_us = latency.max,
        latency_p50_us = latency:percentile(50),
        latency_p90_us = latency:percentile(90),
        latency_p99_us = latency:percentile(99),
    }
    for key, value in pairs(report) do
        io.write(string.format("wrk-report %s %d\n", key, value))
    end
end
