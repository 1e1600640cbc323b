#!/usr/bin/env bash
# Builds mmhex and the bare Go and tview programs, makes the files the harness opens, and runs
# bench/tmuxbench, which prints the table. Arguments go to tmuxbench (e.g. -runs 15); set
# BED=/path/to/bed or HECATE=/path/to/hecate to add them. See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${BENCH_DIR:-/tmp/mmhex-bench}
mkdir -p "$dir"

command -v tmux >/dev/null || { echo "bench: needs tmux" >&2; exit 1; }
hexedit=$(command -v hexedit || true)
[ -n "$hexedit" ] || echo "bench: no hexedit (apt-get install hexedit); measuring without it" >&2

# The README's build command, so the figures are for what users build.
go build -o "$dir/mmhex" .
go build -o "$dir/baretview" ./bench/baretview
go build -o "$dir/barego" ./bench/barego
go build -o "$dir/tmuxbench" ./bench/tmuxbench

marker=MMHEXBENCH
if [ ! -f "$dir/sparse16g" ]; then
	printf '%s' "$marker" >"$dir/sparse16g"
	truncate -s 16G "$dir/sparse16g"
fi
# 1 GiB of real (not sparse) data that holds no 0xFF byte and no "nowhere", so a search for either
# goes through all of it; read once so it is in the page cache for every tool alike.
if [ ! -f "$dir/big1g" ] || [ "$(stat -c %s "$dir/big1g")" != 1073741824 ]; then
	{ printf '%s' "$marker"; yes 'mmhex bench data' | head -c $((1024 * 1024 * 1024 - ${#marker})); } >"$dir/big1g"
fi
cat "$dir/big1g" >/dev/null
# What the floor prints and the bare tview program shows: a first screen of the sparse file.
xxd -l $((16 * 38)) "$dir/sparse16g" >"$dir/screen.txt"

exec "$dir/tmuxbench" -mmhex "$dir/mmhex" -hexedit "$hexedit" -baretview "$dir/baretview" -barego "$dir/barego" \
	-bed "${BED:-}" -hecate "${HECATE:-}" \
	-sparse "$dir/sparse16g" -big "$dir/big1g" -screen "$dir/screen.txt" -marker "$marker" "$@"
