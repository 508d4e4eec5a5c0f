#!/usr/bin/env bash
# usage: check.sh MMUSIM [--cosim MMUCOSIM] [--tlm MMUSIM_TLM]
# Outputs are whole or absent, never half (README.md, "What the tools write"):
#   1. stdout on a full device (/dev/full): every command of every front end given exits 2 with the message;
#   2. a sweep killed in the middle of writing its CSV (stopped there by the test hook MMUSIM_TEST_STOP_WRITING, so
#      the test does not race it): SIGTERM leaves the earlier sweep's files as they were and no temporary; SIGKILL
#      leaves them as they were; a run that ends writes the new CSV whole;
#   3. the same without the hook, killed at arbitrary moments: sweep.csv is always the old one or the new one;
#   4. a full file system (a 64 KiB tmpfs, which needs root: skipped with a message otherwise): sweep -o,
#      import-proc --dump and diagram fail with "No space left on device", leave no file behind and keep old ones.
set -uo pipefail
mmusim=$(realpath "${1:?usage: check.sh MMUSIM [--cosim MMUCOSIM] [--tlm MMUSIM_TLM]}")
shift
cosim="" tlm=""
while [ $# -gt 0 ]; do
  case $1 in
  --cosim) cosim=$(realpath "$2"); shift 2 ;;
  --tlm) tlm=$(realpath "$2"); shift 2 ;;
  *) echo "check.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
export LC_ALL=C
scratch=$(mktemp -d "${TMPDIR:-/tmp}/outputs.XXXXXX")
mnt=$scratch/small
cleanup() {
  mountpoint -q "$mnt" 2>/dev/null && umount "$mnt"
  rm -rf "$scratch"
}
trap cleanup EXIT
cd "$scratch" || exit 1
failures=0
fail() {
  echo "output safety: FAIL: $*"
  failures=$((failures + 1))
  if [ ! -d "$scratch" ]; then # every later check would fail for the same reason
    echo "output safety: FAIL: the test's own directory $scratch was removed while it ran; stopping"
    exit 1
  fi
}

# A small trace; two sweeps of 100 configurations each (a CSV of some 200 KB, larger than a stdio buffer), whose CSVs
# differ in their mem.latency column.
for i in $(seq 2000); do printf 'R %x\nW %x\n' $((i * 4096)) $((i * 8192 + 64)); done >t.txt
printf '1000 5 r--\n2000 6 rw-\n' >ok.dump
sweep_a=(sweep --trace t.txt --sweep "tlb.l1d.entries=16,32,64,128,256" --sweep "tlb.l1d.ways=1,2,4,8"
  --sweep "mem.latency=50,100,150,200,250" -j 2)
sweep_b=(sweep --trace t.txt --sweep "tlb.l1d.entries=16,32,64,128,256" --sweep "tlb.l1d.ways=1,2,4,8"
  --sweep "mem.latency=60,110,160,210,260" -j 2)
"$mmusim" "${sweep_a[@]}" >a.csv 2>/dev/null || fail "sweep A to stdout"
"$mmusim" "${sweep_b[@]}" >b.csv 2>/dev/null || fail "sweep B to stdout"
cmp -s a.csv b.csv && fail "sweeps A and B write the same CSV: the test cannot tell them apart"

# ---- 1. stdout on a full device ----
full_line="writing to standard output: No space left on device"
on_full() { # PROG-NAME COMMAND...: exit 2 and the message on a full stdout
  local name=$1
  shift
  "$@" >/dev/full 2>err.txt
  local rc=$?
  if grep -qE 'Sanitizer|runtime error|Segmentation|core dumped|Aborted' err.txt; then
    fail "'${*:2}' with stdout on /dev/full: crash or sanitizer report: $(head -n 3 err.txt)"
  elif [ "$rc" != 2 ]; then
    fail "'${*:2}' with stdout on /dev/full: exit $rc, not 2"
  elif ! grep -qxF "$name: $full_line" err.txt; then
    fail "'${*:2}' with stdout on /dev/full: no '$name: $full_line' on stderr: $(head -n 3 err.txt)"
  fi
}
rm -rf dg sw
mmusim_cmds=("run --trace t.txt" "run --trace t.txt --json" "run --trace t.txt --engine ticked"
  "compare --trace t.txt --set tlb.l1d.entries=32 --set tlb.l1d.entries=64"
  "compare --trace t.txt --set tlb.l1d.entries=32 --set tlb.l1d.entries=64 --json"
  "sweep --trace t.txt --sweep tlb.l1d.entries=16,32" "sweep --trace t.txt --sweep tlb.l1d.entries=16,32 -o sw"
  "explain --addr 0x1000" "explain --addr 0x1000 --json" "explain --trace t.txt --at 3"
  "amat --trace t.txt" "amat --trace t.txt --markdown" "amat --trace t.txt --json"
  "config --list" "config --presets" "diagram --out dg" "import-proc --from ok.dump" "import-proc --from ok.dump --json"
  "--help" "run --help" "sweep --help" "compare --help" "explain --help" "amat --help" "diagram --help"
  "import-proc --help" "config --help")
