#!/usr/bin/env bash
# Re-records the bundled workload set (workloads/README.md) with record.sh and rebuilds the two-process trace from
# two of them with interleave.sh. default.lackey.gz is not touched: docs/lecture.md quotes its figures; re-record it
# with record.sh alone.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here}
[ $# -le 1 ] || { echo "usage: workloads/record-all.sh [DIR]   (default: the workloads directory)" >&2; exit 2; }
mkdir -p "$out"

"$here/record.sh" -o "$out/sort.lackey.gz" -w sort -s 20000
"$here/record.sh" -o "$out/gzip.lackey.gz" -w gzip -s 6000
"$here/record.sh" -o "$out/chase.lackey.gz" -w chase
"$here/record.sh" -o "$out/matrix-row.lackey.gz" -w row
"$here/record.sh" -o "$out/matrix-col.lackey.gz" -w col
rm -f "$out/two-process.txt.gz"
"$here/interleave.sh" -q 10000 -o "$out/two-process.txt.gz" "$out/sort.lackey.gz" "$out/gzip.lackey.gz"
