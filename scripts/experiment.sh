#!/usr/bin/env bash
# The example studies of docs/experiments.md: each simulates the bundled workloads under a set of configurations with
# mmusim, writes one CSV row per configuration, and plots the rows with gnuplot (SVG and PNG). The same build gives
# the same files byte for byte, so the plots in docs/experiments/ can be checked against a fresh run.
set -euo pipefail
export LC_ALL=C # decimal points and sort order do not depend on the user's locale

usage() {
  cat <<'USAGE'
usage: scripts/experiment.sh [--quick] [--force] [--mmusim PATH] STUDY [OUTDIR]
  STUDY       tlb-size    L1 DTLB entries x ways, and STLB entries (xz, matrix-col, chase)
              huge-pages  os.thp never/dense/always and 1 GiB os.huge pages, default and skylake presets
              pcid        cr3.pcid off/on on sort + gzip interleaved with several time slices
              levels      4 against 5 levels (x86_64/x86_64_la57, sv48/sv57), page-walk caches off and on
              all         the four, in OUTDIR/tlb-size, OUTDIR/huge-pages, OUTDIR/pcid, OUTDIR/levels
  OUTDIR      where the CSV, the plots and the gnuplot script go (default: build/experiments/STUDY); it must not
              exist or be empty, unless --force, which replaces the files this script writes there (only those)
  --quick     a reduced study on the first 100000 lines of each trace (for tests: seconds, not the real figures)
  --mmusim P  the simulator (default: build/sim/mmusim; build it with `make build`)
USAGE
}

die() {
  echo "experiment.sh: $*" >&2
  exit 1
}

root=$(cd "$(dirname "$0")/.." && pwd)
quick=0
force=0
mmusim=$root/build/sim/mmusim
while [ $# -gt 0 ]; do
  case $1 in
  --quick) quick=1 ;;
  --force) force=1 ;;
  --mmusim)
    [ $# -ge 2 ] || die "--mmusim needs a path"
    mmusim=$2
    shift
    ;;
  -h | --help)
    usage
    exit 0
    ;;
  -*)
    usage >&2
    die "unknown option '$1'"
    ;;
  *) break ;;
  esac
  shift
done
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  usage >&2
  exit 2
fi
study=$1
case $study in
tlb-size | huge-pages | pcid | levels | all) ;;
*) die "unknown study '$study' (tlb-size, huge-pages, pcid, levels or all)" ;;
esac
if [ "$study" = all ]; then
  out=${2:-$root/build/experiments}
else
  out=${2:-$root/build/experiments/$study}
fi
[ -x "$mmusim" ] || die "$mmusim: no simulator there (run \`make build\`, or pass --mmusim PATH)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/experiment.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# Every file a study writes, so that --force replaces these and nothing else.
study_files() {
  case $1 in
  tlb-size) echo tlb-size.csv tlb-size.provenance.json tlb-size.gp tlb-l1.dat tlb-l2.dat tlb-size.svg tlb-size.png tlb-l2.svg tlb-l2.png ;;
  huge-pages) echo huge-pages.csv huge-pages.provenance.json huge-pages.gp huge-pages.dat huge-pages.svg huge-pages.png ;;
  pcid) echo pcid.csv pcid.provenance.json pcid.gp pcid.dat pcid.svg pcid.png ;;
  levels) echo levels.csv levels.provenance.json levels.gp levels.dat levels.svg levels.png ;;
  esac
}

# A fresh directory, or (with --force) one whose files of this study may be replaced.
prepare_dir() {
  local dir=$1 name=$2
  if [ -e "$dir" ] && [ ! -d "$dir" ]; then
    die "$dir exists and is not a directory"
  fi
  if [ -d "$dir" ] && [ -n "$(ls -A "$dir")" ] && [ "$force" -eq 0 ]; then
    die "$dir is not empty: pass another directory, or --force to replace the files of the study there ($(study_files "$name"))"
  fi
  mkdir -p "$dir" || die "$dir: cannot create the directory"
  local f
  for f in $(study_files "$name"); do
    [ ! -d "$dir/$f" ] || die "$dir/$f is a directory"
    rm -f "$dir/$f"
  done
}