for cmd in "${mmusim_cmds[@]}"; do
  # shellcheck disable=SC2086 # the words of cmd are the arguments
  on_full mmusim "$mmusim" $cmd
done
if [ -n "$cosim" ]; then
  prog=$(basename "$cosim")
  for cmd in "--random 2000" "--list-scenarios" "--params" "--help"; do
    # shellcheck disable=SC2086
    on_full "$prog" "$cosim" $cmd
  done
fi
if [ -n "$tlm" ]; then
  for cmd in "--trace t.txt" "--trace t.txt --json" "--help"; do
    # shellcheck disable=SC2086
    on_full mmusim-tlm "$tlm" $cmd
  done
fi

# ---- 2. killed in the middle of writing, at a known point ----
temporaries() { find "$1" -name '.*.tmp-*' | sort; }
wait_stopped() { # PID: until the process stops itself (the hook) or ends
  while [ -e "/proc/$1" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != T ]; do sleep 0.02; done
}
rm -rf d && mkdir d
"$mmusim" "${sweep_a[@]}" -o d >/dev/null 2>err.txt || fail "sweep A -o d: $(tail -n 1 err.txt)"
cmp -s d/sweep.csv a.csv || fail "sweep A: d/sweep.csv is not the CSV it prints on stdout"
cp -a d saved
for stop_at in sweep.csv amat.svg; do
  for sig in TERM KILL; do
    MMUSIM_TEST_STOP_WRITING=$stop_at "$mmusim" "${sweep_b[@]}" -o d --force >/dev/null 2>err.txt &
    pid=$!
    wait_stopped "$pid"
    tmp=$(temporaries d | grep -F ".$stop_at.tmp-")
    [ -n "$tmp" ] || fail "stopped writing $stop_at: no temporary of it in d/"
    [ "$stop_at" != sweep.csv ] || [ -s "$tmp" ] || fail "stopped writing sweep.csv: nothing written yet"
    diff -r -x ".*.tmp-*" saved d >/dev/null || fail "stopped writing $stop_at: the earlier sweep's files changed already"
    kill -"$sig" "$pid"
    kill -CONT "$pid" 2>/dev/null
    { wait "$pid"; } 2>/dev/null # no "Killed" from the shell
    rc=$?
    want=$((128 + $(kill -l "$sig")))
    [ "$rc" = "$want" ] || fail "SIG$sig while writing $stop_at: exit status $rc, not $want"
    diff -r -x ".*.tmp-*" saved d >/dev/null || fail "SIG$sig while writing $stop_at: the earlier sweep's files changed"
    if [ "$sig" = TERM ]; then
      [ -z "$(temporaries d)" ] || fail "SIGTERM while writing $stop_at: temporaries left: $(temporaries d)"
    fi
    rm -f d/.*.tmp-* # SIGKILL cannot be caught: its temporary stays (README)
  done
done
"$mmusim" "${sweep_b[@]}" -o d --force >/dev/null 2>err.txt || fail "sweep B -o d --force: $(tail -n 1 err.txt)"
cmp -s d/sweep.csv b.csv || fail "sweep B -o d --force: d/sweep.csv is not B's CSV"
[ -z "$(temporaries d)" ] || fail "sweep B: temporaries left: $(temporaries d)"

