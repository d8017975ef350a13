#!/usr/bin/env bash
# The import benchmark: a seeded fleet of N device exports (UTF-16LE, as Windows PowerShell
# 5.1 writes them), imported and then checked. First in one process (bench/import.rs: the
# library's `import` against `check` of the files it writes), then as a fleet operator runs
# the binary: `asenet import` once per export (a shell loop, N processes) against one
# `asenet check` of the N files and against N `asenet check` processes. Usage:
# bench/import.sh [N] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-1000}"; runs="${2:-3}"
cargo build --release --locked --bin asenet >/dev/null 2>&1
cargo build --release --locked -p asenet-bench --example import >/dev/null 2>&1
dir="$(mktemp -d)"; trap 'rm -rf "$dir"' EXIT
target/release/examples/import "$count" "$dir/exports"
asenet="$PWD/target/release/asenet"
cd "$dir"
mkdir -p files
median() { sort -n | awk -v n="$runs" 'NR == int((n + 1) / 2)'; }
seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; end=$(date +%s.%N); echo "$end - $start" | bc; }
# No subshell in the loops (`$(basename ...)` would fork a process per file and be timed too).
import_all() {
  local file name
  for file in exports/*.config.json; do
    name="${file##*/}"
    "$asenet" import --device "$file" > "files/${name%.config.json}.toml"
  done
}
check_each() { for file in files/*.toml; do "$asenet" check "$file"; done; }
import_all
printf '%-34s %s s\n' "import, one process per export" "$(for _ in $(seq "$runs"); do seconds import_all; done | median)"
printf '%-34s %s s\n' "check, one process for all" "$(for _ in $(seq "$runs"); do seconds "$asenet" check files/*.toml; done | median)"
printf '%-34s %s s\n' "check, one process per file" "$(for _ in $(seq "$runs"); do seconds check_each; done | median)"
