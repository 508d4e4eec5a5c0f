#!/usr/bin/env bash
# usage: shards.sh MMUSIM WORKLOADS_DIR
# Sweeps of several traces, in shards, merged (README, "Sweeps on a cluster"):
# - several --trace: each trace's rows are exactly those of a sweep of that trace alone, behind a first column trace;
#   a sweep of one trace has no such column;
# - --shard I/N for every I, merged with sweep-merge (files in any order), is the one-machine CSV byte for byte, for
#   N from 1 to more shards than rows, for both methods; sweep --merge -o DIR writes what sweep -o DIR writes;
# - the merge refuses a missing shard, a shard given twice, a shard of another sweep or another N, a file cut short
#   and a file that is no shard, naming the file;
# - the scripts of --slurm, run here by sh with the variables Slurm sets, give the one-machine CSV too.
set -euo pipefail
mmusim=${1:?usage: shards.sh MMUSIM WORKLOADS_DIR}
workloads=${2:?usage: shards.sh MMUSIM WORKLOADS_DIR}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/shards.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"
# The first 60000 lines of two bundled workloads (quick, also in the sanitizer build), as traces of their own.
w=$scratch/traces
mkdir "$w"
for t in sort chase; do
  { gzip -dc "$workloads/$t.lackey.gz" || true; } | head -n 60000 | gzip -1n > "$w/$t.lackey.gz" # gzip stops on SIGPIPE
done
fail=0
bad() {
  echo "shards: $*" >&2
  fail=1
}
same() { # a b what
  cmp -s "$1" "$2" || bad "$3: $1 and $2 differ"
}

traces=(--trace "$w/sort.lackey.gz" --trace "$w/chase.lackey.gz")
sim=("${traces[@]}" --sweep tlb.l1d.entries=16,32,48 --sweep tlb.l1d.ways=2,4 -j 2) # 2 x 6 rows, 4 skipped
sd=("${traces[@]}" --method stackdist --sweep tlb.l1d.entries=8,16,64 --set tlb.l1d.ways=full
  --set tlb.l1d.policy=lru)

# Several traces: a trace column, then each trace's rows as its own sweep writes them.
"$mmusim" sweep "${sim[@]}" > sim.csv 2> sim.err
"$mmusim" sweep "${sd[@]}" > sd.csv 2> sd.err
for kind in sim sd; do
  [ "$(head -c 6 $kind.csv)" = "trace," ] || bad "$kind: the CSV of two traces does not start with a column trace"
  for t in sort chase; do
    if [ $kind = sim ]; then
      args=(--trace "$w/$t.lackey.gz" --sweep tlb.l1d.entries=16,32,48 --sweep tlb.l1d.ways=2,4 -j 2)
    else
      args=(--trace "$w/$t.lackey.gz" --method stackdist --sweep tlb.l1d.entries=8,16,64 --set tlb.l1d.ways=full
        --set tlb.l1d.policy=lru)
    fi
    "$mmusim" sweep "${args[@]}" > "one-$kind-$t.csv" 2> /dev/null
    case "$(head -c 6 "one-$kind-$t.csv")" in trace,) bad "$kind $t: one trace, yet a column trace" ;; esac
    tail -n +2 "one-$kind-$t.csv" > "one-$kind-$t.rows"
    grep "^$w/$t.lackey.gz," $kind.csv | cut -d, -f2- > "two-$kind-$t.rows" || true
    same "one-$kind-$t.rows" "two-$kind-$t.rows" "$kind: the rows of $t alone and among two traces"
  done
done
[ "$(wc -l < sim.csv)" -eq 13 ] || bad "sim: $(wc -l < sim.csv) lines, expected a header and 2 x 6 rows"
[ "$(wc -l < sd.csv)" -eq 7 ] || bad "sd: $(wc -l < sd.csv) lines, expected a header and 2 x 3 rows"
grep -q 'configuration 5 skipped' sim.err || bad "sim: no line for the skipped configuration 5"
[ "$(grep -c 'configuration 5 skipped' sim.err)" -eq 1 ] || bad "sim: a skipped configuration reported once per trace"

