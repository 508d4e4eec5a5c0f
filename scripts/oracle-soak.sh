#!/usr/bin/env bash
# usage: scripts/oracle-soak.sh [--mode MODE] [--images N] [--accesses N] [--seed-base S] [--work DIR] [BUILD_DIR]
# The QEMU oracle's soak (testbench/oracle/README.md, figures in docs/oracle.md): N random x86-64 page-table images
# (default 1000) in paging mode MODE (x86_64, the default: 4-level; x86_64_la57: 5-level) of N accesses each (default
# 100), seeds S, S+1, ... (default 100000), every outcome and the final memory compared with the model. Prints the
# outcomes by kind, the known QEMU deviations met, the differences (each with the seed that replays it) and the wall
# time. Exit 1 on any difference. mmuoracle and the guest are built if missing (-j 2). DIR (default
# BUILD_DIR/oracle-soak) keeps each image's files and logs.
set -euo pipefail

mode=x86_64 images=1000 accesses=100 seed_base=100000 work="" build=build
while [ $# -gt 0 ]; do
  case $1 in
  --mode) mode=$2; shift 2 ;;
  --images) images=$2; shift 2 ;;
  --accesses) accesses=$2; shift 2 ;;
  --seed-base) seed_base=$2; shift 2 ;;
  --work) work=$2; shift 2 ;;
  -h | --help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  -*) echo "oracle-soak: unknown option '$1'" >&2; exit 2 ;;
  *) build=$1; shift ;;
  esac
done
root=$(cd "$(dirname "$0")/.." && pwd)
qemu=$(command -v qemu-system-x86_64) || { echo "oracle-soak: qemu-system-x86_64 not found (scripts/install-deps.sh)" >&2; exit 2; }
cmake --build "$build" -j2 --target mmuoracle oracle-guest >/dev/null
work=${work:-$build/oracle-soak}
rm -rf "$work"
mkdir -p "$work"

start=$(date +%s)
rc=0
"$root/testbench/oracle/run.sh" --oracle "$build/testbench/oracle/mmuoracle" --guest \
  "$build/testbench/oracle/oracle-guest.bin" --qemu "$qemu" --mode "$mode" --seed "$seed_base" --images "$images" \
  --accesses "$accesses" --keep "$work" >"$work/run.txt" 2>&1 || rc=$?
end=$(date +%s)

echo "oracle soak ($mode): seeds $seed_base..$((seed_base + images - 1)), $images images x $accesses accesses, $((end - start)) s wall"
echo "outcomes (QEMU's, each also the model's unless listed below):"
logs=("$work"/image-*/guest.log)
count() { cat "${logs[@]}" | awk "$1" | wc -l; }
printf '  loads and stores completed  %d\n' "$(count '$1 == "A" && $3 == "80"')"
printf '  fetches completed           %d\n' "$(count '$1 == "A" && $3 == "3"')"
printf '  #GP (non-canonical)         %d\n' "$(count '$1 == "A" && $3 == "d"')"
printf '  #PF                         %d, by error code:\n' "$(count '$1 == "A" && $3 == "e"')"
cat "${logs[@]}" | awk '$1 == "A" && $3 == "e" { print $4 }' | sort | uniq -c | sort -k2,2 |
  awk '{ printf "    0x%-4s %d\n", $2, $1 }'
printf '  page-table words compared   %d non-zero\n' "$(count '$1 == "T"')"
printf '  data words stored           %d\n' "$(count '$1 == "D"')"
echo "the model's outcomes (translations by page size, faults by cause):"
cat "$work"/image-*/check.txt | awk -F'[:,] ' '/^model outcomes/ {
    for (i = 2; i <= NF; i++) { k = $i; sub(/ [0-9]+$/, "", k); v = $i; sub(/.* /, "", v); n[i] = k; t[i] += v }
    last = NF }
  END { for (i = 2; i <= last; i++) printf "  %-14s %d\n", n[i], t[i] }'
echo "known QEMU deviations met:"
cat "$work"/image-*/check.txt | awk '/^known QEMU deviation/ { id = $4; sub(/,$/, "", id); n[id] += $(NF - 1) }
  END { for (i in n) printf "  %s  %d\n", i, n[i] }' | sort
grep "^== image" "$work/run.txt" || true
tail -n 1 "$work/run.txt"
exit "$rc"
