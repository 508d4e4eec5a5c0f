#!/usr/bin/env bash
# usage: scripts/oracle-soak.sh [--mode MODE] [--images N] [--accesses N] [--seed-base S] [--work DIR] [BUILD_DIR]
# The QEMU oracle's soak (testbench/oracle/README.md, figures in docs/oracle.md): N random page-table images
# (default 1000) in paging mode MODE (x86_64, the default: 4-level; x86_64_la57: 5-level; sv39, sv48, sv57: RISC-V)
# of N accesses each (default 100), seeds S, S+1, ... (default 100000), every outcome and the final memory compared
# with the model. Prints the outcomes by kind, the known QEMU deviations met, the differences (each with the seed that
# replays it) and the wall time. Exit 1 on any difference. mmuoracle and the guest are built if missing (-j 2). DIR
# (default BUILD_DIR/oracle-soak) keeps each image's files and logs.
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
case $mode in
x86_64 | x86_64_la57) qemu_name=qemu-system-x86_64 guest_target=oracle-guest guest=oracle-guest.bin ;;
sv39 | sv48 | sv57) qemu_name=qemu-system-riscv64 guest_target=oracle-guest-riscv guest=oracle-guest-riscv.elf ;;
*) echo "oracle-soak: --mode '$mode' is not x86_64, x86_64_la57, sv39, sv48 or sv57" >&2; exit 2 ;;
esac
qemu=$(command -v $qemu_name) || { echo "oracle-soak: $qemu_name not found (scripts/install-deps.sh)" >&2; exit 2; }
cmake --build "$build" -j2 --target mmuoracle $guest_target >/dev/null
work=${work:-$build/oracle-soak}
rm -rf "$work"
mkdir -p "$work"

start=$(date +%s)
rc=0
"$root/testbench/oracle/run.sh" --oracle "$build/testbench/oracle/mmuoracle" --guest \
  "$build/testbench/oracle/$guest" --qemu "$qemu" --mode "$mode" --seed "$seed_base" --images "$images" \
  --accesses "$accesses" --keep "$work" >"$work/run.txt" 2>&1 || rc=$?
end=$(date +%s)

echo "oracle soak ($mode): seeds $seed_base..$((seed_base + images - 1)), $images images x $accesses accesses, $((end - start)) s wall"
echo "outcomes (QEMU's, each also the model's unless listed below):"
logs=("$work"/image-*/guest.log)
count() { cat "${logs[@]}" | awk "$1" | wc -l; }
sum_fields() { # totals of the "NAME N, NAME N" fields of the check lines starting with $1
  cat "$work"/image-*/check.txt | awk -F'[:,] ' -v tag="$1" 'index($0, tag) == 1 {
      for (i = 2; i <= NF; i++) { k = $i; sub(/ [0-9]+$/, "", k); v = $i; sub(/.* /, "", v); n[i] = k; t[i] += v }
      last = NF }
    END { for (i = 2; i <= last; i++) printf "  %-26s %d\n", n[i], t[i] }'
}
if [ "$qemu_name" = qemu-system-riscv64 ]; then # the guest's "A index mcause mepc mtval a0" (Priv 3.1.15)
  printf '  loads and stores completed in S/U-mode (ecall 8, 9)  %d\n' "$(count '$1 == "A" && ($3 == "8" || $3 == "9")')"
  printf '  loads and stores completed by M-mode with MPRV (ecall 11)  %d\n' "$(count '$1 == "A" && $3 == "b"')"
  printf '  fetches completed (illegal instruction 2)  %d\n' "$(count '$1 == "A" && $3 == "2"')"
  printf '  instruction / load / store page faults (12, 13, 15)  %d / %d / %d\n' "$(count '$1 == "A" && $3 == "c"')" \
    "$(count '$1 == "A" && $3 == "d"')" "$(count '$1 == "A" && $3 == "f"')"
  printf '  other traps  %d\n' "$(count '$1 == "A" && $3 !~ /^(8|9|b|2|c|d|f)$/')"
  printf '  page-table words compared   %d non-zero\n' "$(count '$1 == "T"')"
  printf '  data words stored           %d\n' "$(count '$1 == "D"')"
  echo "the model's outcomes (translations by page size, faults by cause):"
  sum_fields "model outcomes"
  echo "what the walks met (classified from the entries):"
  sum_fields "walks met"
  grep "^== image" "$work/run.txt" || true
  tail -n 1 "$work/run.txt"
  exit "$rc"
fi
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
