#!/usr/bin/env bash
# Proofs of the RTL's properties (rtl/mmu_assert.sv), one harness of testbench/formal at a time: every assertion of
# the harness and of the modules under it holds under the harness's assumptions (the memory port's protocol, the
# inputs' encodings), by one of two engines:
#   pdr  every reachable state, however long after reset: ABC's property-directed reachability (IC3) on the design as
#        an AIGER netlist, which either finds an inductive invariant (the proof) or a counterexample
#   bmc  every run of DEPTH cycles from reset: ABC's incremental bounded model checker (bmc3) on the same netlist
#        unrolled DEPTH times, for the harnesses whose data-heavy state PDR does not finish on
# Then each cover point is searched for with Yosys's sat, and the first cycle that reaches it is reported with its
# trace.
#
#   scripts/formal.sh [--quick] [--broken] [--only NAME] OUTDIR
#
# --quick   the depths of CI (a few minutes on 2 cores) instead of the full ones
# --only    one harness: ptw, tlb or top
# --broken  prove a deliberately broken walker (its A/D write-back toggles the bits it read) with each engine: both
#           proofs must fail and leave their counterexamples in OUTDIR/broken.cex.vcd and broken_bmc.cex.vcd; exits 0
#           only when they do
#
# Both engines are yosys-abc's (Debian's yosys package). Yosys-smtbmc with z3 4.8.12 (Debian 12) does not finish even
# two steps of these harnesses, Debian's boolector is too old for it, and Yosys's own `sat`, which bit-blasts the
# unrolled design unsimplified into one problem, took 219 s for 16 cycles of the whole MMU where bmc3 takes 30. A
# counterexample is replayed by sat from reset to the cycle ABC names, for its VCD and the failing assertion's name.
# Results: OUTDIR/summary.txt (also printed), a log and, for a failure or a reached cover, a VCD per proof.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
quick=0 broken=0 only="" out=""
while [ $# -gt 0 ]; do
  case $1 in
  --quick) quick=1 ;;
  --broken) broken=1 ;;
  --only) only=${2:-}; shift ;;
  -*) echo "formal: unknown option '$1' (known: --quick, --broken, --only NAME)" >&2; exit 2 ;;
  *) [ -z "$out" ] || { echo "formal: one OUTDIR only" >&2; exit 2; }; out=$1 ;;
  esac
  shift
done
[ -n "$out" ] || { echo "usage: scripts/formal.sh [--quick] [--broken] [--only NAME] OUTDIR" >&2; exit 2; }
case $only in
"" | ptw | tlb | top) ;;
*) echo "formal: --only '$only': not a harness (ptw, tlb or top)" >&2; exit 2 ;;
esac
for tool in yosys yosys-abc; do
  command -v $tool >/dev/null || { echo "formal: $tool not found (scripts/install-deps.sh installs it)" >&2; exit 1; }
done
mkdir -p "$out"

rtl=$root/rtl
if [ "$broken" -eq 1 ]; then
  rtl=$out/rtl-broken
  rm -rf "$rtl" && cp -r "$root/rtl" "$rtl"
  # W7 broken: the write-back toggles A and D instead of setting them, so a store's leaf read with A set and D clear
  # is written back with A clear (and its other bits kept): PtwWriteBackOfEntryRead must catch it.
  sed -i 's/assign written    = pte_q | PteA |/assign written    = pte_q ^ PteA ^/' "$rtl/mmu_ptw.sv"
  grep -q 'pte_q ^ PteA ^' "$rtl/mmu_ptw.sv" || { echo "formal: the broken variant no longer applies" >&2; exit 1; }
fi
mapfile -t sources < <("$root/scripts/rtl-sources.sh" "$rtl")
harness=$root/testbench/formal

# name  top module  engine  proof depth (full, quick; bmc)  cover depth (full, quick)  covers searched at CI's depth
# (a regular expression; the whole MMU's harness holds every module's covers, most of them searched by the smaller
# harnesses)
proofs=(
  "ptw mmu_formal_ptw pdr - - 18 18 ."
  "tlb mmu_formal_tlb bmc 20 16 8 6 ."
  "top mmu_formal_top bmc 23 20 22 14 u_miss.Miss(ControlDuringWalk|StaleWalk|L2Hit|DirtyRewalkFromL1)|u_port_d.Port|TopCr3"
)
[ "$broken" -eq 1 ] && proofs=("broken mmu_formal_ptw pdr - - 0 0 ." "broken_bmc mmu_formal_ptw bmc 12 12 0 0 .")
# ABC's time limit per proof, in seconds (PDR runs until it has an invariant or a counterexample).
abc_limit=1500

summary=$out/summary.txt
: >"$summary"
say() { printf '%s\n' "$*" | tee -a "$summary"; }
status=0

# The Yosys lines that read harness TOP with the RTL and make it one flat, synchronous netlist for sat (memories as
# registers, the asynchronous resets as synchronous ones).
design_script() {
  echo "read_verilog -defer -sv -formal -I$rtl ${sources[*]} $harness/mmu_formal_mem.sv $harness/$1.sv"
  printf '%s\n' "prep -top $1" memory flatten async2sync dffunmap "opt -fast"
}

# The cycle-by-cycle reset: low in step 1, high afterwards (sat's steps count from 1).
reset_args() { printf -- '-set rst_ni 1 -set-at 1 rst_ni 0'; }

# The Yosys lines that write the prepared design as an AIGER netlist of and-gates for ABC: assertions become bad-state
# outputs, assumptions constraints, registers start at zero or, without an initial value, at any value.
aiger_script() {
  printf '%s\n' techmap "opt -fast" dffunmap "abc -g AND -fast" opt_clean
  echo "write_aiger -I -B -zinit $1"
}

