#!/usr/bin/env bash
# Gateway overhead: wrk against a trivial backend, bare, behind a plain Go
# reverse proxy (the cost of the extra hop alone) and behind
# `bulwark serve --upstream`, in the same run, and the ratios.
#
#   bash bench/gateway/run.sh [DURATION] [CONNECTIONS]
#   BACKEND_DELAY=5ms bash bench/gateway/run.sh     # a backend that works 5 ms
#
# The gateway's rate limits are set far above what wrk can send, so every
# answer is the backend's; a run that saw any non-2xx answer says so.
# Installs wrk from Debian's packages when missing. Everything listens on
# 127.0.0.1 and every run is bounded by DURATION (default 10s).
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-10s}
conns=${2:-32}
delay=${BACKEND_DELAY:-0s}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

work=$(mktemp -d /tmp/bulwark-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

go build -o "$work/bulwark" ./cmd/bulwark
go build -o "$work/backend" ./bench/gateway/backend
go build -o "$work/plainproxy" ./bench/gateway/plainproxy
"$work/backend" -addr 127.0.0.1:18081 -delay "$delay" & pids+=($!)
"$work/plainproxy" -addr 127.0.0.1:18082 -upstream http://127.0.0.1:18081 & pids+=($!)
cat > "$work/bulwark.yaml" <<YAML
log_level: warn
rate_limits:
  per_ip: {rate: 1000000, per: 1s}
  per_session: {rate: 1000000, per: 1s}
  chat: {rate: 1000000, per: 1s}
YAML
(cd "$work" && SESSION_SECRET_KEY=$(printf 'b%.0s' {1..40}) exec ./bulwark serve --addr 127.0.0.1:18080 \
	--upstream http://127.0.0.1:18081 --config bulwark.yaml --log-file - --session-store memory \
	2>/dev/null >/dev/null) & pids+=($!)
for _ in $(seq 100); do curl -sf http://127.0.0.1:18080/healthz >/dev/null && break; sleep 0.1; done

# A session and its token, for the POST run through both CSRF layers.
login=$(curl -s -c "$work/jar" -H 'Content-Type: application/json' \
	-d '{"username":"bench","password":"x"}' http://127.0.0.1:18080/api/auth/login)
token=$(printf '%s' "$login" | sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p')
cookie=$(awk '$6 ~ /bulwark_session/ {print $6"="$7}' "$work/jar")
cat > "$work/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"message":"what is the capital of France?","n":1}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-CSRF-Token"] = "$token"
wrk.headers["Cookie"] = "$cookie"
LUA
# The same session and token with a body that holds no prompt field: the
# chain of session, CSRF, limits and logging without the intent model.
sed 's/^wrk.body = .*/wrk.body = '"'"'{"item":"book","n":1}'"'"'/' "$work/post.lua" > "$work/post-item.lua"

run() { # name url [script]
	local out
	out=$(wrk -t2 -c"$conns" -d"$duration" --latency ${3:+-s "$3"} "$2")
	local rps p50 p99 bad
	rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
	bad=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
	[[ -z $bad ]] || echo "$1: $bad answers were not 2xx: the figures below are not the backend's" >&2
	p50=$(awk '$1=="50%" {print $2}' <<<"$out")
	p99=$(awk '$1=="99%" {print $2}' <<<"$out")
	printf '%-28s %10s req/s   p50 %8s   p99 %8s\n' "$1" "$rps" "$p50" "$p99"
	echo "$1 $rps $p50 $p99" >> "$work/results"
}
echo "wrk -t2 -c$conns -d$duration, $(nproc) cores, backend delay $delay"
run "bare GET" http://127.0.0.1:18081/api/items
run "plain proxy GET" http://127.0.0.1:18082/api/items
run "gateway GET" http://127.0.0.1:18080/api/items
run "bare POST" http://127.0.0.1:18081/api/chat "$work/post.lua"
run "plain proxy POST" http://127.0.0.1:18082/api/chat "$work/post.lua"
run "gateway POST (csrf+layers)" http://127.0.0.1:18080/api/chat "$work/post.lua"
run "bare POST item" http://127.0.0.1:18081/api/items "$work/post-item.lua"
run "plain proxy POST item" http://127.0.0.1:18082/api/items "$work/post-item.lua"
run "gateway POST item (csrf)" http://127.0.0.1:18080/api/items "$work/post-item.lua"
awk '
function us(v) { if (v ~ /us$/) return v+0; if (v ~ /ms$/) return v*1000; if (v ~ /s$/) return v*1e6; return v }
{ rps[NR]=$(NF-2); p50[NR]=us($(NF-1)) }
END {
	printf "GET:  p50 latency gateway/bare %.2fx, gateway/plain proxy %.2fx; throughput gateway/bare %.2fx\n",
		p50[3]/p50[1], p50[3]/p50[2], rps[3]/rps[1]
	printf "POST: p50 latency gateway/bare %.2fx, gateway/plain proxy %.2fx; throughput gateway/bare %.2fx\n",
		p50[6]/p50[4], p50[6]/p50[5], rps[6]/rps[4]
	printf "POST, no prompt field: p50 latency gateway/bare %.2fx, gateway/plain proxy %.2fx; throughput gateway/bare %.2fx\n",
		p50[9]/p50[7], p50[9]/p50[8], rps[9]/rps[7]
}' "$work/results"
