#!/usr/bin/env bash
# scripts/experiment.sh --quick for each study: the CSV's columns and rows, properties that follow from how TLBs,
# huge pages and PCIDs work (checked here, not taken from the script), the plots, reproducibility and the refusal to
# overwrite. usage: test_experiments.sh SOURCE_DIR MMUSIM
set -uo pipefail
src=$1
mmusim=$2
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/experiments-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# Without gnuplot the script writes the CSV and exits 1: the CSV checks below still run.
exp() {
  "$src/scripts/experiment.sh" --quick --mmusim "$mmusim" "$@"
  local status=$?
  if [ "$status" -eq 1 ] && ! command -v gnuplot >/dev/null; then return 0; fi
  return "$status"
}

# check_csv FILE HEADER ROWS: the header exactly, and ROWS data rows.
check_csv() {
  [ -s "$1" ] || {
    fail "$1 missing or empty"
    return 1
  }
  [ "$(head -1 "$1")" = "$2" ] || fail "$1: header is '$(head -1 "$1")', expected '$2'"
  local rows
  rows=$(($(wc -l <"$1") - 1))
  [ "$rows" -eq "$3" ] || fail "$1: $rows rows, expected $3"
}

# awk over a CSV whose program prints one line per violated property
check_awk() { # NAME FILE PROGRAM [AWK OPTIONS...]
  local out
  out=$(awk -F, "${@:4}" "$3" "$2") || fail "$1: awk failed"
  [ -z "$out" ] || fail "$1: $out"
}

# ---- tlb-size: 2 workloads x (4 L1 entries x 3 ways + 2 STLB sizes) ----
exp tlb-size "$tmp/tlb" 2>"$tmp/tlb.err" || fail "tlb-size exited non-zero: $(cat "$tmp/tlb.err")"
csv=$tmp/tlb/tlb-size.csv
check_csv "$csv" "part,workload,l1d_entries,l1d_ways,l2_entries,l2_ways,references,l1d_accesses,l1d_misses,l1d_miss_rate,l2_misses,l2_miss_rate,walks,amat_cycles" 28
check_awk "tlb-size" "$csv" 'NR > 1 {
    n[$1 "," $2]++
    # The TLB configuration never changes what the trace asks for.
    if (($2 in acc) && (acc[$2] != $8 || refs[$2] != $7)) print $2 ": references or L1D accesses differ between rows"
    acc[$2] = $8; refs[$2] = $7
    if ($9 > $8) print $2 ": more L1D misses than accesses"
    if ($9 / $8 - $10 > 1e-6 || $10 - $9 / $8 > 1e-6) print $2 ": miss rate " $10 " is not " $9 "/" $8
    # Fully associative LRU is a stack algorithm: a larger TLB holds everything a smaller one holds, so its misses
    # never grow with the entries (rows come in increasing entries).
    if ($1 == "l1d" && $4 == "full") {
      if (($2 in last) && $9 > last[$2]) print $2 ": fully associative LRU misses grew from " last[$2] " to " $9 " at " $3 " entries"
      last[$2] = $9
    }
    if ($1 == "l1d" && $5 != 1536) print "the L1 part changed the STLB"
    if ($1 == "l2" && ($3 != 64 || $4 != 4)) print "the STLB part changed the L1 DTLB"
  }
  END {
    if (n["l1d,matrix-col"] != 12 || n["l1d,chase"] != 12 || n["l2,matrix-col"] != 2 || n["l2,chase"] != 2)
      print "rows per part and workload are not 12 and 2"
  }'
# The 8-entry direct-mapped L1 DTLB is the worst of the L1 rows: no larger or more associative one misses more here.
check_awk "tlb-size worst" "$csv" '$1 == "l1d" { m[$2, $3, $4] = $9; w[$2] = 1 }
  END { for (x in w) for (k in m) { split(k, p, SUBSEP); if (p[1] == x && m[k] > m[x, 8, 1]) print x ": " k " misses more than 8 x 1-way" } }'

