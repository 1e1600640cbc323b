#!/usr/bin/env bash
# .ci/fuzz.sh - runs every fuzz target in the module for a few seconds each (FUZZTIME, default
# 4s), so each parser of what people type or feed (hex, offsets, sizes, patch scripts, xxd dumps,
# keys.conf) meets fresh garbage on every CI run. Targets are found, not listed: a new FuzzX in
# any package is run without touching this script. A failure leaves its input in
# PKG/testdata/fuzz/FuzzX/ for `go test -run=FuzzX/NAME ./PKG` to replay.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-4s}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
grep -rl --include='*_test.go' '^func Fuzz' . | sort | while read -r file; do
	pkg=./$(dirname "${file#./}")
	for target in $(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$file"); do
		printf 'fuzz %s %s\n' "$pkg" "$target"
		for try in 1 2; do
			if go test -run='^$' -fuzz="^${target}\$" -fuzztime="$fuzztime" "$pkg" >"$log" 2>&1; then
				break
			fi
			# Go 1.26's fuzz coordinator can fail a target with a bare "context deadline
			# exceeded" as -fuzztime runs out, with no input at fault (go.dev/issue/75804, fixed
			# in Go 1.27): that alone is run again, once. Anything else, or twice, fails.
			if [ "$try" = 1 ] && grep -q 'context deadline exceeded' "$log" && ! grep -q 'Failing input written' "$log"; then
				echo "  Go's fuzz deadline race (go.dev/issue/75804), no failing input: again"
				continue
			fi
			tail -30 "$log"
			exit 1
		done
	done
done