# The trace of a workload: the bundled file, or in --quick mode its first 100000 lines (a plain copy in $tmp).
quick_lines=100000
trace_of() {
  local src=$root/workloads/$1
  [ -r "$src" ] || die "$src: cannot read the workload"
  if [ "$quick" -eq 0 ]; then
    echo "$src"
    return
  fi
  local cut=$tmp/quick-$1
  cut=${cut%.gz}
  if [ ! -e "$cut" ]; then
    # gzip is cut off by head's early exit (SIGPIPE), which is not an error here; an unreadable file leaves nothing
    { gzip -dc "$src" 2>/dev/null || true; } | head -n "$quick_lines" >"$cut"
    [ -s "$cut" ] || die "$src: cannot read the workload"
  fi
  echo "$cut"
}

# json_fields FILE KEY...: the values of KEYs in mmusim's JSON report (a flat object, one name per line), joined by
# commas. A missing name is an error: a renamed figure must not become an empty column.
json_fields() {
  local file=$1
  shift
  awk -v keys="$*" -v file="$file" '
    BEGIN { n = split(keys, k, " ") }
    {
      line = $0
      sub(/^[ \t]*/, "", line)
      if (substr(line, 1, 1) != "\"" || !(i = index(line, "\":"))) next
      name = substr(line, 2, i - 2)
      v = substr(line, i + 2)
      sub(/^[ \t]*/, "", v)
      sub(/,[ \t]*$/, "", v)
      gsub(/"/, "", v)
      val[name] = v
    }
    END {
      for (j = 1; j <= n; j++) {
        if (!(k[j] in val)) { printf "experiment.sh: %s: no \"%s\" in the report\n", file, k[j] > "/dev/stderr"; exit 1 }
        printf "%s%s", (j > 1 ? "," : ""), val[k[j]]
      }
      printf "\n"
    }' "$file"
}

# The provenance of a study: the simulator's version and revision and each trace's name, CRC-32 and size, as the
# reports give them (the provenance.* figures, docs/sweep.md), one line per mmusim call in $tmp/provenance.lines.
provenance_names="provenance.version provenance.revision provenance.trace.crc32 provenance.trace.content_bytes"
note_provenance() { # TRACE VALUES (comma-joined, in the order of provenance_names)
  echo "$(basename "$1"),$2" >>"$tmp/provenance.lines"
}

# write_provenance DIR NAME: DIR/NAME.provenance.json from the notes of the study, each trace once.
write_provenance() {
  awk -F, -v study="$2" -v quick="$quick" '
    !seen[$1]++ { version = $2; revision = $3; t[++n] = sprintf("\t\t{\"name\": \"%s\", \"crc32\": \"%s\", \"content_bytes\": %s}", $1, $4, $5) }
    END {
      printf "{\n\t\"study\": \"%s\",\n\t\"quick\": %d,\n", study, quick
      printf "\t\"provenance.version\": \"%s\",\n\t\"provenance.revision\": \"%s\",\n\t\"traces\": [\n", version, revision
      for (i = 1; i <= n; i++) printf "%s%s\n", t[i], (i < n ? "," : "")
      printf "\t]\n}\n"
    }' "$tmp/provenance.lines" >"$1/$2.provenance.json"
  rm -f "$tmp/provenance.lines"
}

# run TRACE ARGS...: one mmusim run with its JSON report in $tmp/run.json; stops the study on any error.
run() {
  local trace=$1
  shift
  if ! "$mmusim" run --trace "$trace" --json "$@" >"$tmp/run.json" 2>"$tmp/run.err"; then
    cat "$tmp/run.err" >&2
    die "mmusim run --trace $trace $* failed"
  fi
  # shellcheck disable=SC2086 # a list of names
  note_provenance "$trace" "$(json_fields "$tmp/run.json" $provenance_names)" || die "no provenance in mmusim's report"
}

# sweep TRACE OPTION...: one `mmusim sweep` with its CSV in $tmp/sweep.csv; stops the study on any error. A sweep
# decodes the trace once and simulates every configuration of the cross product on it; each of its rows holds the
# figures `mmusim run --json` gives for that configuration.
sweep() {
  local trace=$1
  shift
  if ! "$mmusim" sweep --trace "$trace" "$@" >"$tmp/sweep.csv" 2>"$tmp/sweep.err"; then
    cat "$tmp/sweep.err" >&2
    die "mmusim sweep --trace $trace $* failed"
  fi
  local values
  # shellcheck disable=SC2086 # a list of names
  values=$(sweep_fields $provenance_names | head -1) || die "no provenance in mmusim's sweep"
  note_provenance "$trace" "$values"
}

# sweep_fields NAME...: per row of $tmp/sweep.csv, the columns NAMEs joined by commas (fields are RFC 4180, quoted
# when they hold a comma). A missing column or a configuration the sweep skipped is an error.
sweep_fields() {
  awk -v keys="$*" '
    function split_csv(line, f,   n, i, c, q, cur) {
      n = 0; q = 0; cur = ""
      for (i = 1; i <= length(line); i++) {
        c = substr(line, i, 1)
        if (q) {
          if (c == "\"" && substr(line, i + 1, 1) == "\"") { cur = cur c; i++ }
          else if (c == "\"") q = 0
          else cur = cur c
        } else if (c == "\"") q = 1
        else if (c == ",") { f[++n] = cur; cur = "" }
        else cur = cur c
      }
      f[++n] = cur
      return n
    }
    BEGIN { nk = split(keys, k, " ") }
    NR == 1 {
      n = split_csv($0, h)
      for (i = 1; i <= n; i++) col[h[i]] = i
      for (j = 1; j <= nk; j++) if (!(k[j] in col)) { print "experiment.sh: no column " k[j] " in the sweep" > "/dev/stderr"; exit 1 }
      if (!("status" in col)) { print "experiment.sh: no status column in the sweep" > "/dev/stderr"; exit 1 }
      next
    }
    {
      split_csv($0, f)
      if (f[col["status"]] != "ok") { print "experiment.sh: sweep row " NR - 1 ": " f[col["status"]] > "/dev/stderr"; exit 1 }
      for (j = 1; j <= nk; j++) printf "%s%s", (j > 1 ? "," : ""), f[col[k[j]]]
      printf "\n"
    }' "$tmp/sweep.csv"
}

# row CSV PREFIX FIGURE...: appends PREFIX and the FIGUREs of the last run as one CSV line.
row() {
  local csv=$1 prefix=$2 values
  shift 2
  values=$(json_fields "$tmp/run.json" "$@") || die "$csv: a figure is missing from mmusim's report"
  echo "$prefix,$values" >>"$csv"
}

# plot DIR NAME: runs DIR/NAME.gp, which writes NAME.svg and NAME.png (and more for tlb-size). Without gnuplot the
# CSV is still there; the script then exits non-zero at the end.
noplot=0
plot() {
  if ! command -v gnuplot >/dev/null 2>&1; then
    echo "experiment.sh: gnuplot not found (Debian: apt-get install gnuplot-nox, or scripts/install-deps.sh): $1/$2.csv is written, the plots are not" >&2
    noplot=1
    return 0
  fi
  (cd "$1" && gnuplot "$2.gp") || die "gnuplot $1/$2.gp failed"
}

# The terminals, fixed: an explicit size, font name and background, no date, so the files are reproducible.
gp_terminal() { # FORMAT WIDTH HEIGHT
  if [ "$1" = svg ]; then
    echo "set terminal svg size $2,$3 fixed noenhanced font 'sans,11' background rgb 'white'"
  else
    echo "set terminal pngcairo size $2,$3 noenhanced font 'sans,10' background rgb 'white'"
  fi
}

# ---- Study 1: TLB size and associativity ----------------------------------------------------------------------

study_tlb_size() {
  local dir=$1 workloads l1_entries l1_ways l2_entries
  if [ "$quick" -eq 1 ]; then
    workloads="matrix-col chase"
    l1_entries="8 16 32 64"
    l1_ways="1 2 full"
    l2_entries="384 1536"
  else
    workloads="default matrix-col chase"
    l1_entries="8 16 32 64 128 256 512"
    l1_ways="1 2 4 8 full"
    l2_entries="384 768 1536 3072 6144"
  fi
  local csv=$dir/tlb-size.csv
  local figures=(references tlb.l1d.accesses tlb.l1d.misses tlb.l1d.miss_rate tlb.l2.misses tlb.l2.miss_rate walks
    amat_cycles)
  echo "part,workload,l1d_entries,l1d_ways,l2_entries,l2_ways,references,l1d_accesses,l1d_misses,l1d_miss_rate,l2_misses,l2_miss_rate,walks,amat_cycles" >"$csv"
  local w t e a
  for w in $workloads; do
    t=$(trace_of "$w.lackey.gz")
    # The L1 DTLB alone changes; the STLB stays Skylake's 1536 x 12-way.
    sweep "$t" --sweep "tlb.l1d.ways=${l1_ways// /,}" --sweep "tlb.l1d.entries=${l1_entries// /,}"
    sweep_fields tlb.l1d.ways tlb.l1d.entries "${figures[@]}" |
      while IFS=, read -r a e rest; do echo "l1d,$w,$e,$a,1536,12,$rest"; done >>"$csv"
    # The STLB alone changes, 12-way as Skylake's (its sets stay a power of two); the L1 DTLB stays 64 x 4-way.
    sweep "$t" --set tlb.l2.ways=12 --sweep "tlb.l2.entries=${l2_entries// /,}"
    sweep_fields tlb.l2.entries "${figures[@]}" |
      while IFS=, read -r e rest; do echo "l2,$w,64,4,$e,12,$rest"; done >>"$csv"
  done

  # Plot data: per workload, one block per L1 associativity (entries, miss rate %, AMAT), then the STLB blocks.
  awk -F, -v wl="$workloads" -v ways="$l1_ways" 'NR > 1 { row[$1, $2, $4, ++n[$1, $2, $4]] = $3 "\t" $10 * 100 "\t" $14
      l2[$2, ++m[$2]] = $5 "\t" $12 * 100 "\t" $14 }
    END {
      nw = split(wl, W, " "); na = split(ways, A, " ")
      for (i = 1; i <= nw; i++) for (j = 1; j <= na; j++) {
        printf "# %s, %s-way\n", W[i], A[j]
        for (r = 1; r <= n["l1d", W[i], A[j]]; r++) print row["l1d", W[i], A[j], r]
        printf "\n\n"
      }
    }' "$csv" >"$dir/tlb-l1.dat"
  awk -F, -v wl="$workloads" '$1 == "l2" { row[$2, ++n[$2]] = $5 "\t" $12 * 100 "\t" $14 }
    END {
      nw = split(wl, W, " ")
      for (i = 1; i <= nw; i++) {
        printf "# %s\n", W[i]
        for (r = 1; r <= n[W[i]]; r++) print row[W[i], r]
        printf "\n\n"
      }
    }' "$csv" >"$dir/tlb-l2.dat"

  local nw na
  nw=$(wc -w <<<"$workloads")
  na=$(wc -w <<<"$l1_ways")
  {
    echo "# written by scripts/experiment.sh tlb-size; rerun with: gnuplot tlb-size.gp"
    echo "workloads = '$workloads'"
    echo "ways = '$l1_ways'"
    echo "nw = $nw"
    echo "na = $na"
    # the STLB sizes as tic marks: they are not powers of two
    echo "l2_tics = '$(sed 's/\([0-9]*\)/\1 \1,/g; s/,$//' <<<"$l2_entries")'"
    cat <<'GP'
set grid
set logscale x 2
set key top right
set style data linespoints
title_of(w) = (w eq 'default' ? 'xz (default)' : w)
do for [fmt in 'svg png'] {
GP
    echo "  if (fmt eq 'svg') { $(gp_terminal svg 1200 760) } else { $(gp_terminal png 1200 760) }"
    cat <<'GP'
  set output 'tlb-size.'.fmt
  set multiplot layout 2, nw title 'L1 DTLB entries x ways (LRU; STLB 1536 x 12-way)'
  do for [i = 1 : nw] {
    set title title_of(word(workloads, i))
    set xlabel 'L1 DTLB entries'
    set ylabel 'L1 DTLB miss rate (%)'
    set yrange [0:*]
    if (i == 1) { set key top right } else { unset key }
    plot for [j = 1 : na] 'tlb-l1.dat' index (i - 1) * na + j - 1 using 1:2 title word(ways, j).(word(ways, j) eq 'full' ? '' : '-way')
  }
  do for [i = 1 : nw] {
    set title title_of(word(workloads, i))
    set xlabel 'L1 DTLB entries'
    set ylabel 'AMAT (cycles per translation)'
    set yrange [0:*]
    if (i == 1) { set key bottom left } else { unset key }
    plot for [j = 1 : na] 'tlb-l1.dat' index (i - 1) * na + j - 1 using 1:3 title word(ways, j).(word(ways, j) eq 'full' ? '' : '-way')
  }
  unset multiplot
  set output
}
do for [fmt in 'svg png'] {
GP
    echo "  if (fmt eq 'svg') { $(gp_terminal svg 1200 420) } else { $(gp_terminal png 1200 420) }"
    cat <<'GP'
  set output 'tlb-l2.'.fmt
  set multiplot layout 1, nw title 'STLB entries (12-way, LRU; L1 DTLB 64 x 4-way)'
  set ytics nomirror
  set y2tics
  set offsets 0, 0, graph 0.05, 0
  eval 'set xtics ('.l2_tics.')'
  do for [i = 1 : nw] {
    set title title_of(word(workloads, i))
    set xlabel 'STLB entries'
    set ylabel 'STLB miss rate (%)'
    set y2label 'AMAT (cycles)'
    set yrange [0:*]
    set y2range [0:*]
    if (i == 1) { set key center right } else { unset key }
    plot 'tlb-l2.dat' index i - 1 using 1:2 title 'STLB miss rate', \
         '' index i - 1 using 1:3 axes x1y2 title 'AMAT'
  }
  unset multiplot
  set output
}
GP
  } >"$dir/tlb-size.gp"
  plot "$dir" tlb-size
}

