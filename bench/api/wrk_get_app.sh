#!/usr/bin/env bash
# Issue 2's read-path target: GET /cluster/{c}/app/{id} with wrk (Debian package `wrk`) at 64
# keep-alive connections on this machine, against a fresh server with one stored app.
# Prints throughput, p50/p99 and the server's RSS idle and under load, with ratios to the targets
# (≥ 10,000 req/s, p99 < 5 ms, idle RSS < 50 MB).
# Usage: bench/api/wrk_get_app.sh [build/release/sparkplane] [duration=15s] [extra serve flags…]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${1:-${root}/build/release/sparkplane}"
duration="${2:-15s}"
shift $(( $# > 2 ? 2 : $# ))
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }

data="$(mktemp -d)"
"${bin}" serve --listen 127.0.0.1:0 --data-dir "${data}" --launching-paused "$@" >"${data}/serve.log" 2>&1 &
pid=$!
trap 'kill ${pid} 2>/dev/null; wait ${pid} 2>/dev/null; rm -rf "${data}"' EXIT
for _ in $(seq 100); do [[ -s "${data}/server-url" ]] && break; sleep 0.1; done
url="$(tr -d '\n' < "${data}/server-url")"
token="$(tr -d '\n' < "${data}/admin-token")"
auth="Authorization: Bearer ${token}"
cluster="$(curl -sf -H "${auth}" "${url}/ocean/spark/cluster" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["response"]["items"][0]["id"])')"
curl -sf -X POST -H "${auth}" -H 'Content-Type: application/json' "${url}/ocean/spark/cluster/${cluster}/app" \
  -d "{\"jobId\":\"pi\",\"appId\":\"pi-wrk\",\"configOverrides\":{\"type\":\"Python\",\"mainApplicationFile\":\"${root}/examples/python/pi.py\"}}" >/dev/null
target="${url}/ocean/spark/cluster/${cluster}/app/pi-wrk"
curl -sf -H "${auth}" "${target}" >/dev/null
sleep 1
rss_idle=$(awk '/VmRSS/ {print $2}' "/proc/${pid}/status")

wrk -t2 -c64 -d"${duration}" --latency -H "${auth}" "${target}" >"${data}/wrk.out" &
wrk_pid=$!
sleep 3
rss_load=$(awk '/VmRSS/ {print $2}' "/proc/${pid}/status")
wait "${wrk_pid}"
cat "${data}/wrk.out"

python3 - "${data}/wrk.out" "${rss_idle}" "${rss_load}" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
def ms(label):
    m = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    v = float(m.group(1))
    return v / 1000 if m.group(2) == "us" else v * 1000 if m.group(2) == "s" else v
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
p50, p99 = ms("50%"), ms("99%")
idle, load = int(sys.argv[2]) / 1024, int(sys.argv[3]) / 1024
print(f"GET app: {rps:,.0f} req/s (target 10,000: ratio {rps / 10000:.2f}), p50 {p50:.2f} ms, "
      f"p99 {p99:.2f} ms (target < 5 ms: ratio {p99 / 5:.2f}); RSS idle {idle:.1f} MB "
      f"(target < 50 MB: ratio {idle / 50:.2f}), under load {load:.1f} MB"
      + (f"; NON-2xx: {errors.group(1)}" if errors else ""))
EOF
