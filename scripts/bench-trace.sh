#!/usr/bin/env bash
# usage: scripts/bench-trace.sh OUT [N]
# Makes OUT a gzip-compressed lackey trace of a real program with at least N references (default 10000000),
# recorded with workloads/record.sh. A trace already at OUT is kept when it is large enough, so it is recorded once.
set -euo pipefail

out=${1:?usage: scripts/bench-trace.sh OUT [N]}
n=${2:-10000000}
[[ $n =~ ^[1-9][0-9]*$ ]] || { echo "bench-trace.sh: N must be a positive number, not '$n'" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)

# A half-written or corrupt file fails gzip -t and is recorded again.
if [ -s "$out" ] && gzip -t "$out" 2>/dev/null; then
  have=$(gzip -dc "$out" | grep -vc '^==' || true)
  if [ "$have" -ge "$n" ]; then
    echo "bench-trace.sh: using $out ($have references)" >&2
    exit 0
  fi
fi
case $out in
*.gz) ;;
*) echo "bench-trace.sh: OUT must end in .gz (the trace is stored compressed)" >&2; exit 2 ;;
esac
"$root/workloads/record.sh" -o "$out" -n "$n"