# ---- Study 2: huge pages ----------------------------------------------------------------------------------------

# name and mmusim options of each OS policy, in plot order
huge_policies() {
  echo "4K-only"
  echo "thp-dense-256 --set os.thp=dense --set os.thp_density=256"
  echo "thp-dense-64 --set os.thp=dense --set os.thp_density=64"
  echo "thp-always --set os.thp=always"
  # hugetlbfs-like 1 GiB pages over the lowest GiB: program text, data and heap of these traces (the stack, near
  # 0x1ffefff000 under valgrind, keeps 4 KiB pages)
  echo "huge-1G --set os.huge=0:1G:1G"
}

study_huge_pages() {
  local dir=$1 workloads presets
  if [ "$quick" -eq 1 ]; then
    workloads="matrix-col chase"
    presets="default"
  else
    workloads="default matrix-col chase"
    presets="default skylake"
  fi
  local csv=$dir/huge-pages.csv
  local figures=(references translations served.level1 served.level2 served.level3 faults tlb.l1d.miss_rate
    tlb.l2.miss_rate walks walk_cycles amat_cycles cycles)
  echo "preset,workload,policy,references,translations,served_4k,served_2m,served_1g,faults,l1d_miss_rate,l2_miss_rate,walks,walk_cycles,amat_cycles,cycles" >"$csv"
  local p w t name opts
  for p in $presets; do
    for w in $workloads; do
      t=$(trace_of "$w.lackey.gz")
      while read -r name opts; do
        local preset_opt=()
        [ "$p" = default ] || preset_opt=(--preset "$p")
        # shellcheck disable=SC2086 # opts is a list of options
        run "$t" "${preset_opt[@]}" $opts
        row "$csv" "$p,$w,$name" "${figures[@]}"
      done < <(huge_policies)
    done
  done

  # Plot data: one block per workload, a row per policy: huge-page share %, walks per 1000 references, AMAT of
  # each preset (the presets share the TLB sizes, so the share and the walks are the same for both).
  awk -F, -v wl="$workloads" -v presets="$presets" 'NR > 1 {
      if (!(($2, $3) in seen)) { seen[$2, $3] = 1; pol[$2, ++n[$2]] = $3
        share[$2, $3] = ($7 + $8) * 100 / ($6 + $7 + $8); walks[$2, $3] = $12 * 1000 / $4 }
      amat[$1, $2, $3] = $14 }
    END {
      nw = split(wl, W, " "); np = split(presets, P, " ")
      for (i = 1; i <= nw; i++) {
        printf "# %s: policy, huge-page share %%, walks per 1000 references, AMAT per preset (%s)\n", W[i], presets
        for (r = 1; r <= n[W[i]]; r++) {
          q = pol[W[i], r]
          printf "%s\t%.4f\t%.4f", q, share[W[i], q], walks[W[i], q]
          for (j = 1; j <= np; j++) printf "\t%s", amat[P[j], W[i], q]
          printf "\n"
        }
        printf "\n\n"
      }
    }' "$csv" >"$dir/huge-pages.dat"

  {
    echo "# written by scripts/experiment.sh huge-pages; rerun with: gnuplot huge-pages.gp"
    echo "workloads = '$workloads'"
    echo "presets = '$presets'"
    echo "nw = $(wc -w <<<"$workloads")"
    echo "np = $(wc -w <<<"$presets")"
    cat <<'GP'
set grid ytics
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set xtics rotate by 30 right scale 0
set key top right
title_of(w) = (w eq 'default' ? 'xz (default)' : w)
do for [fmt in 'svg png'] {
GP
    echo "  if (fmt eq 'svg') { $(gp_terminal svg 1200 980) } else { $(gp_terminal png 1200 980) }"
    cat <<'GP'
  set output 'huge-pages.'.fmt
  set multiplot layout 3, nw title 'Huge pages: OS policy (os.thp, os.huge) against TLB misses and AMAT'
  do for [i = 1 : nw] {
    set title title_of(word(workloads, i))
    set ylabel 'translations by huge pages (%)'
    unset logscale y
    set yrange [0:105]
    plot 'huge-pages.dat' index i - 1 using 2:xtic(1) notitle
  }
  do for [i = 1 : nw] {
    set title title_of(word(workloads, i))
    set ylabel 'walks per 1000 references'
    set logscale y
    set yrange [0.001:1000]
    plot 'huge-pages.dat' index i - 1 using 3:xtic(1) notitle
  }
  do for [i = 1 : nw] {
    set title title_of(word(workloads, i))
    set ylabel 'AMAT (cycles per translation)'
    unset logscale y
    set yrange [0:*]
    plot for [j = 1 : np] 'huge-pages.dat' index i - 1 using (column(3 + j)):xtic(1) title word(presets, j)
  }
  unset multiplot
  set output
}
GP
  } >"$dir/huge-pages.gp"
  plot "$dir" huge-pages
}