# Every N: shards merged (the files given last shard first) are the one-machine CSV.
for kind in sim sd; do
  [ $kind = sim ] && args=("${sim[@]}") || args=("${sd[@]}")
  for n in 1 2 3 5 7 12 13 40; do
    files=()
    for ((i = n; i >= 1; i--)); do
      "$mmusim" sweep "${args[@]}" --shard "$i/$n" > "$kind-$i-of-$n.csv" 2> /dev/null || bad "$kind: shard $i/$n failed"
      files+=("$kind-$i-of-$n.csv")
    done
    "$mmusim" sweep-merge "${files[@]}" > "merged-$kind-$n.csv" || bad "$kind: the merge of $n shards failed"
    same $kind.csv "merged-$kind-$n.csv" "$kind: $n shards merged"
  done
done
# Reports of different shapes (OS-side figures with os.thp, the walk caches' with a page-walk cache or the data
# cache): the columns of every shard are the whole sweep's, whichever configurations it ran.
shapes=(--trace "$w/sort.lackey.gz" --sweep pwc.l2.entries=0,4 --sweep dcache.lines=0,16 --sweep os.thp=never,always)
"$mmusim" sweep "${shapes[@]}" > shapes.csv 2> /dev/null
for n in 2 3 8; do
  files=()
  for ((i = 1; i <= n; i++)); do
    "$mmusim" sweep "${shapes[@]}" --shard "$i/$n" > "shapes-$i-of-$n.csv" 2> /dev/null || bad "shapes: shard $i/$n failed"
    files+=("shapes-$i-of-$n.csv")
  done
  "$mmusim" sweep-merge "${files[@]}" > "merged-shapes-$n.csv" || bad "shapes: the merge of $n shards failed"
  same shapes.csv "merged-shapes-$n.csv" "shapes: $n shards merged"
done
head -n 1 shapes.csv | grep -q ',os.fault_rate,' || bad "shapes: no OS-side column (os.fault_rate)"
head -n 1 shapes.csv | grep -q ',pwc.l2.hits,' || bad "shapes: no page-walk cache column (pwc.l2.hits)"

# The line of an empty shard (40 shards of 12 rows) and of a full one.
grep -qx "# mmusim sweep-shard 1/40 of sweep [0-9a-f]\{16\}: 0 rows from row 1 of 12" sim-1-of-40.csv ||
  bad "the first line of shard 1/40: $(head -n 1 sim-1-of-40.csv)"
grep -qx "# mmusim sweep-shard 3/3 of sweep [0-9a-f]\{16\}: 4 rows from row 9 of 12" sim-3-of-3.csv ||
  bad "the first line of shard 3/3: $(head -n 1 sim-3-of-3.csv)"

# -o DIR: the shard's file; sweep --merge -o DIR writes every file sweep -o DIR writes, the same.
for i in 1 2 3; do "$mmusim" sweep "${sim[@]}" --shard $i/3 -o shards 2> /dev/null; done
[ -f shards/shard-2-of-3.csv ] || bad "--shard 2/3 -o shards: no shards/shard-2-of-3.csv"
"$mmusim" sweep "${sim[@]}" -o local > local.table 2> /dev/null
"$mmusim" sweep "${sim[@]}" --merge shards/shard-*-of-3.csv -o merged > merged.table 2> /dev/null ||
  bad "sweep --merge -o merged failed"
for f in sweep.csv sweep.provenance.json plot-data.tsv plots.gp; do
  same local/$f merged/$f "sweep --merge -o: $f"
done
same local.table merged.table "sweep --merge -o: the table"

# Refusals: exit status 2 and a message naming the file.
refused() { # what expected-message args...
  local what=$1 msg=$2
  shift 2
  if "$mmusim" "$@" > out 2> err; then
    bad "$what: accepted"
  elif [ $? -ne 2 ] || ! grep -qF -- "$msg" err; then
    bad "$what: expected exit 2 and '$msg', got: $(cat err)"
  fi
}
refused "a missing shard" "shard 2/3 (shard-2-of-3.csv) is missing" sweep-merge sim-1-of-3.csv sim-3-of-3.csv
refused "a shard twice" "sim-1-of-3.csv: shard 1/3 again" sweep-merge sim-1-of-3.csv sim-2-of-3.csv \
  sim-3-of-3.csv sim-1-of-3.csv
