#!/usr/bin/env bash
# usage: scripts/bench-sweep.sh BUILD_DIR
# Speed of `mmusim sweep` against separate `mmusim run` calls for the same 100 configurations, in the same run (a
# benchmark, not a test: it prints figures and never fails on them). The study: L1 DTLB entries x L1 DTLB ways x L2
# TLB entries, on a >= 10M-reference lackey trace of a real program (recorded once into BUILD_DIR/bench).
set -euo pipefail

build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
refs=${BENCH_REFS:-10000000}
trace=$build/bench/bench-$refs.lackey.gz
mmusim=$build/sim/mmusim
mkdir -p "$build/bench"
"$root/scripts/bench-trace.sh" "$trace" "$refs"

l1d_entries=(16 32 64 128)
l1d_ways=(1 2 4 8 full)
l2_entries=(256 512 1024 2048 4096)
common=(--trace "$trace" --set os.populate=1 --set tlb.l2.ways=8)
join() { local IFS=,; echo "$*"; }

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# "wall cpu" of a command in seconds (cpu = user + system of it and its children).
timed() {
  local t
  t=$(TIMEFORMAT='%R %U %S'; { time "$@" >/dev/null 2>&1; } 2>&1)
  echo "$t" | awk '{ printf "%s %.2f\n", $1, $2 + $3 }'
}

runs() { # the 100 configurations as separate runs, one after the other
  for e in "${l1d_entries[@]}"; do
    for w in "${l1d_ways[@]}"; do
      for l2 in "${l2_entries[@]}"; do
        "$mmusim" run "${common[@]}" --json --set tlb.l1d.entries="$e" --set tlb.l1d.ways="$w" \
          --set tlb.l2.entries="$l2" >"$out/run-$e-$w-$l2.json"
      done
    done
  done
}

runs_parallel() { # the same runs, as many at a time as there are CPUs
  for e in "${l1d_entries[@]}"; do
    for w in "${l1d_ways[@]}"; do
      for l2 in "${l2_entries[@]}"; do echo "$e $w $l2"; done
    done
  done | xargs -P "$(nproc)" -n 3 sh -c '"$0" run --trace "$1" --set os.populate=1 --set tlb.l2.ways=8 --json \
      --set tlb.l1d.entries="$2" --set tlb.l1d.ways="$3" --set tlb.l2.entries="$4" >/dev/null' "$mmusim" "$trace"
}

sweep() {
  "$mmusim" sweep "${common[@]}" --sweep tlb.l1d.entries="$(join "${l1d_entries[@]}")" \
    --sweep tlb.l1d.ways="$(join "${l1d_ways[@]}")" --sweep tlb.l2.entries="$(join "${l2_entries[@]}")" "$@"
}

load=$(cut -d' ' -f1-3 /proc/loadavg)
read -r w_sweep c_sweep <<<"$(timed sweep -o "$out/sweep")"
read -r w_sweep1 c_sweep1 <<<"$(timed sweep -j 1)"
read -r w_runs c_runs <<<"$(timed runs)"
read -r w_par c_par <<<"$(timed runs_parallel)"
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

# The sweep and the runs must agree: every figure of every run's JSON against its row of the sweep's CSV (the
# provenance, which names the trace and the configuration, is not a figure).
agree=$(awk -F, 'FNR == NR {
    if (FNR == 1) { for (i = 1; i <= NF; i++) col[$i] = i; next }
    rows[$1 "-" $2 "-" $3] = $0; next
  }
  FNR == 1 { k = FILENAME; sub(/.*run-/, "", k); sub(/[.]json$/, "", k); split(rows[k], cell, ","); files++ }
  match($0, /^[ \t]*"[^"]+":[ \t]*/) {
    name = substr($0, RSTART, RLENGTH); sub(/^[ \t]*"/, "", name); sub(/".*/, "", name)
    if (name ~ /^(trace|format|engine)$/ || name ~ /^config[.]/ || name ~ /^provenance[.]/) next
    v = substr($0, RSTART + RLENGTH); sub(/,[ \t]*$/, "", v)
    figures++
    if (!(name in col) || cell[col[name]] != v) { bad++; if (!first) first = k " " name ": run " v ", sweep " cell[col[name]] }
  }
  END { if (bad || files != 100) printf "NO (%d of %d figures of %d runs differ; first: %s)", bad, figures, files, first
        else printf "yes (%d figures of %d runs)", figures, files }' "$out/sweep/sweep.csv" "$out"/run-*.json)

awk -v ws="$w_sweep" -v cs="$c_sweep" -v ws1="$w_sweep1" -v cs1="$c_sweep1" -v wr="$w_runs" -v cr="$c_runs" \
  -v wp="$w_par" -v cp="$c_par" -v trace="$trace" -v cpus="$(nproc)" -v load="$load" -v load_end="$load_end" \
  -v agree="$agree" 'BEGIN {
  printf "bench: mmusim sweep, 100 configurations (tlb.l1d.entries 16..128 x tlb.l1d.ways 1..full x tlb.l2.entries 256..4096)\n"
  printf "  trace %s; %d CPUs; load average at start %s, at end %s\n", trace, cpus, load, load_end
  printf "                                          wall s     cpu s\n"
  printf "  100 x mmusim run, one after the other %9.2f %9.2f\n", wr, cr
  printf "  100 x mmusim run, %d at a time         %9.2f %9.2f\n", cpus, wp, cp
  printf "  mmusim sweep -j 1                     %9.2f %9.2f\n", ws1, cs1
  printf "  mmusim sweep (-j %d, with plots)       %9.2f %9.2f\n", cpus, ws, cs
  printf "  speed-up, sweep vs runs one after the other: %.1fx wall, %.1fx cpu (target >= 20x)\n", wr / ws, cr / cs
  printf "  speed-up, sweep vs runs %d at a time:        %.1fx wall\n", cpus, wp / ws
  printf "  sweep and runs agree on every figure: %s\n", agree
}'
