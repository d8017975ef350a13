#!/usr/bin/env bash
# The benchmark, in one command:
#
#     bench/run.sh                 # about a minute, after the release build (~2 min)
#     bench/run.sh --netplan       # also netplan on 10k routes (a few seconds more)
#     bench/run.sh --netplan-100k  # also netplan on 100k routes (netplan alone: minutes)
#
# It installs nothing. It needs cargo, hyperfine and GNU time (/usr/bin/time), and for the
# peer netplan (Debian: apt-get install -y hyperfine time netplan.io). It builds the release
# binary, generates the device files (1k, 10k and 100k routes, valid and with 1% conflicts)
# into target/bench-data/, runs the divan benchmarks (parse, the toml crate's parse of the same
# text beside it, check, build in memory), times
# the whole `asenet check`, `asenet build` and `asenet diff` processes with hyperfine, measures peak memory
# against a parse-only process, and prints a summary with the targets of the issue.
#
# Numbers move with load: look at `uptime` first; the summary prints the load it ran under.
set -euo pipefail
cd "$(dirname "$0")/.."

netplan=0
for arg in "$@"; do
    case "$arg" in
        --netplan) netplan=$((netplan > 1 ? netplan : 1)) ;;
        --netplan-100k) netplan=2 ;;
        *) echo "usage: bench/run.sh [--netplan | --netplan-100k]" >&2; exit 2 ;;
    esac
done

need() {
    command -v "$1" >/dev/null 2>&1 || { echo "bench/run.sh needs $1 ($2)" >&2; exit 2; }
}
need cargo "the Rust toolchain"
need hyperfine "apt-get install -y hyperfine"
need /usr/bin/time "apt-get install -y time"
[ "$netplan" -eq 0 ] || need netplan "apt-get install -y netplan.io"

data=target/bench-data
mkdir -p "$data"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

echo "== build (release)"
# The binary alone first: built with the examples, it would get the `testing` feature
# they turn on (the generator, the fault injection) through the dev-dependencies.
cargo build --release --locked --bin asenet
cargo build --release --locked -p asenet-bench --example generate --example stage
asenet=target/release/asenet
stage=target/release/examples/stage

echo "== generate"
for n in 1000 10000 100000; do
    target/release/examples/generate "$n" >"$data/valid-$n.toml"
    target/release/examples/generate "$n" --conflicts >"$data/conflicts-$n.toml"
done
for n in 1000 10000 100000; do
    # The valid files must draw nothing, the others their 1% of conflicts.
    "$asenet" check "$data/valid-$n.toml" 2>/dev/null || { echo "valid-$n.toml is not valid" >&2; exit 1; }
    conflicts=$("$asenet" check --format json "$data/conflicts-$n.toml" | grep -c '"code"' || true)
    echo "valid-$n.toml: clean; conflicts-$n.toml: $conflicts diagnostics"
done

echo "== divan: parse, check, build in memory"
cargo bench --locked -p asenet-bench --bench scale | tee "$data/divan.txt"

# The median of a divan benchmark, in ms: `divan_ms GROUP ROUTES`.
divan_ms() {
    awk -v group="$1" -v arg="$2" '
        function ms(value, unit) {
            if (unit == "ns") return value / 1e6
            if (unit == "µs") return value / 1e3
            if (unit == "s") return value * 1e3
            return value
        }
        /─ [a-z_]+ / {
            name = $0; sub(/.*─ /, "", name); sub(/ .*/, "", name); current = name
        }
        /─ [0-9]+ / {
            name = $0; sub(/.*─ /, "", name); sub(/ .*/, "", name)
            if (current == group && name == arg) {
                n = split($0, fields, "│")
                split(fields[n - 3], median, " ")
                printf "%.2f", ms(median[1], median[2])
            }
        }' "$data/divan.txt"
}

echo "== hyperfine: whole processes"
hyperfine -N --warmup 10 --runs 200 --export-csv "$data/startup.csv" \
    "$asenet check examples/seed-scenario.toml"
# -i: the files with conflicts exit 1, as they should.
hyperfine -N -i --warmup 2 --runs 15 --export-csv "$data/processes.csv" \
    "$asenet check $data/valid-10000.toml" \
    "$asenet check $data/valid-100000.toml" \
    "$asenet check $data/conflicts-100000.toml" \
    "$asenet build $data/valid-10000.toml --out $data/out-10000" \
    "$asenet build $data/valid-100000.toml --out $data/out-100000" \
    "$asenet check $data/valid-10000.toml $data/conflicts-10000.toml $data/valid-1000.toml $data/conflicts-1000.toml" \
    "env RAYON_NUM_THREADS=1 $asenet check $data/valid-10000.toml $data/conflicts-10000.toml $data/valid-1000.toml $data/conflicts-1000.toml"

# The median of a hyperfine run, in ms: `hyperfine_ms CSV COMMAND-PREFIX`.
hyperfine_ms() {
    awk -F, -v command="$2" 'NR > 1 && index($1, command) == 1 { printf "%.2f", $4 * 1000; exit }' "$1"
}