refused "another sweep" "sd-2-of-3.csv: a shard of another sweep than sim-1-of-3.csv" sweep-merge sim-1-of-3.csv sd-2-of-3.csv \
  sim-3-of-3.csv
refused "another N" "sim-2-of-5.csv: shard 2 of 5, but sim-1-of-3.csv is one of 3 shards" sweep-merge \
  sim-1-of-3.csv sim-2-of-5.csv
head -c 2000 sim-3-of-3.csv > cut.csv
refused "a shard cut short" "cut.csv: ends inside a row" sweep-merge sim-1-of-3.csv sim-2-of-3.csv cut.csv
head -n 3 sim-3-of-3.csv > short.csv
refused "a shard missing rows" "short.csv: holds 1 rows, its line 1 says 4" sweep-merge sim-1-of-3.csv \
  sim-2-of-3.csv short.csv
refused "not a shard" "sim.csv: line 1: not a shard" sweep-merge sim.csv
# A trace rewritten between shards with its size kept: its checksum in one shard's rows differs (hand-edited here).
awk -F, -v OFS=, 'NR == 2 { for (i = 1; i <= NF; i++) if ($i == "provenance.trace.crc32") c = i }
  NR == 3 { $c = "00000000" } 1' sim-1-of-3.csv > changed-1-of-3.csv # row 1: no quoted field before the column
refused "a trace that changed between shards" "changed-1-of-3.csv: trace $w/sort.lackey.gz has CRC-32 00000000" \
  sweep-merge sim-2-of-3.csv changed-1-of-3.csv sim-3-of-3.csv
refused "another sweep's shards for --merge" "sd-1-of-3.csv: not a shard of this sweep" sweep "${sim[@]}" --merge \
  sd-1-of-3.csv sd-2-of-3.csv sd-3-of-3.csv
refused "the same trace twice" "--trace $w/sort.lackey.gz is given twice" sweep --trace "$w/sort.lackey.gz" \
  --trace "$w/sort.lackey.gz" --sweep tlb.l1d.entries=16,32

# --slurm: the scripts, run by sh as Slurm would run them (each task with its SLURM_ARRAY_TASK_ID), then the merge.
"$mmusim" sweep "${sim[@]}" --slurm job --shards 4 --slurm-opt=--time=5 2> slurm.err || bad "--slurm failed"
grep -qx '#SBATCH --array=1-4' job/sweep.sbatch || bad "--slurm: no #SBATCH --array=1-4 in sweep.sbatch"
grep -qx '#SBATCH --time=5' job/sweep.sbatch || bad "--slurm-opt: not in sweep.sbatch"
grep -qx '#SBATCH --time=5' job/merge.sbatch || bad "--slurm-opt: not in merge.sbatch"
grep -q 'dependency=afterok:' job/submit.sh || bad "--slurm: submit.sh does not make the merge wait for the array"
[ -x job/submit.sh ] || bad "--slurm: submit.sh is not executable"
for i in 1 2 3 4; do SLURM_ARRAY_TASK_ID=$i sh job/sweep.sbatch 2> /dev/null || bad "sweep.sbatch task $i failed"; done
sh job/merge.sbatch > /dev/null 2>&1 || bad "merge.sbatch failed"
same sim.csv job/result/sweep.csv "--slurm scripts run by sh"
refused "--slurm over an earlier one" "sweep.sbatch exists; not overwritten" sweep "${sim[@]}" --slurm job
"$mmusim" sweep "${sim[@]}" --slurm job --force 2> /dev/null || bad "--slurm --force over an earlier one failed"

if [ $fail -ne 0 ]; then
  echo "shards: FAILED" >&2
  exit 1
fi
echo "shards: traces as a dimension, shards merged for N = 1..40 (both methods), refusals, --slurm scripts: OK"
