#!/usr/bin/env bash
# Runs every fuzz target of the module for a bounded time each, one after
# the other, and keeps a few of the new interesting inputs of each target
# under its package's testdata/fuzz/ so that plain `go test` replays them.
#
#   bash bench/fuzz.sh [TIME_PER_TARGET]       # default 30s; CI uses 3s
#   FUZZ_KEEP=0 bash bench/fuzz.sh 3s          # run only, keep nothing
#   FUZZ_ONLY=gateway bash bench/fuzz.sh 1m    # targets of matching packages
#
# A failing input is written by go test itself to testdata/fuzz/FuzzXxx/
# and the script exits 1 after the remaining targets ran.
set -euo pipefail
cd "$(dirname "$0")/.."
per=${1:-30s}
keep=${FUZZ_KEEP:-1}
only=${FUZZ_ONLY:-}
max_keep=${FUZZ_MAX_KEEP:-10} # new entries kept per target and run
# A fresh fuzz cache per run: the time goes to new inputs, not to
# replaying everything earlier runs found (that took up to 25 s a target).
cache=$(mktemp -d /tmp/bulwark-fuzz.XXXXXX)
trap 'rm -rf "$cache"' EXIT

failed=()
flaked=() # hit the engine's race twice, with no failing input: reported, not failed
targets=0
# Every `func FuzzXxx(f *testing.F)` of the module (bench/inputcmp is its
# own module and has none).
while IFS=: read -r file name; do
	pkg=$(dirname "$file")
	[[ -n $only && $pkg != *$only* ]] && continue
	targets=$((targets + 1))
	start=$(date +%s)
	for try in 1 2; do
		result=FAIL
		if go test -run='^$' -fuzz="^${name}\$" -fuzztime="$per" "./$pkg" \
			-args -test.fuzzcachedir="$cache/$pkg" >"$cache/out" 2>&1; then
			result=ok
			break
		fi
		# Go 1.26's fuzz coordinator can report the end of -fuzztime itself
		# as "context deadline exceeded", with no failing input written
		# (golang/go#75804, fixed in Go 1.27). That is not a finding: run
		# the target once more. A real finding always writes its input.
		if grep -q 'Failing input written to' "$cache/out" ||
			! grep -q '^    context deadline exceeded$' "$cache/out"; then
			break
		fi
		echo "fuzz: $pkg $name: the fuzzing engine's end-of-time race (golang/go#75804), try $try" >&2
		result=flake
	done
	if [[ $result == FAIL ]]; then
		failed+=("$pkg $name")
		tail -30 "$cache/out" >&2
	elif [[ $result == flake ]]; then
		flaked+=("$pkg $name")
	fi
	printf '%-5s %-22s %-14s %3ss\n' "$result" "$pkg" "$name" "$(($(date +%s) - start))"
	if [[ $keep == 1 && -d $cache/$pkg/$name ]]; then
		dest=$pkg/testdata/fuzz/$name
		mkdir -p "$dest"
		# A few small entries this run found; the repository keeps only
		# a handful, as every one is replayed by go test.
		find "$cache/$pkg/$name" -type f -size -4k -printf '%s %p\n' |
			sort -n | head -n "$max_keep" | while read -r _ f; do
			[[ -e $dest/$(basename "$f") ]] || cp "$f" "$dest/"
		done || true # head closes the pipe early: not an error
	fi
done < <(grep -rHo --include='*_test.go' --exclude-dir=inputcmp '^func Fuzz[A-Za-z0-9_]*' . |
	sed 's|^\./||; s|func ||' | sort)

echo "fuzz: $targets targets, $per each, ${#failed[@]} failed"
if ((${#flaked[@]})); then
	printf 'fuzz: twice the engine race and no failing input (golang/go#75804): %s\n' "${flaked[@]}" >&2
fi
if ((${#failed[@]})); then
	printf 'fuzz: FAIL %s\n' "${failed[@]}" >&2
	exit 1
fi
