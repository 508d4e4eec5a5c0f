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

# Instructions per co-simulated cycle, counted by valgrind's cachegrind: exact and repeatable where the rates above move
# with the load of a shared machine, so a change to the RTL or the harness can be judged by them. Set-up is
# subtracted (a run of 1000 cycles, the same start); each part is named by its functions: the Verilated RTL (Vmmu_top*,
# Verilator's run-time library), the C library, and the rest (the harness, the model and the stimulus).
# COSIM_BENCH_IR=0 skips it.
ir=""
if [ "${COSIM_BENCH_IR:-1}" != 0 ] && command -v valgrind >/dev/null; then
  ir_cycles=${COSIM_BENCH_IR_CYCLES:-100000}
  [[ $ir_cycles =~ ^[0-9]+$ ]] && [ "$ir_cycles" -gt 1000 ] ||
    { echo "bench: COSIM_BENCH_IR_CYCLES must be a number above 1000 (the set-up run's length), not '$ir_cycles'" >&2; exit 2; }
  count_ir() {
    valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file="$work/ir-$1.out" \
      "$cosim" --random "$1" --seed 1 --quiet >/dev/null 2>"$work/ir-$1.log" ||
      { echo "bench: mmucosim under cachegrind failed:" >&2; tail -n 20 "$work/ir-$1.log" >&2; exit 1; }
    # fl= names the source file (??? where the binary has no line tables, as a release build), fn= the function;
    # a line of numbers is a source line and its instruction count.
    awk -v root="$root" '/^fl=/ { fl = substr($0, 4); next }
         /^fn=/ { fn = substr($0, 4)
                  part = fn ~ /^(Vmmu_top|Verilated|VL_|Vl)/ || fl ~ /verilat/ ? "rtl" : fl == "???" || index(fl, root) == 1 ? "rest" : "libc"
                  next }
         /^[0-9]/ { n[part] += $2; f[fn] += $2 }
         END { printf "%.0f %.0f %.0f\n", n["rtl"], n["libc"], n["rest"]; for (k in f) printf "%.0f %s\n", f[k], k }' \
      "$work/ir-$1.out" >"$work/ir-$1.txt"
  }
  count_ir 1000
  count_ir "$ir_cycles"
  ir=$(awk -v long="$ir_cycles" 'FNR == 1 { if (FILENAME ~ /-1000\.txt$/) { s1 = $1; s2 = $2; s3 = $3 } else { l1 = $1; l2 = $2; l3 = $3 }; next }
    FILENAME ~ /-1000\.txt$/ { short[substr($0, index($0, " ") + 1)] = $1; next }
    { fn = substr($0, index($0, " ") + 1); per[fn] = $1 }
    END {
      c = long - 1000
      printf "%d %.0f %.0f %.0f", long, (l1 - s1) / c, (l2 - s2) / c, (l3 - s3) / c
      for (k in per) { d = (per[k] - short[k]) / c; if (d >= 1) printf "\n%.0f %s", d, k }
    }' "$work/ir-1000.txt" "$work/ir-$ir_cycles.txt")
fi

awk -v cyc="$cycles" -v rate="$best_rate" -v prate="$pgo_rate" -v icyc="$icycles" -v ic="$icarus" 'BEGIN {
  printf "bench: co-simulation, configuration default (constrained-random stimulus, seed 1, tracing off)\n"
  printf "  mmucosim (Verilator RTL + C model, lockstep)  %9d cycles  %8.3f M cycles/s   (target >= 2)\n", cyc, rate
  if (prate != "")
    printf "  the same, profile-guided build (cosim-pgo.sh) %9d cycles  %8.3f M cycles/s   (target >= 2)\n", cyc, prate
  if (ic == "") print "  Icarus: iverilog/vvp not installed, skipped"
  else {
    split(ic, t, " ")
    run = t[2] - t[1]; if (run <= 0) run = t[2]
    irate = icyc / run
    printf "  Icarus (same RTL, recorded cycles replayed) %9d cycles  %8.3f k cycles/s   (%.1f s start-up excluded)\n", icyc, irate / 1e3, t[1]
    printf "  mmucosim / Icarus                           %9.1f x                          (target >= 50)\n", rate * 1e6 / irate
  }
}'
[ -z "$ir" ] && { echo "  instructions per cycle: valgrind not installed (or COSIM_BENCH_IR=0), skipped"; exit 0; }
echo "$ir" | head -n 1 | awk '{
  total = $2 + $3 + $4
  printf "  instructions per co-simulated cycle (cachegrind, %d cycles, set-up excluded): %.0f\n", $1, total
  printf "    Verilated RTL %.0f (%.0f%%), harness, model and stimulus %.0f (%.0f%%), C library %.0f (%.0f%%)\n",
    $2, 100 * $2 / total, $4, 100 * $4 / total, $3, 100 * $3 / total
  print "    the functions that take the most, per cycle:"
}'
echo "$ir" | tail -n +2 | sort -rn | head -n 8 | awk '{ n = $1; $1 = ""; printf "    %7.0f  %s\n", n, substr($0, 2) }'
