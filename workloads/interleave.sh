#!/usr/bin/env bash
# Builds a multi-process trace in mmusim's text format from lackey traces of single processes: the first trace runs
# as pid 1, the second as pid 2, ..., each for QUANTUM references in turn (round robin), so every change of pid is a
# context switch (a CR3 write in mmusim). A trace that ends leaves the turn to the others. Deterministic: the same
# inputs and quantum give the same file. See workloads/README.md.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: workloads/interleave.sh [-q QUANTUM] -o OUT TRACE1 TRACE2 [TRACE...]
  -q QUANTUM  references each process runs before the next one takes over (default 10000)
  -o OUT      output file, mmusim text format ("R|W|X <hex vaddr> <pid>"); gzip -9 compressed when it ends in .gz
  TRACE       lackey traces (gzip-compressed or plain); the n-th becomes pid n
USAGE
}

die() { echo "interleave.sh: $*" >&2; exit 1; }
quantum=10000
out=""
while getopts "q:o:h" opt; do
  case $opt in
  q) quantum=$OPTARG ;;
  o) out=$OPTARG ;;
  h) usage; exit 0 ;;
  *) usage >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[[ $quantum =~ ^[1-9][0-9]*$ ]] || die "-q: '$quantum' is not a positive number of references"
[ -n "$out" ] || { usage >&2; exit 2; }
[ $# -ge 2 ] || die "at least two traces are needed (got $#)"
for t in "$@"; do
  [ -r "$t" ] || die "$t: cannot read the trace"
  # awk opens each trace through this command; a quote in the name would break its quoting.
  [[ $t != *\'* ]] || die "$t: file names with a single quote are not supported"
done
[ -e "$out" ] && die "$out exists: remove it first (it is not overwritten)"

tmp=$(mktemp "${TMPDIR:-/tmp}/interleave.XXXXXX")
trap 'rm -f "$tmp" "$tmp.gz"' EXIT

# Lackey's I, L, S, M become X, R, W, W (a modify is one translation, as a store, as mmusim reads lackey). The access
# size is dropped: the text format has none, so an access that crosses a page is one reference to its first page.
awk -v q="$quantum" '
  function read_rec(i,   line, f) {
    while ((cmd[i] | getline line) > 0) {
      if (line ~ /^==/ || line ~ /^[ \t]*$/) continue
      split(line, f, /[ ,]+/)
      if (line ~ /^I/) { kind = "X"; addr = f[2] } else { kind = (f[2] == "L") ? "R" : "W"; addr = f[3] }
      sub(/^0+/, "", addr)
      if (addr == "") addr = "0"
      return 1
    }
    done[i] = 1
    return 0
  }
  BEGIN {
    n = ARGC - 1
    for (i = 1; i <= n; i++) { path[i] = ARGV[i]; cmd[i] = "gzip -dcf '\''" path[i] "'\''" }
    printf "# %d processes taking turns every %d references (pid n = trace n); format: mmusim text\n", n, q
    live = n; cur = 1
    while (live > 0) {
      if (done[cur]) { cur = cur % n + 1; continue }
      for (k = 0; k < q; k++) {
        if (!read_rec(cur)) { live--; break }
        printf "%s %s %d\n", kind, addr, cur
      }
      cur = cur % n + 1
    }
    for (i = 1; i <= n; i++) if (close(cmd[i]) != 0) { print "interleave.sh: cannot read " path[i] > "/dev/stderr"; exit 1 }
  }' "$@" >"$tmp"

if [[ $out == *.gz ]]; then
  gzip -9 -n -c "$tmp" >"$tmp.gz" && mv "$tmp.gz" "$out"
else
  mv "$tmp" "$out"
fi
echo "interleave.sh: $(grep -vc '^#' <(gzip -dcf "$out")) references of $# processes, quantum $quantum -> $out" >&2
