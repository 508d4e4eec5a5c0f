#!/usr/bin/env bash
# usage: roundtrip.sh MMUSIM WORKLOADS_DIR
# A program's lackey trace and its conversion to ChampSim records give the same report, figure for figure.
# ChampSim records carry no access sizes, so the lackey side is the same trace with every size set to 1 by sed (an
# implementation independent of the converter): an access that crossed a page boundary is then one translation on
# both sides. The original lackey trace differs from the conversion by exactly those crossings, which is checked
# too. The two-process text trace (sizes 1 already) goes through CloudSuite records, its pids as ASIDs, and must give
# the original's report. Every compression is read, and the other commands (compare, explain --trace) agree as well.
set -euo pipefail
mmusim=${1:?usage: roundtrip.sh MMUSIM WORKLOADS_DIR}
workloads=${2:?usage: roundtrip.sh MMUSIM WORKLOADS_DIR}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/champsim-roundtrip.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
fail=0

# The report without the lines that name the trace file, its format and its bytes (provenance), and with the trace's
# name in explain's setup sentence replaced.
figures() { grep -vE '"(trace|format|provenance\.trace[a-z_.0-9]*)":' "$1" | sed -E 's/(records [0-9.]+ of ).* ran first/\1TRACE ran first/'; }
same() { # same A B WHAT
  if ! diff <(figures "$1") <(figures "$2") > "$scratch/diff"; then
    echo "champsim roundtrip: $3: the reports differ:"
    head -n 20 "$scratch/diff"
    fail=1
  fi
}
json_number() { grep -oE "\"$1\":[[:space:]]*[0-9]+" "$2" | grep -oE '[0-9]+$'; }

for w in default sort chase; do
  lackey=$workloads/$w.lackey.gz
  gzip -dc "$lackey" | sed -E 's/^(I  |  ?[LSM] )([0-9a-fA-F]+),[0-9]+$/\1\2,1/' > "$scratch/$w.size1.lackey"
  "$mmusim" convert --to champsim --trace "$lackey" "$scratch/$w.champsim.xz" 2> "$scratch/convert.err"
  "$mmusim" run --trace "$scratch/$w.size1.lackey" --json > "$scratch/lackey.json"
  for codec in xz gz bz2 plain; do
    f=$scratch/$w.champsim.$codec
    case $codec in
    gz) xz -dc "$scratch/$w.champsim.xz" | gzip -1 > "$f" ;;
    bz2) xz -dc "$scratch/$w.champsim.xz" | bzip2 -1 > "$f" ;;
    plain) xz -dc "$scratch/$w.champsim.xz" > "$f" ;;
    esac
    "$mmusim" run --trace "$f" --json > "$scratch/champsim.json"
    grep -q '"format":[[:space:]]*"champsim"' "$scratch/champsim.json" || { echo "champsim roundtrip: $f not detected as champsim"; fail=1; }
    same "$scratch/lackey.json" "$scratch/champsim.json" "$w ($codec)"
  done
  # against the original: the crossings the converter reported are the report's page-crossing accesses
  "$mmusim" run --trace "$lackey" --json > "$scratch/orig.json"
  crossing=$(json_number split_references "$scratch/orig.json" || true)
  reported=$(grep -oE '^mmusim: convert: [0-9]+ accesses crossed' "$scratch/convert.err" | grep -oE '[0-9]+' || echo 0)
  t_orig=$(json_number translations "$scratch/orig.json")
  t_conv=$(json_number translations "$scratch/champsim.json")
  if [ -z "$crossing" ] || [ "$crossing" != "$reported" ] || [ $((t_orig - t_conv)) != "$crossing" ]; then
    echo "champsim roundtrip: $w: page-crossing $crossing, converter reported $reported, translations $t_orig vs $t_conv"
    fail=1
  fi
done

# compare and explain --trace read the records through the same opening path
w=default
"$mmusim" compare --trace "$scratch/$w.size1.lackey" --set tlb.l2.entries=768 --set tlb.l2.entries=3072 --json > "$scratch/a.json"
"$mmusim" compare --trace "$scratch/$w.champsim.xz" --set tlb.l2.entries=768 --set tlb.l2.entries=3072 --json > "$scratch/b.json"
same "$scratch/a.json" "$scratch/b.json" "compare"
"$mmusim" explain --trace "$scratch/$w.size1.lackey" --at 100000 --json > "$scratch/a.json"
"$mmusim" explain --trace "$scratch/$w.champsim.xz" --at 100000 --json > "$scratch/b.json"
same "$scratch/a.json" "$scratch/b.json" "explain --trace"

# CloudSuite records: the text trace's processes become ASIDs and context switches again
text=$workloads/two-process.txt.gz
"$mmusim" convert --to champsim-cloudsuite --trace "$text" "$scratch/two.cs.xz" 2> /dev/null
"$mmusim" run --trace "$text" --set cr3.pcid=1 --json > "$scratch/a.json"
"$mmusim" run --trace "$scratch/two.cs.xz" --format champsim-cloudsuite --set cr3.pcid=1 --json > "$scratch/b.json"
same "$scratch/a.json" "$scratch/b.json" "two-process as CloudSuite"
switches=$(json_number context_switches "$scratch/b.json")
[ "${switches:-0}" -gt 0 ] || { echo "champsim roundtrip: no context switch in the CloudSuite run"; fail=1; }

# The converter's records for a hand-made trace, decoded by Python's struct (ip, destination_memory[2],
# source_memory[4]); the expected records are worked out by hand from the rules (README, Traces): a load after a
# store, an address already in the record, a fifth load and a third store each begin a record without a fetch.
printf 'I  401000,4\n L 7000,8\n S 8000,8\n L 9000,8\nI  401004,2\n M a000,4\n L a000,4\nI  401008,3\n L 1000,1\n L 2000,1\n L 3000,1\n L 4000,1\n L 5000,1\n S 6000,1\n S 6008,1\n S 6010,1\n' > "$scratch/hand.lackey"
"$mmusim" convert --to champsim --trace "$scratch/hand.lackey" "$scratch/hand.champsim" 2> /dev/null
got=$(python3 -c '
import struct, sys
data = open(sys.argv[1], "rb").read()
for i in range(0, len(data), 64):
    ip, br, tk = struct.unpack_from("<QBB", data, i)
    dst = struct.unpack_from("<2Q", data, i + 16)
    src = struct.unpack_from("<4Q", data, i + 32)
    print("%x %s %s" % (ip, ",".join("%x" % a for a in dst), ",".join("%x" % a for a in src)))
' "$scratch/hand.champsim")
want='401000 8000,0 7000,0,0,0
0 0,0 9000,0,0,0
401004 a000,0 a000,0,0,0
0 0,0 a000,0,0,0
401008 0,0 1000,2000,3000,4000
0 6000,6008 5000,0,0,0
0 6010,0 0,0,0,0'
if [ "$got" != "$want" ]; then
  printf 'champsim roundtrip: the hand-made trace converts to\n%s\nexpected\n%s\n' "$got" "$want"
  fail=1
fi
sed 's/,[0-9]*$/,1/' "$scratch/hand.lackey" > "$scratch/hand1.lackey"
"$mmusim" run --trace "$scratch/hand1.lackey" --set os.populate=1 --json > "$scratch/a.json"
"$mmusim" run --trace "$scratch/hand.champsim" --set os.populate=1 --json > "$scratch/b.json"
same "$scratch/a.json" "$scratch/b.json" "the hand-made trace"

[ "$fail" = 0 ] && echo "champsim roundtrip: the same reports"
exit "$fail"
