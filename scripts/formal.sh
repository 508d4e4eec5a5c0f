#!/usr/bin/env bash
# Bounded proofs of the RTL's properties (rtl/mmu_assert.sv) with Yosys's SAT solver, one harness of
# testbench/formal at a time: every assertion of the harness and of the modules under it holds in every cycle of
# every run of DEPTH cycles from reset, under the harness's assumptions (the memory port's protocol, the inputs'
# encodings); then each cover point is searched for, and the first cycle that reaches it is reported with its trace.
#
#   scripts/formal.sh [--quick] [--broken] [--only NAME] OUTDIR
#
# --quick   the depths of CI (a few minutes on 2 cores) instead of the full ones
# --only    one harness: ptw, tlb or top
# --broken  prove a deliberately broken walker (its A/D write-back drops the bits it read): the proof must fail and
#           leave its counterexample in OUTDIR/broken.cex.vcd; exits 0 only when it does
#
# Yosys-smtbmc with z3 4.8.12 (Debian 12) does not finish even two steps of these harnesses, and Debian's boolector
# is too old for it, so the proofs use `sat`, which bit-blasts the unrolled design into one SAT problem per proof.
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
command -v yosys >/dev/null || { echo "formal: yosys not found (scripts/install-deps.sh installs it)" >&2; exit 1; }
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

# name  top module  proof depth (full, quick)  cover depth (full, quick)  covers searched at CI's depth (a regular
# expression; the whole MMU's harness holds every module's covers, most of them searched by the smaller harnesses)
proofs=(
  "ptw mmu_formal_ptw 36 36 18 18 ."
  "tlb mmu_formal_tlb 12 8 8 6 ."
  "top mmu_formal_top 46 16 22 14 u_miss.Miss(ControlDuringWalk|StaleWalk|L2Hit|DirtyRewalkFromL1)|u_port_d.Port|TopCr3"
)
[ "$broken" -eq 1 ] && proofs=("broken mmu_formal_ptw 12 12 0 0 .")

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

for p in "${proofs[@]}"; do
  read -r name top depth_full depth_quick cdepth_full cdepth_quick quick_covers <<<"$p"
  [ -z "$only" ] || [ "$only" = "$name" ] || continue
  depth=$depth_full cdepth=$cdepth_full
  [ "$quick" -eq 1 ] && depth=$depth_quick cdepth=$cdepth_quick
  ys=$out/$name.ys log=$out/$name.log
  {
    design_script "$top"
    echo "tee -o $out/$name.asserts.txt select -count t:\$assert"
    echo "select -list w:*_reach_q"
    echo "delete t:\$cover"
    echo "sat -seq $depth -prove-asserts -set-assumes $(reset_args) -dump_vcd $out/$name.cex.vcd"
  } >"$ys"
  t0=$(date +%s)
  yosys -q -l "$log" "$ys" >/dev/null 2>&1 || true
  secs=$(($(date +%s) - t0))
  asserts=$(grep -Eo '[0-9]+ objects' "$out/$name.asserts.txt" 2>/dev/null | grep -Eo '[0-9]+' || echo "?")
  if grep -q 'SAT proof finished - no model found: SUCCESS' "$log"; then
    rm -f "$out/$name.cex.vcd"
    say "proof $name ($top): $asserts assertions hold for $depth cycles from reset ($secs s)"
    [ "$broken" -eq 1 ] && { say "formal: the broken variant was proved: the properties cannot see its bug"; status=1; }
  elif grep -q 'SAT proof finished - model found: FAIL' "$log"; then
    say "proof $name ($top): FAILS within $depth cycles ($secs s); counterexample: $out/$name.cex.vcd"
    [ "$broken" -eq 1 ] || status=1
  else
    say "proof $name ($top): no verdict ($secs s); see $log"
    status=1
  fi
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
