#!/usr/bin/env bash
# Requests per second through one and through two `bulwark serve` instances
# sharing one Redis (sessions and rate limits in Redis), on this machine.
#
#   bash bench/gateway/instances.sh [DURATION] [CONNECTIONS]
#
# Every request is POST /api/chat with a session cookie and CSRF token, so
# each passes both CSRF layers, the Redis session check, the Redis rate
# limits (set high enough not to refuse), the input and intent layers and
# the demo assistant. Everything listens on 127.0.0.1; each wrk run is
# bounded by DURATION (default 10s).
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-10s}
conns=${2:-32}
for cmd in wrk redis-server; do
	command -v $cmd >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk redis-server >/dev/null; }
done

work=$(mktemp -d /tmp/bulwark-inst.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

go build -o "$work/bulwark" ./cmd/bulwark
redis-server --bind 127.0.0.1 --port 6394 --save '' --appendonly no --dir "$work" >/dev/null & pids+=($!)
printf 'bench-password\n' | "$work/bulwark" user add --file "$work/users" bench >/dev/null
cat > "$work/bulwark.yaml" <<YAML
redis_url: redis://127.0.0.1:6394/0
users_file: $work/users
log_file: "-"
log_level: warn
scripts: {enabled: false}
rate_limits:
  per_ip: {rate: 1000000, per: 1s}
  per_session: {rate: 1000000, per: 1s}
  chat: {rate: 1000000, per: 1s}
YAML
start() { # port
	mkdir -p "$work/$1"
	(cd "$work/$1" && SESSION_SECRET_KEY=$(printf 'i%.0s' {1..40}) exec ../bulwark serve --addr "127.0.0.1:$1" \
		--config ../bulwark.yaml >/dev/null 2>&1) & pids+=($!)
	for _ in $(seq 100); do curl -sf "http://127.0.0.1:$1/healthz" >/dev/null && return; sleep 0.1; done
	echo "instance on $1 did not start" >&2; exit 1
}
start 18090
login=$(curl -s -c "$work/jar" -H 'Content-Type: application/json' \
	-d '{"username":"bench","password":"bench-password"}' http://127.0.0.1:18090/api/auth/login)
token=$(printf '%s' "$login" | sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p')
cookie=$(awk '$6 ~ /bulwark_session/ {print $6"="$7}' "$work/jar")
cat > "$work/chat.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"message":"What is the capital of France, and why is it famous?"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-CSRF-Token"] = "$token"
wrk.headers["Cookie"] = "$cookie"
LUA
# rps prints the requests per second of a wrk output on stdin, and warns on
# stderr when any answer was not 2xx (a refused login, a rate limit...).
rps() {
	local out
	out=$(cat)
	awk '/Non-2xx/ {print "warning: " $NF " answers were not 2xx" > "/dev/stderr"}' <<<"$out"
	awk '/Requests\/sec/ {print $2}' <<<"$out"
}
echo "wrk -t1 -c$conns -d$duration per instance, $(nproc) cores, POST /api/chat with Redis"
one=$(wrk -t1 -c"$conns" -d"$duration" -s "$work/chat.lua" http://127.0.0.1:18090/api/chat | rps)
printf 'one instance:  %10s req/s\n' "$one"
start 18091
wrk -t1 -c"$((conns / 2))" -d"$duration" -s "$work/chat.lua" http://127.0.0.1:18090/api/chat > "$work/a" &
first=$!
wrk -t1 -c"$((conns / 2))" -d"$duration" -s "$work/chat.lua" http://127.0.0.1:18091/api/chat > "$work/b"
wait "$first"
a=$(rps < "$work/a"); b=$(rps < "$work/b")
awk -v a="$a" -v b="$b" -v one="$one" 'BEGIN {
	printf "two instances: %10.2f req/s (%.2f + %.2f), %.2fx one instance\n", a+b, a, b, (a+b)/one }'