# ---- huge-pages: 2 workloads x 5 policies (default preset only) ----
exp huge-pages "$tmp/huge" 2>"$tmp/huge.err" || fail "huge-pages exited non-zero: $(cat "$tmp/huge.err")"
csv=$tmp/huge/huge-pages.csv
check_csv "$csv" "preset,workload,policy,references,translations,served_4k,served_2m,served_1g,faults,l1d_miss_rate,l2_miss_rate,walks,walk_cycles,amat_cycles,cycles" 10
check_awk "huge-pages" "$csv" 'NR > 1 {
    seen[$2, $3] = 1
    # Every translation is served by one page size, except those that fault (each demand fault is retried).
    if ($6 + $7 + $8 + $9 != $5) print $2 " " $3 ": served " $6 "+" $7 "+" $8 " plus " $9 " faults is not " $5 " translations"
    # These traces have no kernel part and every 2 MiB region they touch is free at its first fault: THP always maps
    # every page huge.
    if ($3 == "thp-always" && ($6 != 0 || $8 != 0 || $7 == 0)) print $2 ": thp-always served " $6 " translations by 4K and " $8 " by 1G pages"
    if ($3 == "4K-only" && ($7 != 0 || $8 != 0)) print $2 ": huge pages without a huge-page policy"
    if ($3 == "huge-1G" && ($8 == 0 || $7 != 0)) print $2 ": os.huge 1G served " $8 " by 1G and " $7 " by 2M pages"
    walks[$2, $3] = $12; faults[$2, $3] = $9
  }
  END {
    split("matrix-col chase", W, " ")
    split("4K-only thp-dense-256 thp-dense-64 thp-always huge-1G", P, " ")
    for (i = 1; i <= 2; i++) {
      for (j = 1; j <= 5; j++) if (!((W[i], P[j]) in seen)) print "no row for " W[i] " " P[j]
      # A 2 MiB page covers 512 base pages: far fewer first touches, so fewer faults and walks.
      if (faults[W[i], "thp-always"] * 10 > faults[W[i], "4K-only"]) print W[i] ": thp-always faults " faults[W[i], "thp-always"] " against " faults[W[i], "4K-only"]
      if (walks[W[i], "thp-always"] >= walks[W[i], "4K-only"]) print W[i] ": thp-always does not walk less"
    }
  }'

# ---- pcid: quanta 1000 and 10000 x pcid 0/1 on the first 100000 lines of sort and gzip ----
exp pcid "$tmp/pcid" 2>"$tmp/pcid.err" || fail "pcid exited non-zero: $(cat "$tmp/pcid.err")"
csv=$tmp/pcid/pcid.csv
check_csv "$csv" "quantum,pcid,references,context_switches,l1i_misses,l1d_misses,l2_misses,walks,amat_cycles,cycles" 4
# References of each process, counted here: the lines that are not valgrind's banner.
count_refs() { gzip -dc "$1" | head -n 100000 | grep -cv -e '^==' -e '^[[:space:]]*$'; }
a=$(count_refs "$src/workloads/sort.lackey.gz")
b=$(count_refs "$src/workloads/gzip.lackey.gz")
check_awk "pcid" "$csv" 'NR > 1 {
    q = $1
    # Round robin: process 1 runs k1 = ceil(a/q) slices, process 2 k2; they alternate until one is done, then the
    # other runs on without a switch.
    k1 = int((a + q - 1) / q); k2 = int((b + q - 1) / q)
    want = (k1 > k2) ? 2 * k2 : 2 * k1 - 1
    if ($4 != want) print "quantum " q " pcid " $2 ": " $4 " context switches, expected " want
    if ($3 != a + b) print "quantum " q ": " $3 " references, expected " a + b
    l1d[q, $2] = $6; wk[q, $2] = $8; am[q, $2] = $9; qs[q] = 1
  }
  END {
    for (q in qs) {
      # Without PCIDs every switch flushes the TLBs; with them the entries of the other process survive.
      if (l1d[q, 1] >= l1d[q, 0]) print "quantum " q ": pcid on has " l1d[q, 1] " L1D misses, off " l1d[q, 0]
      if (wk[q, 1] >= wk[q, 0]) print "quantum " q ": pcid on walks " wk[q, 1] ", off " wk[q, 0]
      if (am[q, 1] >= am[q, 0]) print "quantum " q ": pcid on AMAT " am[q, 1] ", off " am[q, 0]
    }
    # Both working sets fit the STLB: with PCIDs only first touches walk, whatever the slice; without, more
    # switches mean more flushes and more walks.
    if (wk[1000, 1] != wk[10000, 1]) print "pcid on: walks " wk[1000, 1] " and " wk[10000, 1] " differ between slices"
    if (wk[1000, 0] <= wk[10000, 0]) print "pcid off: the shorter slice does not walk more"
  }' -v a="$a" -v b="$b"

