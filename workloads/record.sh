#!/usr/bin/env bash
# Records the memory references of a real program with valgrind lackey, repeatably: no address-space randomisation
# (setarch -R), a fixed environment (env -i), generated input that is the same on every run, and banner lines whose
# pids are normalised. See workloads/README.md.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: workloads/record.sh [-o OUT] [-w WORKLOAD] [-s BYTES] [-n REFS] [-l REFS] [-- PROG [ARGS...]]
  -o OUT       output file; gzip -9 compressed when it ends in .gz (default: workloads/default.lackey.gz)
  -w WORKLOAD  built-in workload, run on generated input: xz (default: xz -1 compressing text), sort, gzip;
               or a workloads/src/memwalk.c pattern (no input): chase, row, col
  -s BYTES     size of the generated input (default 3200: about 2.8 million references with xz)
  -n REFS      grow the generated input until the trace has at least REFS references (xz, sort, gzip only)
  -l REFS      keep only the first REFS references of the trace
  -- PROG ...  record this command instead, run in the current directory
USAGE
}

here=$(cd "$(dirname "$0")" && pwd)
out=$here/default.lackey.gz
workload=xz
size=3200
target=0
limit=0
size_given=0
while getopts "o:w:s:n:l:h" opt; do
  case $opt in
  o) out=$OPTARG ;;
  w) workload=$OPTARG ;;
  s) size=$OPTARG size_given=1 ;;
  n) target=$OPTARG ;;
  l) limit=$OPTARG ;;
  h) usage; exit 0 ;;
  *) usage >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
custom=("$@")

die() { echo "record.sh: $*" >&2; exit 1; }
for tool in valgrind setarch gzip awk; do
  command -v "$tool" >/dev/null || die "$tool not found (scripts/install-deps.sh installs valgrind)"
done
[[ $size =~ ^[1-9][0-9]*$ ]] || die "-s: '$size' is not a positive number of bytes"
[[ $target =~ ^[0-9]+$ ]] || die "-n: '$target' is not a number of references"
[[ $limit =~ ^[0-9]+$ ]] || die "-l: '$limit' is not a number of references"
case $workload in
xz | sort | gzip) ;;
chase | row | col)
  [ "$size_given" -eq 0 ] && [ "$target" -eq 0 ] || die "-s and -n do not apply to '$workload': it reads no input"
  command -v gcc >/dev/null || die "gcc not found (needed to build workloads/src/memwalk.c)"
  ;;
*) die "-w: unknown workload '$workload' (xz, sort, gzip, chase, row, col)" ;;
esac
if [ ${#custom[@]} -gt 0 ] && [ "$target" -gt 0 ]; then
  die "-n only applies to the built-in workloads: a command's input cannot be scaled"
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/record.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# Text lines from a fixed-seed generator (MINSTD: exact in awk's doubles), cut to exactly $1 bytes.
gen_input() {
  awk -v n="$1" 'BEGIN {
    x = 1; s = 0
    while (s < n) { x = (x * 48271) % 2147483647; l = sprintf("%d %08x line-%d\n", x, x, x % 997); printf "%s", l; s += length(l) }
  }' | head -c "$1"
}

# Roughly how many references each byte of input adds (measured), for a first guess at the input size for -n.
refs_per_byte() {
  case $workload in
  xz) echo 600 ;;
  sort) echo 70 ;;
  gzip) echo 230 ;;
  *) echo 1 ;;
  esac
}

workload_cmd() {
  case $workload in
  xz) echo "xz -1 -T1 -c input.txt" ;;
  sort) echo "sort input.txt" ;;
  gzip) echo "gzip -6 -c input.txt" ;;
  # 2048 pages (8 MiB) visited in a random cycle: nearly every step misses the L1 DTLB, many miss the STLB.
  chase) echo "./memwalk chase 2048 200000" ;;
  # 256 rows of 4 KiB (1 MiB): row order touches each page once in a run; column order crosses a page per access.
  row) echo "./memwalk row 256 512" ;;
  col) echo "./memwalk col 256 512" ;;
  esac
}

# memwalk is linked statically where the static C library is installed: no dynamic loader in the trace.
build_memwalk() {
  local cc=(gcc -std=c11 -O2 -o "$scratch/memwalk" "$here/src/memwalk.c")
  "${cc[@]}" -static 2>/dev/null || "${cc[@]}" || die "cannot build workloads/src/memwalk.c"
}

# lackey under a fixed environment with ASLR off; the program's own output is discarded.
run_lackey() {
  local status=0
  setarch "$(uname -m)" -R env -i PATH=/usr/bin:/bin \
    valgrind --tool=lackey --trace-mem=yes --log-file="$scratch/raw.lackey" "$@" >/dev/null || status=$?
  [ "$status" -eq 0 ] || die "'$*' failed (exit status $status) under valgrind"
}

record_builtin() {
  case $workload in
  chase | row | col) [ -x "$scratch/memwalk" ] || build_memwalk ;;
  *) gen_input "$1" >"$scratch/input.txt" ;;
  esac
  # shellcheck disable=SC2046 # the command is a fixed list of words
  (cd "$scratch" && run_lackey $(workload_cmd))
}

count_refs() { grep -vc '^==' "$scratch/raw.lackey" || true; }

if [ ${#custom[@]} -gt 0 ]; then
  run_lackey "${custom[@]}"
  refs=$(count_refs)
else
  guess=$((target / $(refs_per_byte)))
  [ "$guess" -gt "$size" ] && size=$guess
  record_builtin "$size"
  refs=$(count_refs)
  # The count grows linearly with the input above a fixed start-up cost: extrapolate from the last two runs.
  prev_size=0 prev_refs=0
  while [ "$refs" -lt "$target" ]; do
    if [ "$prev_size" -gt 0 ] && [ "$refs" -gt "$prev_refs" ]; then
      next=$((size + (target - refs) * (size - prev_size) * 11 / ((refs - prev_refs) * 10) + 64))
    else
      next=$((size * 2))
    fi
    prev_size=$size prev_refs=$refs size=$next
    echo "record.sh: $prev_refs references from $prev_size bytes of input, retrying with $size" >&2
    record_builtin "$size"
    refs=$(count_refs)
  done
fi

# Valgrind's banner carries the pids of this run: normalised so the same program gives the same file. With -l the
# references after the first REFS are dropped (the banner lines before them stay).
sed -E -e 's/^==[0-9]+==/==0==/' -e 's/(Parent PID:) [0-9]+/\1 0/' "$scratch/raw.lackey" |
  awk -v limit="$limit" '!/^==/ && limit > 0 && ++n > limit { next } { print }' >"$scratch/trace.lackey"
if [ "$limit" -gt 0 ] && [ "$refs" -gt "$limit" ]; then refs=$limit; fi
mkdir -p "$(dirname "$out")"
if [[ $out == *.gz ]]; then
  gzip -9 -n -c "$scratch/trace.lackey" >"$scratch/out"
else
  mv "$scratch/trace.lackey" "$scratch/out"
fi
mv "$scratch/out" "$out"
case $workload in
chase | row | col) input="" ;;
*) input=" ($size bytes of generated input)" ;;
esac
what=${custom[*]:-$(workload_cmd)$input}
echo "record.sh: $refs references of '$what' -> $out ($(wc -c <"$out") bytes)" >&2
