#!/usr/bin/env bash
# usage: scripts/cosim-bench.sh BUILD_DIR
# Co-simulation speed (a benchmark, not a test: it prints figures and never fails on them). mmucosim-default runs
# the RTL (Verilator) and the C model in lockstep on the constrained-random stimulus with tracing off, as built in
# BUILD_DIR and as built with profile-guided optimisation (scripts/cosim-pgo.sh, minutes); then the same
# RTL runs under Icarus Verilog on the same stimulus, recorded by mmucosim (--record-stimulus: every cycle's inputs
# and the model's outputs, which the Icarus testbench checks). Icarus start-up (elaboration) is timed apart.
set -euo pipefail

build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
cycles=${COSIM_BENCH_CYCLES:-1000000}
icycles=${COSIM_BENCH_ICARUS_CYCLES:-20000}
runs=${BENCH_RUNS:-3}
cosim=$build/sim/cosim/mmucosim-default
work=$build/bench/cosim

if [ ! -x "$cosim" ]; then
  echo "bench: $cosim not built (Verilator >= 5.0 and rtl/mmu_top.sv needed); co-simulation skipped"
  exit 0
fi
mkdir -p "$work"

# Best of $runs: the cycle rate mmucosim reports itself (set-up excluded).
best_of() {
  local best="" rate
  for _ in $(seq "$runs"); do
    rate=$("$1" --random "$cycles" --seed 1 | awk '/speed/ { print $4 }')
    if [ -z "$best" ] || awk -v a="$rate" -v b="$best" 'BEGIN { exit !(a > b) }'; then best=$rate; fi
  done
  echo "$best"
}
best_rate=$(best_of "$cosim")

# The same program built with profile-guided optimisation (scripts/cosim-pgo.sh, its own build directory, trained
# on another seed); COSIM_BENCH_PGO=0 skips it.
pgo_rate=""
if [ "${COSIM_BENCH_PGO:-1}" != 0 ]; then
  "$root"/scripts/cosim-pgo.sh "$work/pgo-build" >&2
  pgo_rate=$(best_of "$work/pgo-build/sim/cosim/mmucosim-default")
fi

icarus=""
if command -v iverilog >/dev/null && command -v vvp >/dev/null; then
  "$cosim" --random "$icycles" --seed 1 --quiet --record-stimulus "$work/stim.txt" --icarus-tb "$work/tb.sv"
  head -n 1 "$work/stim.txt" >"$work/stim1.txt"
  if ! iverilog -g2012 -I"$root/rtl" -o "$work/tb.vvp" "$work/tb.sv" $("$root"/scripts/rtl-sources.sh) 2>"$work/iverilog.log"; then
    cat "$work/iverilog.log" >&2
    exit 1
  fi
  secs() { local t; t=$(TIMEFORMAT=%R; { time vvp -n "$work/tb.vvp" +stim="$1" >"$2"; } 2>&1); echo "$t"; }
  t_start=$(secs "$work/stim1.txt" "$work/icarus1.log")
  t_run=$(secs "$work/stim.txt" "$work/icarus.log")
  if ! grep -q "icarus replay: $icycles cycles, 0 mismatches" "$work/icarus.log"; then
    echo "bench: the Icarus replay does not match the recording:" >&2
    cat "$work/icarus.log" >&2
    exit 1
  fi
  icarus="$t_start $t_run"
fi

awk -v cyc="$cycles" -v rate="$best_rate" -v prate="$pgo_rate" -v icyc="$icycles" -v ic="$icarus" 'BEGIN {
  printf "bench: co-simulation, configuration default (constrained-random stimulus, seed 1, tracing off)\n"
  printf "  mmucosim (Verilator RTL + C model, lockstep)  %9d cycles  %8.3f M cycles/s   (target >= 2)\n", cyc, rate
  if (prate != "")
    printf "  the same, profile-guided build (cosim-pgo.sh) %9d cycles  %8.3f M cycles/s   (target >= 2)\n", cyc, prate
  if (ic == "") { print "  Icarus: iverilog/vvp not installed, skipped"; exit }
  split(ic, t, " ")
  run = t[2] - t[1]; if (run <= 0) run = t[2]
  irate = icyc / run
  printf "  Icarus (same RTL, recorded cycles replayed) %9d cycles  %8.3f k cycles/s   (%.1f s start-up excluded)\n", icyc, irate / 1e3, t[1]
  printf "  mmucosim / Icarus                           %9.1f x                          (target >= 50)\n", rate * 1e6 / irate
}'
