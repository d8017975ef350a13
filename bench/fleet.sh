#!/usr/bin/env bash
# The fleet benchmark: a seeded fleet of 10,000 device files (1% cross-device conflicts),
# checked as a fleet and as plain files, each in one process. Prints wall time (median of
# RUNS) and peak memory (/usr/bin/time -v). Usage: bench/fleet.sh [DEVICES] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
devices="${1:-10000}"; runs="${2:-5}"
# The generator needs no optimising: a debug build of it is quicker than a release build
# with fat LTO.
cargo build --release --locked --bin asenet >/dev/null 2>&1
cargo build --locked -p asenet-bench --example fleet >/dev/null 2>&1
dir="$(mktemp -d)"; trap 'rm -rf "$dir"' EXIT
target/debug/examples/fleet "$dir" "$devices" --conflicts
asenet="$PWD/target/release/asenet"
cd "$dir"
measure() { # label, command...
  local label="$1"; shift
  local times=()
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o time.txt "$@" >/dev/null 2>&1 || true
    times+=("$(tail -1 time.txt)")  # time adds a line when the exit status is not 0
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v label="$label" -v n="$runs" \
    'NR == int((n + 1) / 2) { printf "%-28s median %6.2f s   peak RSS %7.1f MB\n", label, $1, $2 / 1024 }'
}
measure "check FILES (no fleet rules)" "$asenet" check devices/*.toml
measure "check --fleet" "$asenet" check --fleet asenet-fleet.toml
"$asenet" check --fleet asenet-fleet.toml --format json 2>/dev/null |
  python3 -c 'import json,sys,collections; d=json.load(sys.stdin); print("fleet diagnostics:", dict(collections.Counter(x["code"] for f in d["files"] for x in f["diagnostics"])))'