# ---- Study 3: PCIDs against the time slice ----------------------------------------------------------------------

study_pcid() {
  local dir=$1 quanta
  if [ "$quick" -eq 1 ]; then
    quanta="1000 10000"
  else
    quanta="100 300 1000 3000 10000 30000 100000"
  fi
  local a b
  a=$(trace_of sort.lackey.gz)
  b=$(trace_of gzip.lackey.gz)
  local csv=$dir/pcid.csv
  local figures=(references context_switches tlb.l1i.misses tlb.l1d.misses tlb.l2.misses walks amat_cycles cycles)
  echo "quantum,pcid,references,context_switches,l1i_misses,l1d_misses,l2_misses,walks,amat_cycles,cycles" >"$csv"
  local q p
  for q in $quanta; do
    # sort as pid 1 and gzip as pid 2 taking turns every q references, as workloads/two-process.txt.gz (q = 10000)
    "$root/workloads/interleave.sh" -q "$q" -o "$tmp/two-$q.txt" "$a" "$b" 2>"$tmp/interleave.err" || {
      cat "$tmp/interleave.err" >&2
      die "workloads/interleave.sh -q $q failed"
    }
    for p in 0 1; do
      run "$tmp/two-$q.txt" --format text --set "cr3.pcid=$p"
      row "$csv" "$q,$p" "${figures[@]}"
    done
    rm -f "$tmp/two-$q.txt"
  done

  # Plot data: a row per quantum: switches, then per pcid 0 and 1 the L1 misses (I + D) and the walks per 1000
  # references, and the AMAT.
  awk -F, 'NR > 1 { if (!($1 in sw)) { q[++n] = $1; sw[$1] = $4 }
      l1[$1, $2] = ($5 + $6) * 1000 / $3; wk[$1, $2] = $8 * 1000 / $3; am[$1, $2] = $9 }
    END {
      print "# quantum, switches, L1 misses/1000 refs (pcid 0, 1), walks/1000 refs (0, 1), AMAT (0, 1)"
      for (i = 1; i <= n; i++)
        printf "%s\t%s\t%.4f\t%.4f\t%.4f\t%.4f\t%s\t%s\n", q[i], sw[q[i]], l1[q[i], 0], l1[q[i], 1],
          wk[q[i], 0], wk[q[i], 1], am[q[i], 0], am[q[i], 1]
    }' "$csv" >"$dir/pcid.dat"

  {
    echo "# written by scripts/experiment.sh pcid; rerun with: gnuplot pcid.gp"
    cat <<'GP'
set grid
set logscale x 10
set style data linespoints
set key top right
set xlabel 'time slice (references per turn)'
do for [fmt in 'svg png'] {
GP
    echo "  if (fmt eq 'svg') { $(gp_terminal svg 1200 420) } else { $(gp_terminal png 1200 420) }"
    cat <<'GP'
  set output 'pcid.'.fmt
  set multiplot layout 1, 3 title 'Context switches: sort (pid 1) and gzip (pid 2) taking turns, cr3.pcid off and on'
  set title 'L1 TLB misses (I + D)'
  set ylabel 'misses per 1000 references'
  set yrange [0:*]
  plot 'pcid.dat' using 1:3 title 'pcid off', '' using 1:4 title 'pcid on'
  set title 'page walks'
  set ylabel 'walks per 1000 references'
  plot 'pcid.dat' using 1:5 title 'pcid off', '' using 1:6 title 'pcid on'
  set title 'AMAT'
  set ylabel 'cycles per translation'
  plot 'pcid.dat' using 1:7 title 'pcid off', '' using 1:8 title 'pcid on'
  unset multiplot
  set output
}
GP
  } >"$dir/pcid.gp"
  plot "$dir" pcid
}

