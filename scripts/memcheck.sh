#!/usr/bin/env bash
# usage: scripts/memcheck.sh MMUSIM
# Runs mmusim under valgrind memcheck on the first 100k lines of every bundled workload (workloads/*.gz), the first
# 200k of the default one also on the ticked engine and with every policy, then on explain, on error and warning paths
# and on the commands that write files; fails on any memcheck error or leak.
set -euo pipefail
mmusim=${1:?usage: scripts/memcheck.sh MMUSIM}
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/memcheck.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
prefix() { { gzip -dc "$1" || true; } | head -n "$3" > "$2"; } # gzip stops on SIGPIPE
prefix "$root/workloads/default.lackey.gz" "$scratch/prefix.lackey" 200000
printf 'R 400000\nW 400008\nX 401000 2\nR 7fff0000 2\nQ 1\n' > "$scratch/bad.txt"
printf '[mem]\nlatency = 5\nlatency = 6\n' > "$scratch/dup.ini"
printf 'R 1000\nW 2' > "$scratch/cut.txt"
: > "$scratch/empty.txt"

vg=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect)
fail=0
check() { # expected-exit args...
  local want=$1 got=0
  shift
  "${vg[@]}" "$mmusim" "$@" >/dev/null 2>"$scratch/err" || got=$?
  if [ "$got" -ne "$want" ]; then
    echo "memcheck: mmusim $* exited $got, expected $want" >&2
    cat "$scratch/err" >&2
    fail=1
  fi
}
n=0
for w in "$root"/workloads/*.gz; do
  n=$((n + 1))
  prefix "$w" "$scratch/w$n" 100000 # a short cap: seven workloads, and the ctest should stay under a minute
  check 0 run --trace "$scratch/w$n" --json
done
check 0 run --trace "$scratch/prefix.lackey" --engine ticked --set mem.latency=20
check 0 run --trace "$scratch/prefix.lackey" --set tlb.l1d.policy=plru --set tlb.l1i.policy=fifo \
  --set tlb.l2.policy=random --set tlb.l2.entries=64 --set tlb.l2.ways=4 --set cr3.pcid=1 --set os.populate=1
check 2 run --trace "$scratch/bad.txt" --format text
check 2 run --set tlb.l1d.entires=3
check 2 run --trace "$scratch/missing.gz"
check 2 run --config "$scratch/dup.ini" --trace "$scratch/bad.txt"
check 0 run --trace "$scratch/cut.txt"
check 0 run --trace "$scratch/empty.txt"
check 0 explain --preset ostep --ostep-dump "$root/docs/lecture/ostep-example.txt" --addr 0x611c
check 0 explain --preset teaching --addr 0x401000 --op store --map-perms r,x,u --html "$scratch/e.html"
check 0 explain --preset teaching --addr 0x7ffd12345678 --demand --supervisor --op fetch --json
check 2 explain --preset teaching --addr 0x7ffd12345678 --demand --reserved-bit
check 0 amat --trace "$scratch/prefix.lackey" --html "$scratch/a.html"
check 2 explain --addr 0x1000 --map-perms r,q
check 0 config --list
# The output files (sim/cli/cli_output.c): a sweep's set with its plots, refused and forced reruns, diagrams.
check 0 sweep --trace "$scratch/w1" --sweep tlb.l1d.entries=16,32 -j 1 -o "$scratch/sw"
check 2 sweep --trace "$scratch/w1" --sweep tlb.l1d.entries=16,32 -j 1 -o "$scratch/sw"
check 0 sweep --trace "$scratch/w1" --sweep tlb.l1d.entries=16,32 -j 1 -o "$scratch/sw" --force
# Two traces, shards of them, their merges (one refused: a shard missing), the Slurm scripts.
two=(sweep --trace "$scratch/w1" --trace "$scratch/w2" --sweep tlb.l1d.entries=16,32 -j 1)
check 0 "${two[@]}" --shard 1/2 -o "$scratch/shards"
check 0 "${two[@]}" --shard 2/2 -o "$scratch/shards"
check 0 sweep-merge "$scratch/shards/shard-1-of-2.csv" "$scratch/shards/shard-2-of-2.csv"
check 2 sweep-merge "$scratch/shards/shard-1-of-2.csv"
check 0 "${two[@]}" --merge "$scratch/shards/shard-1-of-2.csv" "$scratch/shards/shard-2-of-2.csv" -o "$scratch/m"
check 0 "${two[@]}" --slurm "$scratch/job" --slurm-opt=--time=5
check 0 diagram --out "$scratch/dg"
check 2 diagram --out "$scratch/dg"
[ "$fail" -eq 0 ] && echo "memcheck: clean"
exit "$fail"