echo "== diff: two 100k-route files, against checking both"
# A pull request's change: one LoadBalancer service inserted before all others (every unpinned
# address after it moves) and the metric of one route in a hundred changed. And the worst
# case, another seed: every route's next hop or metric and every service's port differ.
target/release/examples/generate 100000 --seed 43 >"$data/seed43-100000.toml"
awk '/^\[\[services\]\]$/ && !inserted {
         print "[[services]]\nname = \"added-first\"\nnamespace = \"team-00\"\ntype = \"LoadBalancer\"\nports = [{ port = 443 }]\n"
         inserted = 1
     }
     /^\[\[routes\]\]$/ { routes++ }
     /^metric = / && routes % 100 == 0 { print "metric = 7"; next }
     { print }' "$data/valid-100000.toml" >"$data/edited-100000.toml"
"$asenet" diff "$data/valid-100000.toml" "$data/edited-100000.toml" --format json |
    awk '/"changes": [0-9]/ { print "edited-100000.toml: " $2 " changes" }'
hyperfine -N --warmup 1 --runs 10 --export-csv "$data/diff.csv" \
    "$asenet check $data/valid-100000.toml $data/edited-100000.toml" \
    "$asenet diff $data/valid-100000.toml $data/edited-100000.toml" \
    "$asenet check $data/valid-100000.toml $data/seed43-100000.toml" \
    "$asenet diff $data/valid-100000.toml $data/seed43-100000.toml --format json"

echo "== peak memory (max RSS, /usr/bin/time)"
max_rss_mb() {
    /usr/bin/time -f "%M" -o "$data/rss.txt" "$@" >/dev/null 2>&1 || true
    awk '{ printf "%.0f", $1 / 1024 }' "$data/rss.txt"
}
rss_parse=$(max_rss_mb "$stage" parse "$data/valid-100000.toml")
rss_check=$(max_rss_mb "$asenet" check "$data/valid-100000.toml")
rss_build=$(max_rss_mb "$stage" build "$data/valid-100000.toml")
"$stage" parse "$data/valid-100000.toml"
"$stage" check "$data/valid-100000.toml"
"$stage" build "$data/valid-100000.toml"

netplan_10k="" netplan_100k=""
if [ "$netplan" -ge 1 ]; then
    echo "== netplan generate: the same routes on one interface"
    for n in 10000 100000; do
        [ "$n" -eq 100000 ] && [ "$netplan" -lt 2 ] && continue
        root="$data/netplan-$n"
        rm -rf "$root" && mkdir -p "$root/etc/netplan"
        target/release/examples/generate "$n" --netplan >"$root/etc/netplan/10-bench.yaml"
        chmod 600 "$root/etc/netplan/10-bench.yaml"
        runs=3; [ "$n" -eq 100000 ] && runs=1
        hyperfine -N --runs "$runs" --export-csv "$data/netplan-$n.csv" "netplan generate --root-dir $root"
        grep -c '^\[Route\]' "$root/run/systemd/network/10-netplan-eth1.network" | sed "s/^/netplan $n: routes written: /"
    done
    netplan_10k=$(hyperfine_ms "$data/netplan-10000.csv" "netplan")
    [ "$netplan" -ge 2 ] && netplan_100k=$(hyperfine_ms "$data/netplan-100000.csv" "netplan")
fi

parse_10k=$(divan_ms parse 10000) parse_100k=$(divan_ms parse 100000)
check_1k=$(divan_ms check 1000) check_10k=$(divan_ms check 10000) check_100k=$(divan_ms check 100000)
build_1k=$(divan_ms build 1000) build_10k=$(divan_ms build 10000) build_100k=$(divan_ms build 100000)
conflicts_100k=$(divan_ms check_conflicts 100000)
startup=$(hyperfine_ms "$data/startup.csv" "$asenet check examples")
check_process_10k=$(hyperfine_ms "$data/processes.csv" "$asenet check $data/valid-10000.toml")
check_process_100k=$(hyperfine_ms "$data/processes.csv" "$asenet check $data/valid-100000.toml")
conflicts_process_100k=$(hyperfine_ms "$data/processes.csv" "$asenet check $data/conflicts-100000.toml")
build_process_10k=$(hyperfine_ms "$data/processes.csv" "$asenet build $data/valid-10000.toml")
build_process_100k=$(hyperfine_ms "$data/processes.csv" "$asenet build $data/valid-100000.toml")
several=$(hyperfine_ms "$data/processes.csv" "$asenet check $data/valid-10000.toml $data/conflicts")
several_one_thread=$(hyperfine_ms "$data/processes.csv" "env RAYON_NUM_THREADS=1 $asenet check")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2f", a / b }'; }
holds() { awk -v value="$1" -v limit="$2" 'BEGIN { if (value == "-" || value == "") print "-"; else print (value <= limit ? "holds" : "MISSED") }'; }

check_over_parse=$(ratio "$check_100k" "$parse_100k")
check_scaling=$(ratio "$check_100k" "$check_10k")
build_scaling=$(ratio "$build_100k" "$build_10k")
rss_ratio=$(ratio "$rss_check" "$rss_parse")

