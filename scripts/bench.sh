#!/usr/bin/env bash
# usage: scripts/bench.sh BUILD_DIR
# Speed of mmusim against a bare parse of the same trace, in the same run (a benchmark, not a test: it prints figures
# and never fails on them). The trace (>= 10M lackey references of a real program) is recorded once into BUILD_DIR.
set -euo pipefail

build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
refs=${BENCH_REFS:-10000000}
runs=${BENCH_RUNS:-3}
trace=$build/bench/bench-$refs.lackey.gz
mkdir -p "$build/bench"
"$root/scripts/bench-trace.sh" "$trace" "$refs"

# Best of $runs wall-clock times of a command, in seconds.
best_time() {
  local best="" t
  for _ in $(seq "$runs"); do
    t=$(TIMEFORMAT=%R; { time "$@" >/dev/null 2>&1; } 2>&1)
    if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$t; fi
  done
  echo "$best"
}

sim=("$build/sim/mmusim" run --trace "$trace" --set os.populate=1 --json)
json=$("${sim[@]}" 2>/dev/null)
json_field() { printf '%s\n' "$json" | grep -o "\"$1\":[[:space:]]*[0-9]*" | grep -o '[0-9]*$'; }
translations=$(json_field translations)
references=$(json_field references)

t_parse=$(best_time "$build/sim/trace-parse-only" "$trace")
t_sim=$(best_time "${sim[@]}")

awk -v refs="$references" -v tr="$translations" -v tp="$t_parse" -v ts="$t_sim" -v trace="$trace" 'BEGIN {
  printf "bench: mmusim run (L1 ITLB + L1 DTLB + STLB, os.populate=1) on %s\n", trace
  printf "  references                 %12d\n", refs
  printf "  translations               %12d\n", tr
  printf "  parse-only reader          %9.3f s  %8.2f M references/s\n", tp, refs / tp / 1e6
  printf "  mmusim run                 %9.3f s  %8.2f M translations/s   (target >= 10)\n", ts, tr / ts / 1e6
  printf "  mmusim / parse-only        %9.2f x                           (target <= 2)\n", ts / tp
}'
