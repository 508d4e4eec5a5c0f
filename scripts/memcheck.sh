#!/usr/bin/env bash
# usage: scripts/memcheck.sh MMUSIM
# Runs mmusim under valgrind memcheck on a prefix of the bundled workload (both engines), on a config with every
# policy, and on error paths; fails on any memcheck error or leak.
set -euo pipefail
mmusim=${1:?usage: scripts/memcheck.sh MMUSIM}
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/memcheck.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
{ gzip -dc "$root/workloads/default.lackey.gz" || true; } | head -n 200000 > "$scratch/prefix.lackey" # gzip stops on SIGPIPE
printf 'R 400000\nW 400008\nX 401000 2\nR 7fff0000 2\nQ 1\n' > "$scratch/bad.txt"

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
check 0 run --trace "$scratch/prefix.lackey" --json
check 0 run --trace "$scratch/prefix.lackey" --engine ticked --set mem.latency=20
check 0 run --trace "$scratch/prefix.lackey" --set tlb.l1d.policy=plru --set tlb.l1i.policy=fifo \
  --set tlb.l2.policy=random --set tlb.l2.entries=64 --set tlb.l2.ways=4 --set cr3.pcid=1 --set os.populate=1
check 2 run --trace "$scratch/bad.txt" --format text
check 2 run --set tlb.l1d.entires=3
check 2 run --trace "$scratch/missing.gz"
check 0 config --list
[ "$fail" -eq 0 ] && echo "memcheck: clean"
exit "$fail"
