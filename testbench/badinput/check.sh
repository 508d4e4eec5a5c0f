#!/usr/bin/env bash
# usage: check.sh MMUSIM README.md [NAME=PROGRAM ...]
# Runs every row of README.md's "Bad input" table: the command (mmusim replaced by MMUSIM) in a scratch directory
# holding the inputs made below. Each row must exit with its status, print nothing on stdout when it fails, end
# without a crash or a sanitizer report, and show exactly its message: the first line of stderr (or, for a row
# whose command succeeds with nothing on stderr, a line of stdout).
# The other front ends a row may name (mmusim-tlm, mmucosim-default) are given as NAME=PROGRAM: they are found by
# that name on the PATH of the rows. A row naming one that was not given (not built here) is skipped and counted.
set -uo pipefail
usage="usage: check.sh MMUSIM README.md [NAME=PROGRAM ...]"
mmusim=${1:?$usage}
readme=${2:?$usage}
shift 2
mmusim=$(realpath "$mmusim")
readme=$(realpath "$readme")
export LC_ALL=C # strerror() texts as the table shows them
scratch=$(mktemp -d "${TMPDIR:-/tmp}/badinput.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mkdir "$scratch/bin"
for given in "$@"; do
  name=${given%%=*} program=${given#*=}
  [ "$name" != "$given" ] && [ -n "$name" ] || { echo "check.sh: '$given' is not NAME=PROGRAM" >&2; exit 2; }
  [ -x "$program" ] && ln -s "$(realpath "$program")" "$scratch/bin/$name"
done
export PATH="$scratch/bin:$PATH"
cd "$scratch" || exit 1

# ---- the inputs the table names ----
printf 'I  0401ab70,3\n L 04222cac,8\n' > ok.lackey
gzip -9nc ok.lackey > ok.gz
head -c 20 ok.gz > trunc.gz
{ head -c 30 ok.gz; printf 'XXXX'; tail -c +35 ok.gz; } > corrupt.gz # deflate data overwritten
printf '\177ELF\002\001\001\000\000\000\000\000\000\000\000\000\003\000>\000' > garbage.bin
{ printf 'R '; printf '4%.0s' $(seq 5000); printf '\n'; } > long.txt
printf 'R 1000\nR 10000000000000000\n' > wide64.txt
printf '# a comment\n\nR 1000\nW 7fffffffe000\nR 800000000000\n' > wide48.txt
printf 'R 1000\nR 100000000\n' > wide32.txt
printf 'R 1000\nW 2000 x\n' > badpid.txt
printf 'R 1000\nW 2000 4294967296\n' > bigpid.txt
printf ' L 1000,0\n' > size0.lackey
: > empty.txt
mkdir -p adir
printf '[tlb.l1d]\nentires = 32\n' > unknown.ini
printf '[tlb.l1d]\nentries = 64\nentries = 32\n' > dup.ini
printf '[tlb.l1d]\nentries = 48\nways = 5\n' > ways.ini
printf '[tlb.l1d]\nentries = 3\n' > few.ini
printf '[tlb.l1d\nentries = 32\n' > section.ini
printf '[mem]\nlatency = 5 ; \000 binary\n' > nul.ini
printf '[mem]\nlatency = -5\n' > negative.ini
page() { printf 'page %3d:' "$1"; shift; for b in "$@"; do printf ' %s' "$b"; done; printf '\n'; }
ff=(); for _ in $(seq 31); do ff+=(7f); done
{ page 5 85 "${ff[@]}"; printf 'PDBR: 5  (decimal) [This means the page directory is held in this page]\n'; } > cycle.txt
{ page 5 85 7f; printf 'PDBR: 5\n'; } > shortpage.txt
{ page 200 "${ff[@]}" 00; printf 'PDBR: 5\n'; } > bigpage.txt
page 5 85 "${ff[@]}" > nopdbr.txt
# memory images (mmusim explain --memory)
printf '0x2000: 0x3007\n' > nocr3.img
printf 'cr3 0x2000\n0x2000: 0x3007 0x12g\n' > badword.img
printf 'cr3 0x20\n0x20: 0x100\n' > wideword.img
printf 'cr3 0x2000\n0x2004: 0x3007\n' > unaligned.img
printf 'root 0x2000\n' > noform.img
printf 'cr3 0x2000\ncr3 0x3000\n' > twocr3.img
# output destinations: links (dangling), a user's own file, an import dump
mkdir -p linkdir linkdiagrams mydiagrams
ln -sf nowhere linkdir/sweep.csv
ln -sf nowhere linkdiagrams/walk.json
ln -sf nowhere link.dump
printf 'my own diagram\n' > mydiagrams/walk.json
printf '1000 5 r--\n' > ok.dump
printf 'R 1000 4294967295\nW 2000 4294967295\nR 1000 4294967295\n' > pidmax.txt
printf '\357\273\277R 1000\n' > bom.txt
printf 'BZh91AY&SY' > ok.bz2
printf '\3757zXZ\000\000' > ok.xz
printf '\050\265\057\375' > ok.zst
printf ' L fffffffffffffffc,8\n' > wrap.lackey
printf 'R ffff800000001000\n' > kernel.txt
printf '1000 5 r--\n2000 6 r\000-\n' > nul.dump
printf '1000 5 r--\n800000000000 6 rw-\n' > noncanon.dump
printf '1000 5 r--\nffff800000000000 6 rw-\n' > kernel.dump
# the shards of a sweep (2 rows in 2 shards), one of another sweep, a copy, one cut short, an earlier --slurm
sweep2=(sweep --trace ok.lackey --sweep tlb.l1d.entries=16,32)
"$mmusim" "${sweep2[@]}" --shard 1/2 > shard-1-of-2.csv 2> /dev/null
"$mmusim" "${sweep2[@]}" --shard 2/2 > shard-2-of-2.csv 2> /dev/null
"$mmusim" sweep --trace ok.lackey --sweep tlb.l1d.entries=16,64 --shard 2/2 > other-2-of-2.csv 2> /dev/null
cp shard-1-of-2.csv copy-1-of-2.csv
head -c -40 shard-2-of-2.csv > cut-2-of-2.csv # the last row without its end
"$mmusim" "${sweep2[@]}" --slurm myjob 2> /dev/null
# ChampSim and din traces: a record whose is_branch is 2, compressed streams cut short, bad din lines
{ printf '\000\020\100\000\000\000\000\000\002'; head -c 55 /dev/zero; } > flags.champsim
head -c 128 /dev/zero | xz -c | head -c 40 > cut.champsim.xz
head -c 128 /dev/zero | bzip2 -c | head -c 30 > cut.champsim.bz2
head -c 100 /dev/zero > short.champsim
printf '2 401000\n7 1000\n' > label.din
printf '0 7fff0010 4 read\n' > comment.din
# sweep --area: the CSV of scripts/rtl-cells.sh with a figure that is no number
{ printf 'config,L1iEntries,L1iWays,L1iPolicy,L1iHitLatency,L1dEntries,L1dWays,L1dPolicy,L1dHitLatency,L2Entries,'
  printf 'L2Ways,L2Policy,L2HitLatency,PcidEn,PaBits,Mode,Sum,Mxr,Svadu,'
  printf 'PwcL2Entries,PwcL2Ways,PwcL2Policy,PwcL2HitLatency,PwcL3Entries,PwcL3Ways,PwcL3Policy,PwcL3HitLatency,PwcL4Entries,PwcL4Ways,PwcL4Policy,PwcL4HitLatency,PwcL5Entries,PwcL5Ways,PwcL5Policy,PwcL5HitLatency,'
  printf 'memory_bits,logic_cells\n'
  printf 'small,8,2,0,1,8,4,0,1,16,4,0,2,0,46,0,0,0,0,0,1,0,1,0,1,0,1,0,1,0,1,0,1,0,1,3288,many\n'; } > badarea.csv
# A zombie: a child that has exited under a parent (exec'd into sleep) that never collects it; the parent is ended
# on exit, and init collects the zombie.
(sleep 0 & echo $! > zombie.pid; exec sleep 600) < /dev/null > /dev/null 2>&1 &
zombie_parent=$!
trap 'kill "$zombie_parent" 2> /dev/null; rm -rf "$scratch"' EXIT
for _ in $(seq 200); do # until the child has exited (a state, not a time, is awaited)
  grep -qs '^State:.Z' "/proc/$(cat zombie.pid 2> /dev/null)/status" && break
  sleep 0.05
done

# ---- the table ----
rows=$(awk '/^## Bad input/ { on = 1; next } /^## / { on = 0 } on && /^\| .*`(mmu|printf)/' "$readme")
n=0
fail=0
skipped=0
while IFS= read -r row; do
  [ -n "$row" ] || continue
  # Cells split at '|' not escaped as '\|' (a pipe inside a command), then unescaped and stripped of backticks.
  mapfile -t cells < <(printf '%s\n' "$row" | sed 's/\\|/\x01/g' | tr '|' '\n' | tr '\001' '|' |
    sed 's/^ *//; s/ *$//; s/^`//; s/`$//')
  cmd=${cells[2]} want=${cells[3]} status=${cells[4]}
  other=$(grep -oE '(^|[ |] *)(mmusim-tlm|mmucosim-[a-z0-9-]+) ' <<< "$cmd" | head -n 1 | tr -d ' |')
  if [ -n "$other" ] && [ ! -e "$scratch/bin/$other" ]; then
    skipped=$((skipped + 1))
    continue
  fi
  n=$((n + 1))
  run=${cmd//mmusim /\"\$mmusim\" }
  got=0
  mmusim=$mmusim bash -c "$run" > out.txt 2> err.txt || got=$?
  first=$(head -n 1 err.txt)
  problem=""
  if [ "$got" != "$status" ]; then
    problem="exit status $got, the table says $status"
  elif grep -qE 'Sanitizer|runtime error|Segmentation|core dumped|Aborted' err.txt; then
    problem="crash or sanitizer report"
  elif [ "$status" != 0 ] && [ -s out.txt ]; then
    problem="output on stdout after an error"
  elif [ -s err.txt ] && [ "$first" != "$want" ]; then
    problem="first line of stderr differs"
  elif [ ! -s err.txt ] && ! grep -qxF -- "$want" <(sed 's/^ *//' out.txt); then
    problem="no such line on stdout"
  fi
  if [ -n "$problem" ]; then
    fail=1
    printf 'bad input: %s\n  command: %s\n  want:    %s\n  stderr:\n' "$problem" "$cmd" "$want"
    sed 's/^/    /' err.txt | head -n 20
  fi
done <<< "$rows"
echo "bad input: $n rows checked"
[ "$skipped" = 0 ] || echo "bad input: $skipped rows skipped: they name a front end not built here"
[ "$n" -gt 20 ] || { echo "bad input: too few rows found in $readme"; exit 1; }
exit "$fail"
