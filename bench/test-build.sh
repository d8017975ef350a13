#!/usr/bin/env bash
# The cold test build (CONTRIBUTING.md, "The test build"): `cargo test --locked --no-run` of a
# `git archive` of each REV, one after the other, each in a fresh directory with a fresh target
# directory (the registry already downloaded). For each: the CPU time (user + sys), the wall
# time, the load average before and after, the size of target/, and the crates whose rustc
# runs took the most CPU (each rustc's own time, logged through a RUSTC_WRAPPER: on a shared
# machine the wall time says little, and only builds measured one after the other compare).
# Needs git, cargo and GNU time (Debian: `time`). Usage: bench/test-build.sh REV...
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$#" -eq 0 ]; then
  echo "usage: bench/test-build.sh REV... (for example: bench/test-build.sh main HEAD)" >&2
  exit 2
fi
[ -x /usr/bin/time ] || { echo "bench/test-build.sh needs GNU time (apt-get install time)" >&2; exit 2; }
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
# The wrapper cargo runs rustc through: one line per rustc, "crate kind user-s sys-s".
cat > "$work/rustc-cpu" <<'WRAPPER'
#!/usr/bin/env bash
name=-; kind=lib; previous=
for arg in "${@:2}"; do
  case "$previous" in --crate-name) name="$arg" ;; --crate-type) kind="$arg" ;; esac
  if [ "$arg" = --test ]; then kind=test; fi
  previous="$arg"
done
exec /usr/bin/time -a -o "$ASENET_BENCH_CPU_LOG" -f "$name $kind %U %S" "$@"
WRAPPER
chmod +x "$work/rustc-cpu"
for rev in "$@"; do
  # The commit's name, resolved before anything else sees it: a REV is never an option.
  sha="$(git rev-parse --verify --end-of-options "$rev^{commit}")"
  src="$work/$sha"
  mkdir "$src"
  git archive "$sha" | tar -x -C "$src"
  : > "$work/cpu"
  before="$(cut -d' ' -f1 /proc/loadavg)"
  if ! (cd "$src" && CARGO_TARGET_DIR="$src/target" RUSTC_WRAPPER="$work/rustc-cpu" \
        ASENET_BENCH_CPU_LOG="$work/cpu" /usr/bin/time -o "$work/time" -f '%e %U %S' \
        cargo test --locked --no-run > "$work/out" 2>&1); then
    tail -20 "$work/out" >&2
    exit 1
  fi
  after="$(cut -d' ' -f1 /proc/loadavg)"
  read -r wall user sys < "$work/time"
  bytes="$(du -sb "$src/target" | cut -f1)"
  printf '%s (%s): CPU %s + %s s, wall %s s, load %s -> %s, target/ %s GB\n' "${sha:0:7}" "$rev" \
    "$user" "$sys" "$wall" "$before" "$after" "$(awk -v b="$bytes" 'BEGIN { printf "%.2f", b / 1e9 }')"
  awk '{ cpu[$1 " (" $2 ")"] += $3 + $4 } END { for (k in cpu) printf "  %6.1f s  %s\n", cpu[k], k }' "$work/cpu" \
    | sort -rn | head -12
  rm -rf "$src"
done