# ---- levels: 2 workloads x 4 modes (x86_64, x86_64_la57, sv48, sv57) x page-walk caches off/on ----
exp levels "$tmp/levels" 2>"$tmp/levels.err" || fail "levels exited non-zero: $(cat "$tmp/levels.err")"
csv=$tmp/levels/levels.csv
check_csv "$csv" "workload,mode,levels,pwc,references,translations,walks,pte_reads,walk_cycles,walk_cycles_mean,amat_cycles,cycles" 16
check_awk "levels" "$csv" 'NR > 1 {
    k = $1 "," $2 "," $4
    seen[k] = 1; walks[k] = $7; reads[k] = $8; wcyc[k] = $9; amat[k] = $11
    if ((($2 == "x86_64" || $2 == "sv48") && $3 != 4) || (($2 == "x86_64_la57" || $2 == "sv57") && $3 != 5))
      print $1 " " $2 ": " $3 " levels"
    # The paging mode and the caches of the walker never change what the trace asks for.
    if (($1 in refs) && refs[$1] != $5) print $1 ": references differ between rows"
    refs[$1] = $5
    # Every walk reads at least one entry.
    if ($8 < $7) print k ": " $8 " entry reads for " $7 " walks"
  }
  END {
    split("matrix-col chase", W, " ")
    split("x86_64:x86_64_la57 sv48:sv57", T, " ")
    for (i = 1; i <= 2; i++) for (j = 1; j <= 2; j++) {
      split(T[j], m, ":")
      for (p = 0; p < 2; p++) {
        c = p ? "pwc" : "none"
        a = W[i] "," m[1] "," c; b = W[i] "," m[2] "," c
        if (!(a in seen) || !(b in seen)) { print "no rows for " a " and " b; continue }
        # The TLBs see the same page numbers whatever the depth of the table: the same misses, so the same walks.
        if (walks[a] != walks[b]) print a " walks " walks[a] ", " b " walks " walks[b]
      }
      a = W[i] "," m[1] ","; b = W[i] "," m[2] ","
      # Page-walk caches shorten walks, never add any: the same walks, fewer reads, no higher AMAT.
      for (x = 1; x <= 2; x++) {
        y = x == 1 ? a : b
        if (walks[y "none"] != walks[y "pwc"]) print y ": the page-walk caches changed the number of walks"
        if (reads[y "pwc"] >= reads[y "none"]) print y ": the page-walk caches do not save reads"
        if (amat[y "pwc"] > amat[y "none"]) print y ": AMAT grew with the page-walk caches"
      }
      # Without them, a fifth level is one more read on a walk that gets past the top: more reads and cycles.
      if (reads[b "none"] <= reads[a "none"] || wcyc[b "none"] <= wcyc[a "none"])
        print W[i] ": " m[2] " reads " reads[b "none"] " entries in " wcyc[b "none"] " cycles, " m[1] " " reads[a "none"] " in " wcyc[a "none"]
    }
  }'

# ---- every CSV readable by Python's csv module (and pandas, where installed); the provenance of each study ----
if command -v python3 >/dev/null; then
  python3 "$src/testbench/csv/check_csv.py" "$tmp/tlb/tlb-size.csv" "$tmp/huge/huge-pages.csv" "$tmp/pcid/pcid.csv" \
    "$tmp/levels/levels.csv" ||
    fail "a study's CSV is not what the csv module reads (see above)"
  for f in tlb/tlb-size huge/huge-pages pcid/pcid levels/levels; do
    python3 -c 'import json, sys
p = json.load(open(sys.argv[1]))
assert p["provenance.version"] and p["provenance.revision"] and p["traces"], p
for t in p["traces"]:
    assert len(t["crc32"]) == 8 and t["content_bytes"] > 0, t' "$tmp/$f.provenance.json" ||
      fail "$f.provenance.json is missing or incomplete"
  done
else
  echo "note: python3 not found, the CSVs are not read back"
fi

# ---- plots, reproducibility, no silent overwrite ----
if command -v gnuplot >/dev/null; then
  for f in tlb/tlb-size tlb/tlb-l2 huge/huge-pages pcid/pcid levels/levels; do
    for x in svg png; do [ -s "$tmp/$f.$x" ] || fail "$f.$x missing or empty"; done
    grep -q '</svg>' "$tmp/$f.svg" 2>/dev/null || fail "$f.svg is not a complete SVG"
  done
  exp huge-pages "$tmp/huge2" 2>/dev/null || fail "second huge-pages run exited non-zero"
  for f in huge-pages.csv huge-pages.provenance.json huge-pages.dat huge-pages.gp huge-pages.svg huge-pages.png; do
    cmp -s "$tmp/huge/$f" "$tmp/huge2/$f" || fail "$f differs between two runs"
  done
else
  echo "note: gnuplot not found, the plots are not checked"
fi
cp "$tmp/pcid/pcid.csv" "$tmp/pcid.csv.before"
echo "mine" >"$tmp/pcid/notes.txt"
if exp pcid "$tmp/pcid" >/dev/null 2>"$tmp/err"; then
  fail "a second run into a non-empty directory succeeded without --force"
else
  grep -q "not empty" "$tmp/err" || fail "refusal does not say why: $(cat "$tmp/err")"
fi
cmp -s "$tmp/pcid/pcid.csv" "$tmp/pcid.csv.before" || fail "the refused run changed pcid.csv"
exp --force pcid "$tmp/pcid" 2>/dev/null || fail "--force run exited non-zero"
[ "$(cat "$tmp/pcid/notes.txt")" = mine ] || fail "--force touched a file the study does not write"
if "$src/scripts/experiment.sh" nope "$tmp/x" 2>"$tmp/err"; then fail "an unknown study succeeded"; fi
grep -q "unknown study" "$tmp/err" || fail "unknown study: $(cat "$tmp/err")"

[ "$failures" -eq 0 ] || {
  echo "$failures failures"
  exit 1
}
echo "experiments: the four studies' CSVs have their rows and properties; plots reproducible; no overwrite"