# Yosys's bounded proof of DEPTH cycles from reset, writing its counterexample, if any, to VCD.
bmc_script() {
  echo "sat -seq $1 -prove-asserts -set-assumes $(reset_args) -dump_vcd $2"
}

for p in "${proofs[@]}"; do
  read -r name top engine depth_full depth_quick cdepth_full cdepth_quick quick_covers <<<"$p"
  [ -z "$only" ] || [ "$only" = "$name" ] || continue
  depth=$depth_full cdepth=$cdepth_full
  [ "$quick" -eq 1 ] && depth=$depth_quick cdepth=$cdepth_quick
  ys=$out/$name.ys log=$out/$name.log cex=$out/$name.cex.vcd
  rm -f "$cex"
  {
    design_script "$top"
    echo "tee -o $out/$name.asserts.txt select -count t:\$assert"
    echo "select -list w:*_reach_q"
    echo "delete t:\$cover"
    aiger_script "$out/$name.aig"
  } >"$ys"
  t0=$(date +%s)
  yosys -q -l "$log" "$ys" >/dev/null 2>&1 || true
  # One output: any assertion failing (orpos), after the constraints are folded into the transition relation.
  case $engine in
  pdr) run="pdr -T $abc_limit" ;;
  *) run="bmc3 -F $depth -T $abc_limit" ;;
  esac
  alog=$out/$name.abc.log
  : >"$alog"
  if [ -s "$out/$name.aig" ]; then
    yosys-abc -c "read_aiger $out/$name.aig; fold; strash; orpos; $run" >"$alog" 2>&1 || true
  fi
  cat "$alog" >>"$log"
  verdict=none
  frame=$(sed -n 's/.*was asserted in frame \([0-9]*\).*/\1/p' "$alog" | head -n 1)
  checked=$(sed -n 's/^No output asserted in \([0-9]*\) frames.*/\1/p' "$alog" | head -n 1)
  if [ "$engine" = pdr ] && grep -q '^Property proved' "$alog"; then
    verdict=holds what="hold in every reachable state (PDR)"
  elif [ "$engine" = bmc ] && [ -n "$checked" ] && [ "$checked" -ge "$depth" ]; then
    verdict=holds what="hold for $depth cycles from reset"
  elif [ -n "$frame" ]; then
    # Frame F is the (F+1)-th cycle; sat replays it from reset for the trace and the name of the assertion.
    depth=$((frame + 1))
    { design_script "$top"; echo "delete t:\$cover"; bmc_script "$depth" "$cex"; } >"$out/$name.cex.ys"
    yosys -q -l "$out/$name.cex.log" "$out/$name.cex.ys" >/dev/null 2>&1 || true
    verdict=fails
  fi
  secs=$(($(date +%s) - t0))
  asserts=$(grep -Eo '[0-9]+ objects' "$out/$name.asserts.txt" 2>/dev/null | grep -Eo '[0-9]+' || echo "?")
  case $verdict in
  holds)
    rm -f "$cex"
    say "proof $name ($top): $asserts assertions $what ($secs s)"
    [ "$broken" -eq 1 ] && { say "formal: the broken variant was proved: the properties cannot see its bug"; status=1; }
    ;;
  fails)
    say "proof $name ($top): FAILS within $depth cycles ($secs s); counterexample: $cex"
    if [ ! -s "$cex" ]; then
      say "formal: no trace of it from reset (did ABC start from a register's power-up value?)"
      status=1
    fi
    [ "$broken" -eq 1 ] || status=1
    ;;
  *)
    say "proof $name ($top): no verdict ($secs s); see $log"
    status=1
    ;;
  esac
  [ "$cdepth" -gt 0 ] || continue

  # Covers: each MMU_COVER leaves a register <name>_reach_q set in the cycle after its condition held; a cover is
  # reached when "it stays 0" can be disproved within the cover depth.
  pick=.
  [ "$quick" -eq 1 ] && pick=$quick_covers
  mapfile -t covers < <(sed -n "s|^$top/\\(.*_reach_q\\)\$|\\1|p" "$log" | grep -E "$pick" | sort -u)
  ys=$out/$name.covers.ys clog=$out/$name.covers.log
  {
    design_script "$top"
    echo "delete t:\$cover t:\$assert"
    for c in "${covers[@]}"; do
      echo "log cover: $c"
      echo "sat -seq $cdepth -set-assumes $(reset_args) -prove $c 0 -dump_vcd $out/cover-${c//[^A-Za-z0-9_]/_}.vcd"
    done
  } >"$ys"
  t0=$(date +%s)
  yosys -q -l "$clog" "$ys" >/dev/null 2>&1 || true
  secs=$(($(date +%s) - t0))
  reached=0 missed=()
  for c in "${covers[@]}"; do
    verdict=$(awk -v c="cover: $c" '$0 == c { on = 1; next } on && /SAT proof finished/ { print; exit }' "$clog")
    case $verdict in
    *FAIL*) reached=$((reached + 1)) ;;
    *) missed+=("$c"); rm -f "$out/cover-${c//[^A-Za-z0-9_]/_}.vcd" ;;
    esac
  done
  say "covers $name: $reached of ${#covers[@]} reached within $cdepth cycles ($secs s)"
  for c in "${missed[@]}"; do say "  not reached: ${c%_reach_q}"; done
  [ "${#missed[@]}" -eq 0 ] || status=1
done
exit "$status"
