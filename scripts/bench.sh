#!/usr/bin/env bash
# usage: scripts/bench.sh BUILD_DIR
# Speed of `mmusim run` against a probe of the least a TLB simulator must do (sim/tools/trace_probe.c: the trace
# mapped, parsed by hand, one 16-set 4-way LRU lookup per side), and of the ticked engine against the fast one, all
# measured in the same run (a benchmark, not a test: it prints figures and never fails on them). The trace (>= 10M
# lackey references of a real program) is recorded once into BUILD_DIR/bench and kept there uncompressed as well,
# since the probe maps it. Each figure is the median CPU time (user + system) of BENCH_RUNS runs, the commands
# interleaved run by run so that a change in the load of the machine touches them alike; where mmusim-tlm is built, the
# SystemC platform with the model core on the same trace, against mmusim run. Then peak memory at two trace lengths.
set -euo pipefail

build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
refs=${BENCH_REFS:-10000000}
runs=${BENCH_RUNS:-5}
trace_gz=$build/bench/bench-$refs.lackey.gz
trace=$build/bench/bench-$refs.lackey
mkdir -p "$build/bench"
"$root/scripts/bench-trace.sh" "$trace_gz" "$refs"
if [ ! -s "$trace" ] || [ "$trace" -ot "$trace_gz" ]; then
  gzip -dc "$trace_gz" >"$trace.tmp" && mv "$trace.tmp" "$trace"
fi

# The CPU seconds (user + system) of one run of a command.
cpu_time() {
  local t
  t=$(TIMEFORMAT='%U %S'; { time "$@" >/dev/null 2>&1; } 2>&1)
  echo "$t" | awk '{ printf "%.3f\n", $1 + $2 }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

mmusim=$build/sim/mmusim
run=("$mmusim" run --trace "$trace" --set os.populate=1)
run_gz=("$mmusim" run --trace "$trace_gz" --set os.populate=1)
tlm=("$build/sim/systemc/mmusim-tlm" --trace "$trace" --set os.populate=1 --mmu model)
json=$("${run[@]}" --json 2>/dev/null)
json_field() { printf '%s\n' "$json" | grep -o "\"$1\":[[:space:]]*[0-9]*" | grep -o '[0-9]*$'; }
references=$(json_field references)
translations=$(json_field translations)
probe_out=$("$build/sim/trace-probe" "$trace")
probe_records=$(echo "$probe_out" | awk '/^records/ { print $2 }')

load=$(cut -d' ' -f1-3 /proc/loadavg)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for _ in $(seq "$runs"); do
  cpu_time "$build/sim/trace-probe" "$trace" >>"$out/probe"
  cpu_time "${run[@]}" >>"$out/run"
  cpu_time "${run[@]}" --engine ticked >>"$out/ticked"
  cpu_time "$build/sim/trace-parse-only" "$trace_gz" >>"$out/parse"
  cpu_time "${run_gz[@]}" >>"$out/run_gz"
  if [ -x "${tlm[0]}" ]; then cpu_time "${tlm[@]}" >>"$out/tlm"; fi
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

awk -v refs="$references" -v tr="$translations" -v precs="$probe_records" -v trace="$trace" -v runs="$runs" \
  -v load="$load" -v load_end="$load_end" -v probe="$(median <"$out/probe")" -v run="$(median <"$out/run")" \
  -v ticked="$(median <"$out/ticked")" -v parse="$(median <"$out/parse")" -v run_gz="$(median <"$out/run_gz")" \
  -v tlm="$([ -s "$out/tlm" ] && median <"$out/tlm")" 'BEGIN {
  printf "bench: mmusim run (default configuration, os.populate=1) on %s\n", trace
  printf "  %d references (%d translations; the probe read %d records); median CPU time of %d interleaved runs\n", \
    refs, tr, precs, runs
  printf "  load average at start %s, at end %s\n", load, load_end
  printf "                                              cpu s   reference          ratio   target\n"
  printf "  probe: mapped, hand-parsed, 4-way LRU    %8.3f\n", probe
  printf "  mmusim run                               %8.3f   probe         %8.2f x   <= 0.6\n", run, run / probe
  printf "  mmusim run --engine ticked               %8.3f   mmusim run    %8.2f x   <= 1.5\n", ticked, ticked / run
  printf "  parse-only reader, gzip trace            %8.3f\n", parse
  printf "  mmusim run, gzip trace                   %8.3f   parse-only    %8.2f x\n", run_gz, run_gz / parse
  if (tlm != "")
    printf "  mmusim-tlm (SystemC, model core)         %8.3f   mmusim run    %8.2f x   <= 3\n", tlm, tlm / run
  else
    printf "  mmusim-tlm (SystemC, model core): not built\n"
  printf "  mmusim run: %.1f M references/s of CPU time\n", refs / run / 1e6
}'