# ---- 3. killed at arbitrary moments: the old CSV or the new one, nothing else ----
for delay in 0 0.01 0.02 0.05 0.1 0.15 0.2 0.3 0.5 0.8; do
  "$mmusim" "${sweep_a[@]}" -o d --force >/dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  kill -TERM "$pid" 2>/dev/null
  { wait "$pid"; } 2>/dev/null
  cmp -s d/sweep.csv a.csv || cmp -s d/sweep.csv b.csv || fail "killed after ${delay} s: sweep.csv is neither CSV"
  [ -z "$(temporaries d)" ] || fail "killed after ${delay} s: temporaries left: $(temporaries d)"
  "$mmusim" "${sweep_b[@]}" -o d --force >/dev/null 2>&1 || fail "sweep B -o d --force after a kill"
done

# ---- 4. a full file system ----
mkdir -p "$mnt"
if ! mount -t tmpfs -o size=64k tmpfs "$mnt" 2>/dev/null; then
  echo "output safety: skipped the full file system checks: cannot mount a tmpfs (needs root)"
else
  enospc() { # WHAT PATH: the last run failed with exit 2, its error "mmusim: [...] PATH...: No space left on device"
    [ "$rc" = 2 ] || fail "$1: exit $rc, not 2"
    grep "^mmusim: .*: No space left on device\$" err.txt | grep -qF " $2" ||
      fail "$1: no 'mmusim: ... $2...: No space left on device': $(tail -n 2 err.txt)"
  }
  if command -v gnuplot >/dev/null; then
    # The CSV fits, the plots do not: nothing at all is left, the command fails.
    "$mmusim" sweep --trace t.txt --sweep tlb.l1d.entries=16,32 -o "$mnt/sw" >out.txt 2>err.txt
    rc=$?
    enospc "sweep -o on a small file system" "$mnt/sw/"
    [ -z "$(ls -A "$mnt/sw")" ] || fail "sweep -o on a small file system left: $(ls -A "$mnt/sw")"
    [ -s out.txt ] && fail "sweep -o on a small file system: a table on stdout after the error"
    # An earlier sweep's files (small stand-ins) are kept when a --force run fails.
    for f in sweep.csv sweep.provenance.json plots.gp plot-data.tsv miss_rate.png miss_rate.svg amat.png amat.svg; do
      echo "earlier $f" >"$mnt/sw/$f"
    done
    cp -a "$mnt/sw" kept
    "$mmusim" sweep --trace t.txt --sweep tlb.l1d.entries=16,32 -o "$mnt/sw" --force >/dev/null 2>err.txt
    rc=$?
    enospc "sweep -o --force on a small file system" "$mnt/sw/"
    diff -r kept "$mnt/sw" >/dev/null || fail "sweep -o --force on a small file system changed the earlier files"
    rm -rf "$mnt/sw"
  else
    echo "output safety: gnuplot not installed: the plots on a small file system are not checked"
  fi
  # The disk full from the start: the CSV, a dump, the diagrams.
  dd if=/dev/zero of="$mnt/filler" bs=4k 2>/dev/null
  "$mmusim" sweep --trace t.txt --sweep tlb.l1d.entries=16,32 -o "$mnt/sw2" >/dev/null 2>err.txt
  rc=$?
  enospc "sweep -o on a full file system" "$mnt/sw2/sweep.csv"
  [ -z "$(ls -A "$mnt/sw2")" ] || fail "sweep -o on a full file system left: $(ls -A "$mnt/sw2")"
  "$mmusim" import-proc --from ok.dump --dump "$mnt/x.dump" >/dev/null 2>err.txt
  rc=$?
  enospc "import-proc --dump on a full file system" "$mnt/x.dump"
  [ -z "$(find "$mnt" -maxdepth 1 -name '*x.dump*')" ] || fail "import-proc --dump left $(find "$mnt" -maxdepth 1 -name "*x.dump*")"
  mkdir "$mnt/dg"
  "$mmusim" diagram --out "$mnt/dg" >out.txt 2>err.txt
  rc=$?
  enospc "diagram on a full file system" "$mnt/dg/"
  [ -z "$(ls -A "$mnt/dg")" ] || fail "diagram on a full file system left: $(ls -A "$mnt/dg")"
  [ -s out.txt ] && fail "diagram on a full file system: lines on stdout after the error"
  umount "$mnt"
fi

echo "output safety: $failures failure(s)"
[ "$failures" = 0 ]
