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

# Best of $runs runs of a command: "wall cpu" in seconds (cpu = user + system; less disturbed by other load).
best_time() {
  local best_wall="" best_cpu="" t wall cpu
  for _ in $(seq "$runs"); do
    t=$(TIMEFORMAT='%R %U %S'; { time "$@" >/dev/null 2>&1; } 2>&1)
    wall=${t%% *}
    cpu=$(echo "$t" | awk '{ print $2 + $3 }')
    if [ -z "$best_wall" ] || awk -v a="$wall" -v b="$best_wall" 'BEGIN { exit !(a < b) }'; then best_wall=$wall; fi
    if [ -z "$best_cpu" ] || awk -v a="$cpu" -v b="$best_cpu" 'BEGIN { exit !(a < b) }'; then best_cpu=$cpu; fi
  done
  echo "$best_wall $best_cpu"
}

sim=("$build/sim/mmusim" run --trace "$trace" --set os.populate=1 --json)
json=$("${sim[@]}" 2>/dev/null)
json_field() { printf '%s\n' "$json" | grep -o "\"$1\":[[:space:]]*[0-9]*" | grep -o '[0-9]*$'; }
translations=$(json_field translations)
references=$(json_field references)

t_parse=$(best_time "$build/sim/trace-parse-only" "$trace")
t_sim=$(best_time "${sim[@]}")

read -r w_parse c_parse <<<"$t_parse"
read -r w_sim c_sim <<<"$t_sim"
awk -v refs="$references" -v tr="$translations" -v wp="$w_parse" -v cp="$c_parse" -v ws="$w_sim" -v cs="$c_sim" \
  -v trace="$trace" -v runs="$runs" -v load="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
  printf "bench: mmusim run (L1 ITLB + L1 DTLB + STLB, os.populate=1) on %s\n", trace
  printf "  best of %d runs; load average at start %s\n", runs, load
  printf "  references                 %12d\n", refs
  printf "  translations               %12d\n", tr
  printf "                               wall s    cpu s\n"
  printf "  parse-only reader          %9.3f %9.3f   %7.2f M references/s (cpu)\n", wp, cp, refs / cp / 1e6
  printf "  mmusim run                 %9.3f %9.3f   %7.2f M translations/s (cpu; target >= 10)\n", ws, cs, tr / cs / 1e6
  printf "  mmusim / parse-only        %9.2f %9.2f x (target <= 2)\n", ws / wp, cs / cp
}'

# The model's trace readers alone, per reference: the same references as lackey (gzip, as lackey traces are kept) and
# as ChampSim records (converted once; xz as ChampSim traces are distributed, and gzip for the same codec).
champ=$build/bench/bench-$refs.champsim
for codec in xz gz; do
  if [ ! -s "$champ.$codec" ] || [ "$champ.$codec" -ot "$trace" ]; then
    "$build/sim/mmusim" convert --to champsim --trace "$trace" --force "$champ.$codec" 2>/dev/null
  fi
done
t_lackey=$(best_time "$build/sim/trace-read-only" "$trace")
t_champ_xz=$(best_time "$build/sim/trace-read-only" "$champ.xz")
t_champ_gz=$(best_time "$build/sim/trace-read-only" "$champ.gz")
# Uncompressed, the decoding alone (the copies are removed again: together about 0.7 GB for 10M references).
gzip -dc "$trace" >"$build/bench/plain.lackey"
xz -dc "$champ.xz" >"$build/bench/plain.champsim"
t_lackey_plain=$(best_time "$build/sim/trace-read-only" "$build/bench/plain.lackey")
t_champ_plain=$(best_time "$build/sim/trace-read-only" "$build/bench/plain.champsim")
rm -f "$build/bench/plain.lackey" "$build/bench/plain.champsim"
awk -v refs="$references" -v l="${t_lackey#* }" -v x="${t_champ_xz#* }" -v g="${t_champ_gz#* }" \
  -v lp="${t_lackey_plain#* }" -v cp="${t_champ_plain#* }" 'BEGIN {
  printf "  trace readers alone (mmu_trace_read; best cpu s; target: ChampSim at least as fast per reference)\n"
  printf "  lackey, gzip               %9.3f           %7.1f ns/reference\n", l, l / refs * 1e9
  printf "  ChampSim, xz               %9.3f           %7.1f ns/reference (%.2f x lackey gzip)\n", x, x / refs * 1e9, x / l
  printf "  ChampSim, gzip             %9.3f           %7.1f ns/reference (%.2f x lackey gzip)\n", g, g / refs * 1e9, g / l
  printf "  lackey, uncompressed       %9.3f           %7.1f ns/reference\n", lp, lp / refs * 1e9
  printf "  ChampSim, uncompressed     %9.3f           %7.1f ns/reference (%.2f x lackey uncompressed)\n", cp, cp / refs * 1e9, cp / lp
}'

# The co-simulation: Verilator lockstep rate and the Icarus ratio (skipped when mmucosim is not built).
"$root/scripts/cosim-bench.sh" "$build"