echo
echo "== summary"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, $(awk '/^MemTotal:/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo) GiB;" \
    "load before $load_before, after $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-52s %10s %10s %10s\n' "median, ms" "1k" "10k" "100k"
printf '%-52s %10s %10s %10s\n' "parse only (divan)" "$(divan_ms parse 1000)" "$parse_10k" "$parse_100k"
printf '%-52s %10s %10s %10s\n' "the toml crate's parse, same text (divan)" "$(divan_ms parse_toml_crate 1000)" "$(divan_ms parse_toml_crate 10000)" "$(divan_ms parse_toml_crate 100000)"
printf '%-52s %10s %10s %10s\n' "check (divan)" "$check_1k" "$check_10k" "$check_100k"
printf '%-52s %10s %10s %10s\n' "check, 1% conflicts (divan)" "$(divan_ms check_conflicts 1000)" "$(divan_ms check_conflicts 10000)" "$conflicts_100k"
printf '%-52s %10s %10s %10s\n' "build in memory (divan)" "$build_1k" "$build_10k" "$build_100k"
printf '%-52s %10s %10s %10s\n' "asenet check FILE (process)" "" "$check_process_10k" "$check_process_100k"
printf '%-52s %10s %10s %10s\n' "asenet check FILE, 1% conflicts, human (process)" "" "" "$conflicts_process_100k"
printf '%-52s %10s %10s %10s\n' "asenet build FILE --out DIR (process)" "" "$build_process_10k" "$build_process_100k"
[ -n "$netplan_10k" ] && printf '%-52s %10s %10s %10s\n' "netplan generate, same routes (process)" "" "$netplan_10k" "${netplan_100k:--}"
printf '%-52s %10s %10s\n' "asenet check of four files (10k, 10k, 1k, 1k)" "$several" "1 thread: $several_one_thread"
echo
printf '%-52s %12s %10s %s\n' "target" "measured" "limit" ""
printf '%-52s %12s %10s %s\n' "check / parse only, 100k" "${check_over_parse}x" "2x" "$(holds "$check_over_parse" 2)"
printf '%-52s %12s %10s %s\n' "check, 100k / 10k" "$check_scaling" "12" "$(holds "$check_scaling" 12)"
printf '%-52s %12s %10s %s\n' "build in memory, 100k / 10k" "$build_scaling" "12" "$(holds "$build_scaling" 12)"
printf '%-52s %12s %10s %s\n' "peak RSS check / parse only, 100k ($rss_check / $rss_parse MiB)" "${rss_ratio}x" "1.5x" "$(holds "$rss_ratio" 1.5)"
# Issue 23's targets: whole processes, medians.
printf '%-52s %12s %10s %s\n' "asenet check, 100k (process)" "$check_process_100k ms" "150 ms" "$(holds "$check_process_100k" 150)"
printf '%-52s %12s %10s %s\n' "peak RSS of asenet check, 100k" "$rss_check MiB" "64 MiB" "$(holds "$rss_check" 64)"
printf '%-52s %12s %10s %s\n' "asenet check, 10k (process)" "$check_process_10k ms" "20 ms" "$(holds "$check_process_10k" 20)"
printf '%-52s %12s %10s %s\n' "asenet check examples/seed-scenario.toml" "$startup ms" "2 ms" "$(holds "$startup" 2)"
printf '%-52s %12s %10s %s\n' "build in memory, 100k" "$build_100k ms" "1000 ms" "$(holds "$build_100k" 1000)"
echo "peak RSS of the in-memory build, 100k: $rss_build MB"
if [ -n "$netplan_10k" ]; then
    echo "netplan generate / asenet build in memory: 10k $(ratio "$netplan_10k" "$build_10k")x" \
        "${netplan_100k:+, 100k $(ratio "$netplan_100k" "$build_100k")x}"
    echo "netplan generate / asenet build --out (process): 10k $(ratio "$netplan_10k" "$build_process_10k")x" \
        "${netplan_100k:+, 100k $(ratio "$netplan_100k" "$build_process_100k")x}"
fi
diff_check_edit=$(hyperfine_ms "$data/diff.csv" "$asenet check $data/valid-100000.toml $data/edited")
diff_edit=$(hyperfine_ms "$data/diff.csv" "$asenet diff $data/valid-100000.toml $data/edited")
diff_check_seed=$(hyperfine_ms "$data/diff.csv" "$asenet check $data/valid-100000.toml $data/seed43")
diff_seed=$(hyperfine_ms "$data/diff.csv" "$asenet diff $data/valid-100000.toml $data/seed43")
diff_ratio_edit=$(ratio "$diff_edit" "$diff_check_edit")
diff_ratio_seed=$(ratio "$diff_seed" "$diff_check_seed")
printf '%-52s %12s %10s %s\n' "diff / check of both, 100k, a PR's edit ($diff_edit / $diff_check_edit ms)" "${diff_ratio_edit}x" "2x" "$(holds "$diff_ratio_edit" 2)"
printf '%-52s %12s %10s %s\n' "diff / check of both, 100k, all differ ($diff_seed / $diff_check_seed ms)" "${diff_ratio_seed}x" "2x" "$(holds "$diff_ratio_seed" 2)"