# The model's trace readers alone (build/sim/trace-read-only: mmu_trace_read and a checksum of every reference), per
# reference: the same references as lackey text and as ChampSim records, each uncompressed, gzip and xz, and bzip2 on
# the first eighth of them (libbz2 is some twenty times slower than the others). Both sides of a comparison are made
# alike: gzip at level 6 and xz at preset 2, as `mmusim convert` writes them (the recorded lackey trace is gzip -9, so
# a level-6 copy is made for the comparison), bzip2 -9. Beside each ChampSim reader, its floor
# (build/sim/trace-codec-only): the codec alone into a reused block, or the plain file read into one, which no
# reader of those bytes can go below. All the commands are interleaved run by run; each figure is a median.
champ=$build/bench/bench-$refs.champsim
for codec in xz gz; do
  if [ ! -s "$champ.$codec" ] || [ "$champ.$codec" -ot "$trace_gz" ]; then
    "$build/sim/mmusim" convert --to champsim --trace "$trace_gz" --force "$champ.$codec" 2>/dev/null
  fi
done
lackey6=$build/bench/bench-$refs.lackey.6.gz
lackey_xz=$build/bench/bench-$refs.lackey.xz
if [ ! -s "$lackey6" ] || [ "$lackey6" -ot "$trace" ]; then
  gzip -6 -n -c "$trace" >"$lackey6.tmp" && mv "$lackey6.tmp" "$lackey6"
fi
if [ ! -s "$lackey_xz" ] || [ "$lackey_xz" -ot "$trace" ]; then
  xz -2 -T1 -c "$trace" >"$lackey_xz.tmp" && mv "$lackey_xz.tmp" "$lackey_xz"
fi
lackey_bz2=$build/bench/bench-$refs.head.lackey.bz2
champ_bz2=$build/bench/bench-$refs.head.champsim.bz2
if [ ! -s "$lackey_bz2" ] || [ "$lackey_bz2" -ot "$trace" ] || [ ! -s "$champ_bz2" ]; then
  head -n $((refs / 8)) "$trace" >"$build/bench/head.lackey"
  "$build/sim/mmusim" convert --to champsim --trace "$build/bench/head.lackey" --compress none --force \
    "$build/bench/head.champsim" 2>/dev/null
  bzip2 -9 -c "$build/bench/head.champsim" >"$champ_bz2"
  bzip2 -9 -c "$build/bench/head.lackey" >"$lackey_bz2.tmp" && mv "$lackey_bz2.tmp" "$lackey_bz2"
  rm -f "$build/bench/head.lackey" "$build/bench/head.champsim"
