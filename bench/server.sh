#!/usr/bin/env bash
# The language server's keystroke latency and memory, two binaries side by side in one run:
#
#     bench/server.sh BEFORE AFTER       # e.g. a build of main and target/release/asenet
#
# For the first example, the 10k- and 100k-route files of bench/run.sh (generated into
# target/bench-data/ when missing) it runs `server_latency` (bench/server.rs) against each
# binary in turn: keystrokes at the end of the file and in its middle, p50 and p95 from
# writing a `didChange` to reading its `publishDiagnostics`, and the server's CPU time per
# edit. Then 10,000 edits of the 10k file against AFTER: resident memory after 1,000 and
# after 10,000. Numbers move with load: the load average is printed before and after.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 2 ] || { echo "usage: bench/server.sh BEFORE AFTER" >&2; exit 2; }
before=$1 after=$2
data=target/bench-data
mkdir -p "$data"
cargo build --release --locked -p asenet-bench --example generate --example server_latency
for n in 10000 100000; do
    [ -s "$data/valid-$n.toml" ] || target/release/examples/generate "$n" >"$data/valid-$n.toml"
done
latency=target/release/examples/server_latency
echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores; load before $(cut -d' ' -f1-3 /proc/loadavg)"
for file in examples/seed-scenario.toml "$data/valid-10000.toml" "$data/valid-100000.toml"; do
    edits=200
    case "$file" in *100000*) edits=100 ;; esac
    for at in "" --middle; do
        for binary in "$before" "$after"; do
            printf '%-8s ' "$([ "$binary" = "$before" ] && echo before || echo after)"
            ASENET_BIN=$binary "$latency" "$file" "$edits" $at
        done
    done
done
printf '%-8s ' after
ASENET_BIN=$after "$latency" "$data/valid-10000.toml" 10000 --middle
echo "load after $(cut -d' ' -f1-3 /proc/loadavg)"
