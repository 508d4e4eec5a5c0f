#!/usr/bin/env bash
# Runs the QEMU oracle (README.md here): for each image, mmuoracle writes a random page-table image and its
# accesses, QEMU runs them in the bare-metal guest, and mmuoracle compares every outcome and the final memory with
# the model. Exit status 0 when every image agrees (or, with --expect-differences, when at least one does not),
# 1 otherwise, 2 on bad usage.
set -euo pipefail

oracle= guest= qemu= mode=x86_64 seed=1 images=50 accesses=40 expect=0 keep= sets=()
usage() {
  echo "usage: run.sh --oracle MMUORACLE --guest GUEST.BIN [--qemu QEMU] [--mode MODE] [--seed N]" >&2
  echo "              [--images N] [--accesses N] [--model-set KEY=VALUE]... [--expect-differences] [--keep DIR]" >&2
  echo "       MODE: x86_64 (default), x86_64_la57 (GUEST.BIN the x86 guest), sv39, sv48, sv57 (the RISC-V guest's ELF)" >&2
  exit 2
}
while [ $# -gt 0 ]; do
  case $1 in
  --oracle) oracle=$2; shift 2 ;;
  --guest) guest=$2; shift 2 ;;
  --qemu) qemu=$2; shift 2 ;;
  --mode) mode=$2; shift 2 ;;
  --seed) seed=$2; shift 2 ;;
  --images) images=$2; shift 2 ;;
  --accesses) accesses=$2; shift 2 ;;
  --model-set) sets+=("$2"); shift 2 ;;
  --expect-differences) expect=1; shift ;;
  --keep) keep=$2; shift 2 ;;
  *) usage ;;
  esac
done
[ -n "$oracle" ] && [ -n "$guest" ] || usage
case $mode in
x86_64 | x86_64_la57) qemu=${qemu:-qemu-system-x86_64} ;;
sv39 | sv48 | sv57) qemu=${qemu:-qemu-system-riscv64} ;;
*) echo "run.sh: --mode '$mode' is not x86_64, x86_64_la57, sv39, sv48 or sv57" >&2; usage ;;
esac

if [ -n "$keep" ]; then
  work=$keep
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi

# The CPU the model assumes: x86-64 with MAXPHYADDR 46 (the model's paging.pa_bits), NX; no SMEP, SMAP, PKU; LA57
# only for 5-level paging (the guest sets CR4.LA57 when the job says 5 levels).
la57=-la57
[ "$mode" = x86_64_la57 ] && la57=+la57
cpu=qemu64,phys-bits=46,+nx,-smep,-smap,-pku,$la57
# RISC-V: QEMU 7.2's rv64 with the PTE bits 63:54 reserved (no Svnapot, no Svpbmt), as the model has them (C6); its
# walker sets A and D itself (docs/oracle.md), which mmuoracle check configures the model to do (Svadu's scheme)
riscv=0
case $mode in sv*) riscv=1 cpu=rv64,svnapot=off,svpbmt=off ;; esac

failed=0 total=0
for ((i = 0; i < images; i++)); do
  s=$((seed + i))
  d=$work/image-$s
  mkdir -p "$d"
  "$oracle" gen --mode "$mode" "$s" "$accesses" "$d/job.bin" "$d/tables.bin"
  rc=0 ok=1
  if [ "$riscv" -eq 1 ]; then
    # the virt machine's RAM from 0x80000000 (job and tables at the layout's offsets above it), the log on its
    # UART, the exit through its sifive_test device (status 0 when the guest finished)
    timeout 120 "$qemu" -machine virt -accel tcg -cpu "$cpu" -m 128M -nographic -nic none -no-reboot -bios none \
      -kernel "$guest" -monitor none \
      -device loader,file="$d/job.bin",addr=0x80200000,force-raw=on \
      -device loader,file="$d/tables.bin",addr=0x80400000,force-raw=on \
      -chardev file,id=oracle,path="$d/guest.log" -serial chardev:oracle >"$d/qemu.out" 2>&1 || rc=$?
    ok=0
  else
    timeout 120 "$qemu" -accel tcg -nographic -nic none -no-reboot -m 64M -cpu "$cpu" \
      -kernel "$guest" -serial none -monitor none \
      -device loader,file="$d/job.bin",addr=0x200000,force-raw=on \
      -device loader,file="$d/tables.bin",addr=0x400000,force-raw=on \
      -chardev file,id=oracle,path="$d/guest.log" -device isa-debugcon,iobase=0xe9,chardev=oracle \
      -device isa-debug-exit,iobase=0xf4,iosize=4 >"$d/qemu.out" 2>&1 || rc=$?
  fi
  if [ "$rc" -ne "$ok" ]; then # isa-debug-exit with 0 exits with status 1, sifive_test's pass with 0
    echo "image $s: QEMU ended with status $rc:" >&2
    cat "$d/qemu.out" >&2
    failed=$((failed + 1))
    continue
  fi
  rc=0
  "$oracle" check "$d/job.bin" "$d/tables.bin" "$d/guest.log" "${sets[@]}" >"$d/check.txt" || rc=$?
  total=$((total + accesses))
  if [ "$rc" -eq 2 ]; then
    cat "$d/check.txt"
    exit 2
  fi
  if [ "$rc" -ne 0 ]; then
    failed=$((failed + 1))
    echo "== image $s (replay: mmuoracle gen --mode $mode $s $accesses JOB TABLES): differences"
    cat "$d/check.txt"
  fi
done
echo "oracle ($mode): $images images, $total accesses compared, $failed image(s) with differences"
if [ "$expect" -eq 1 ]; then
  [ "$failed" -gt 0 ] && exit 0
  echo "oracle: a difference was expected and none was found" >&2
  exit 1
fi
[ "$failed" -eq 0 ]
