#!/usr/bin/env bash
# usage: scripts/soak.sh [--cycles TOTAL] [--chunk N] [--seed-base S] [--jobs J] [--extra "ARGS"] [--work DIR]
#                        [BUILD_DIR]
# Co-simulation soak: constrained-random stimulus on every RTL configuration (sim/cosim/configs/*.ini, binaries
# mmucosim-<config>), TOTAL cycles shared equally between the configurations (default 100M), in runs of N cycles
# (default 5M), each with its own seed (S, S+1, ...; default 1000) and one of three memories: the configuration's own,
# a slow stalling one, and a one-cycle one. Any mismatch fails the soak and prints the command that replays it.
# Missing binaries are built (-j $SOAK_BUILD_JOBS, default 2). Prints cycles, CPU and wall time per configuration.
# --extra passes more mmucosim options to every run (e.g. --model-set KEY=VALUE: a wrong model the soak must catch).
# Each run's output and the waveform of a mismatch go to DIR (default BUILD_DIR/soak).
set -euo pipefail

total=100000000
chunk=5000000
seed_base=1000
jobs=1
extra=""
work=""
build=build
while [ $# -gt 0 ]; do
  case $1 in
    --cycles) total=$2; shift 2 ;;
    --chunk) chunk=$2; shift 2 ;;
    --seed-base) seed_base=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --extra) extra=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "soak: unknown option '$1'" >&2; exit 2 ;;
    *) build=$1; shift ;;
  esac
done
root=$(cd "$(dirname "$0")/.." && pwd)
configs=()
for f in "$root"/sim/cosim/configs/*.ini; do configs+=("$(basename "$f" .ini)"); done
per_config=$(( (total + ${#configs[@]} - 1) / ${#configs[@]} )) # at least TOTAL in all
if [ "$per_config" -lt 1 ] || [ "$chunk" -lt 1 ]; then
  echo "soak: --cycles $total is too few for ${#configs[@]} configurations" >&2
  exit 2
fi

for c in "${configs[@]}"; do
  if [ ! -x "$build/sim/cosim/mmucosim-$c" ]; then
    echo "soak: building mmucosim-$c" >&2
    cmake --build "$build" -j "${SOAK_BUILD_JOBS:-2}" --target "mmucosim-$c" >/dev/null
  fi
done

memory() { # the memory of run k: the configuration's own, slow with stalls, or one cycle
  case $(( $1 % 3 )) in
    0) ;;
    1) echo "--set mem.latency=20 --set mem.latency_max=60 --set mem.stall_max=9" ;;
    2) echo "--set mem.latency=1 --set mem.latency_max=0 --set mem.stall_max=0" ;;
  esac
}

# Per run k: res.k (config seed cycles exit user sys wall), its output, and the waveform of a mismatch, if any.
work=${work:-$build/soak}
mkdir -p "$work"
rm -f "$work"/res.* "$work"/out.* "$work"/time.* "$work"/mismatch-*.fst # only what an earlier soak left there
runs=()
k=0
for c in "${configs[@]}"; do
  left=$per_config
  while [ "$left" -gt 0 ]; do
    n=$(( left < chunk ? left : chunk ))
    runs+=("$c $(( seed_base + k )) $n $k")
    left=$(( left - n ))
    k=$(( k + 1 ))
  done
done

run_one() { # config seed cycles k
  local c=$1 seed=$2 n=$3 k=$4 rc=0
  local cmd="$build/sim/cosim/mmucosim-$c --random $n --seed $seed $(memory "$k") $extra"
  # shellcheck disable=SC2086
  /usr/bin/time -f "%U %S %e" -o "$work/time.$k" $cmd --quiet --mismatch-wave "$work/mismatch-$k.fst" \
    >"$work/out.$k" 2>&1 || rc=$?
  echo "$c $seed $n $rc $(tail -n 1 "$work/time.$k")" >"$work/res.$k"
  if [ "$rc" -ne 0 ]; then
    echo "soak: MISMATCH (exit $rc): $cmd" >&2
    cat "$work/out.$k" >&2
  fi
}

start=$(date +%s)
echo "soak: ${#runs[@]} runs, $total cycles over ${#configs[@]} configurations (${configs[*]}), seeds $seed_base.., $jobs at a time, load $(cut -d' ' -f1-3 /proc/loadavg)"
active=0
for r in "${runs[@]}"; do
  # shellcheck disable=SC2086
  run_one $r &
  active=$(( active + 1 ))
  if [ "$active" -ge "$jobs" ]; then
    wait -n || true
    active=$(( active - 1 ))
  fi
done
wait

fail=0
printf '%-8s %6s %12s %10s %10s %10s\n' config runs cycles mismatch cpu_s wall_s
for c in "${configs[@]}"; do
  cat "$work"/res.* | awk -v c="$c" '$1 == c { runs++; cyc += $3; bad += ($4 != 0); cpu += $5 + $6; wall += $7 }
    END { printf "%-8s %6d %12d %10d %10.1f %10.1f\n", c, runs, cyc, bad, cpu, wall }'
done
read -r cycles bad cpu < <(cat "$work"/res.* | awk '{ cyc += $3; bad += ($4 != 0); cpu += $5 + $6 }
  END { printf "%d %d %.1f\n", cyc, bad, cpu }')
echo "soak: $cycles cycles, $bad runs with a mismatch, CPU $cpu s, wall $(( $(date +%s) - start )) s, load $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$bad" -eq 0 ] || fail=1
exit "$fail"