fi
# The plain ChampSim copy is removed again at the end: about 0.5 GB for 10M references.
champ_plain=$build/bench/plain.champsim
xz -dc "$champ.xz" >"$champ_plain"
read_only=$build/sim/trace-read-only
codec_only=$build/sim/trace-codec-only
for _ in $(seq "$runs"); do
  cpu_time "$read_only" "$trace" >>"$out/l_none"
  cpu_time "$read_only" "$champ_plain" >>"$out/c_none"
  cpu_time "$codec_only" "$champ_plain" >>"$out/f_none"
  cpu_time "$read_only" "$lackey6" >>"$out/l_gzip"
  cpu_time "$read_only" "$champ.gz" >>"$out/c_gzip"
  cpu_time "$codec_only" "$champ.gz" >>"$out/f_gzip"
  cpu_time "$read_only" "$lackey_xz" >>"$out/l_xz"
  cpu_time "$read_only" "$champ.xz" >>"$out/c_xz"
  cpu_time "$codec_only" "$champ.xz" >>"$out/f_xz"
  cpu_time "$read_only" "$lackey_bz2" >>"$out/l_bzip2"
  cpu_time "$read_only" "$champ_bz2" >>"$out/c_bzip2"
  cpu_time "$codec_only" "$champ_bz2" >>"$out/f_bzip2"
done
bz_refs=$("$read_only" "$lackey_bz2" | awk '/^format/ { print $4 }')
rm -f "$champ_plain"
printf "  trace readers alone, ns per reference (median CPU time); target: ChampSim at most lackey, same compression\n"
printf "  %-14s %8s %9s %8s   %-27s %8s   %s\n" compression lackey ChampSim ratio "ChampSim floor" "/lackey" verdict
for c in none gzip xz bzip2; do
  n=$references
  case $c in
  none) what="read, no parse" ;;
  gzip) what="ISA-L inflate" ;;
  xz) what="liblzma" ;;
  bzip2) what="libbz2" n=$bz_refs ;;
  esac
  awk -v c="$c" -v what="$what" -v refs="$n" -v l="$(median <"$out/l_$c")" -v x="$(median <"$out/c_$c")" \
    -v f="$(median <"$out/f_$c")" 'BEGIN {
    l = l / refs * 1e9; x = x / refs * 1e9; f = f / refs * 1e9
    verdict = x <= l ? "met" : f >= l ? "not met: the floor alone is at least lackey" : "not met"
    printf "  %-14s %8.2f %9.2f %6.2f x   %-13s %13.2f %6.2f x   %s\n", c, l, x, x / l, what, f, f / l, verdict
  }'
done
# Peak memory (maximum resident set size, from GNU time) on the bundled workload and on it eight times over (gzip
# members one after the other, read as one trace): a run, and a sweep by simulation and by stack distances, read the
# trace in bounded pieces and should not grow with its length.
if [ -x /usr/bin/time ]; then
  one=$root/workloads/default.lackey.gz
  eight=$build/bench/default-x8.lackey.gz
  if [ ! -s "$eight" ] || [ "$eight" -ot "$one" ]; then
    for _ in 1 2 3 4 5 6 7 8; do cat "$one"; done >"$eight.tmp" && mv "$eight.tmp" "$eight"
  fi
  peak_mb() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1 | awk '{ printf "%.1f", $1 / 1024 }'; }
  sizes=(--set os.populate=1 --set tlb.l1d.ways=full --sweep tlb.l1d.entries=16,32,64,128)
  printf "  %-38s %8s %10s %10s   %s\n" "peak memory (max RSS, MB), workload" x1 "x8" ratio target
  for what in run sweep stackdist; do
    case $what in
    run) args=(run --set os.populate=1) label="mmusim run" ;;
    sweep) args=(sweep "${sizes[@]}") label="mmusim sweep, 4 sizes" ;;
    stackdist) args=(sweep "${sizes[@]}" --method stackdist) label="mmusim sweep --method stackdist" ;;
    esac
    m1=$(peak_mb "$mmusim" "${args[@]}" --trace "$one")
    m8=$(peak_mb "$mmusim" "${args[@]}" --trace "$eight")
    awk -v l="$label" -v a="$m1" -v b="$m8" 'BEGIN { printf "  %-38s %8.1f %10.1f %8.2f x   1.0\n", l, a, b, b / a }'
  done
else
  echo "  peak memory: skipped (/usr/bin/time, GNU time, not installed)"
fi

# The co-simulation: Verilator lockstep rate and the Icarus ratio (skipped when mmucosim is not built).
"$root/scripts/cosim-bench.sh" "$build"
