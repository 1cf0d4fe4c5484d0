#!/bin/sh
# Measures the sandbox's overhead side by side: the interpreter run bare,
# under bubblewrap (a fresh sandbox), under `bulwark exec` (a fresh sandbox)
# and through the server's warm pool, for `sh -c true` and `python3 -c pass`.
# Prints medians and ratios over bare, then the pool in process (poolbench,
# with runs per second at full concurrency) and through `bulwark serve` as an
# HTTP client sees it (bench/load -script-latency). Run as root from anywhere:
#
#	sh bench/sandbox/run.sh [RUNS]
set -eu
runs=${1:-100}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

need() { command -v "$1" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }; }
need bwrap bubblewrap
need hyperfine hyperfine

cd "$root"
go build -o "$work/bulwark" ./cmd/bulwark
go build -o "$work/poolbench" ./bench/sandbox/poolbench
echo true > "$work/true.sh"
echo pass > "$work/pass.py"

# The real python binary and its prefix (pyenv shims are shell scripts).
py=$(python3 -c 'import sys; print(sys.executable)')
prefix=$(python3 -c 'import sys; print(sys.base_prefix)')
bw="bwrap --unshare-all --die-with-parent --ro-bind /usr /usr --symlink usr/bin /bin
 --symlink usr/lib /lib --symlink usr/lib64 /lib64 --ro-bind $prefix $prefix
 --proc /proc --dev /dev --tmpfs /tmp --"

hyperfine -N --warmup 5 --runs "$runs" --export-json "$work/h.json" \
	-n bare-sh "sh -c true" \
	-n bwrap-sh "$(echo $bw) sh -c true" \
	-n bulwark-sh "$work/bulwark exec --lang sh $work/true.sh" \
	-n bare-python "$py -c pass" \
	-n bwrap-python "$(echo $bw) $py -c pass" \
	-n bulwark-python "$work/bulwark exec --lang python $work/pass.py" >/dev/null

python3 - "$work/h.json" <<'PY'
import json, statistics, sys
res = {r["command"]: statistics.median(r["times"]) * 1000 for r in json.load(open(sys.argv[1]))["results"]}
print("%-16s %10s %12s %8s" % ("command", "median ms", "over bare ms", "ratio"))
for lang in ("sh", "python"):
    bare = res["bare-" + lang]
    for tool in ("bare", "bwrap", "bulwark"):
        m = res[tool + "-" + lang]
        print("%-16s %10.2f %12.2f %8.2f" % (tool + "-" + lang, m, m - bare, m / bare))
PY
echo
echo "warm pool (script.Runner):"
"$work/poolbench" -n "$runs" -python "$py"
echo
echo "warm pool through bulwark serve (POST /api/scripts/run, timed by the client):"
go build -o "$work/load" ./bench/load
"$work/load" -bulwark "$work/bulwark" -script-latency "$runs" | tail -n +2