# ---- Study 4: 4 against 5 levels of page table ----------------------------------------------------------------

# The paging modes in plot order, each with its number of levels: a 4-level mode and its 5-level twin of each ISA.
levels_modes="x86_64:4 x86_64_la57:5 sv48:4 sv57:5"

# pwc_options LEVELS: the page-walk caches of the "pwc" runs: Skylake's (the skylake preset's PML4E 4, PDPTE 8 4-way,
# PDE 32 8-way; RISC-V's L3, L2, L1 tables take the same places) and, with 5 levels, a 4-entry cache of the top level
# (PML5E, sv57's L4) like the PML4E cache.
pwc_options() {
  echo "--set pwc.l4.entries=4 --set pwc.l3.entries=8 --set pwc.l3.ways=4 --set pwc.l2.entries=32 --set pwc.l2.ways=8"
  [ "$1" -eq 4 ] || echo "--set pwc.l5.entries=4"
}

study_levels() {
  local dir=$1 workloads
  if [ "$quick" -eq 1 ]; then
    workloads="matrix-col chase"
  else
    workloads="default matrix-col chase"
  fi
  local csv=$dir/levels.csv
  local figures=(references translations walks pte_reads walk_cycles walk_cycles.mean amat_cycles cycles)
  echo "workload,mode,levels,pwc,references,translations,walks,pte_reads,walk_cycles,walk_cycles_mean,amat_cycles,cycles" >"$csv"
  local w t m mode n p
  for w in $workloads; do
    t=$(trace_of "$w.lackey.gz")
    for m in $levels_modes; do
      mode=${m%:*}
      n=${m#*:}
      for p in none pwc; do
        local opts=()
        # shellcheck disable=SC2207 # a list of options
        [ "$p" = none ] || opts=($(pwc_options "$n"))
        run "$t" --set "paging.mode=$mode" "${opts[@]}"
        row "$csv" "$w,$mode,$n,$p" "${figures[@]}"
      done
    done
  done

  # Plot data: one block per workload, a row per mode: mean walk cycles and AMAT without and with the caches.
  awk -F, -v wl="$workloads" 'NR > 1 { if (!(($1, $2) in seen)) { seen[$1, $2] = 1; mode[$1, ++n[$1]] = $2 }
      wc[$1, $2, $4] = $10; am[$1, $2, $4] = $11 }
    END {
      nw = split(wl, W, " ")
      for (i = 1; i <= nw; i++) {
        printf "# %s: mode, mean walk cycles (no PWC, PWC), AMAT (no PWC, PWC)\n", W[i]
        for (r = 1; r <= n[W[i]]; r++) {
          m = mode[W[i], r]
          printf "%s\t%s\t%s\t%s\t%s\n", m, wc[W[i], m, "none"], wc[W[i], m, "pwc"], am[W[i], m, "none"], am[W[i], m, "pwc"]
        }
        printf "\n\n"
      }
    }' "$csv" >"$dir/levels.dat"

  {
    echo "# written by scripts/experiment.sh levels; rerun with: gnuplot levels.gp"
    echo "workloads = '$workloads'"
    echo "nw = $(wc -w <<<"$workloads")"
    cat <<'GP'
set grid ytics
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set xtics rotate by 30 right scale 0
set key top left horizontal
set yrange [0:*]
set offsets 0, 0, graph 0.15, 0
title_of(w) = (w eq 'default' ? 'xz (default)' : w)
do for [fmt in 'svg png'] {
GP
    echo "  if (fmt eq 'svg') { $(gp_terminal svg 1200 760) } else { $(gp_terminal png 1200 760) }"
    cat <<'GP'
  set output 'levels.'.fmt
  set multiplot layout 2, nw title '4 against 5 levels: page-walk caches off (no PWC) and on (PWC)'
  do for [i = 1 : nw] {
    set title title_of(word(workloads, i))
    set ylabel 'cycles per walk (mean)'
    if (i == 1) { set key top left } else { unset key }
    plot 'levels.dat' index i - 1 using 2:xtic(1) title 'no PWC', '' index i - 1 using 3 title 'PWC'
  }
  do for [i = 1 : nw] {
    set title title_of(word(workloads, i))
    set ylabel 'AMAT (cycles per translation)'
    unset key
    plot 'levels.dat' index i - 1 using 4:xtic(1) title 'no PWC', '' index i - 1 using 5 title 'PWC'
  }
  unset multiplot
  set output
}
GP
  } >"$dir/levels.gp"
  plot "$dir" levels
}

# ---- main -------------------------------------------------------------------------------------------------------

run_study() { # NAME DIR
  prepare_dir "$2" "$1"
  local start=$SECONDS
  case $1 in
  tlb-size) study_tlb_size "$2" ;;
  huge-pages) study_huge_pages "$2" ;;
  pcid) study_pcid "$2" ;;
  levels) study_levels "$2" ;;
  esac
  write_provenance "$2" "$1"
  echo "experiment.sh: $1 -> $2 ($((SECONDS - start)) s)" >&2
}

if [ "$study" = all ]; then
  for s in tlb-size huge-pages pcid levels; do
    run_study "$s" "$out/$s"
  done
else
  run_study "$study" "$out"
fi
exit $noplot
