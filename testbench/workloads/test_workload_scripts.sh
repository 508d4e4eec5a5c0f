#!/usr/bin/env bash
# workloads/interleave.sh on two small hand-written lackey traces (expected output written by hand), and
# workloads/record.sh's -l limit and argument checks. usage: test_workload_scripts.sh SOURCE_DIR
set -uo pipefail
src=$1
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/workload-scripts.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# Process 1 has 5 references, process 2 has 3; quantum 2: 1 1 | 2 2 | 1 1 | 2 | 1 (process 2 is done).
cat >"$tmp/a.lackey" <<'A'
==123== Lackey, an example Valgrind tool
==123== 
I  0401ab70,3
 L 1ffefff8c0,8
 S 00001000,4
 M 0000abcd,8
I  00000000,1
==123== done
A
printf '==9==\nI  7f0000001000,2\n S 2000,8\n L 3000,1\n' | gzip -n >"$tmp/b.lackey.gz"
cat >"$tmp/want" <<'W'
# 2 processes taking turns every 2 references (pid n = trace n); format: mmusim text
X 401ab70 1
R 1ffefff8c0 1
X 7f0000001000 2
W 2000 2
W 1000 1
W abcd 1
R 3000 2
X 0 1
W
"$src/workloads/interleave.sh" -q 2 -o "$tmp/out.txt" "$tmp/a.lackey" "$tmp/b.lackey.gz" 2>/dev/null ||
  fail "interleave.sh exited $?"
diff -u "$tmp/want" "$tmp/out.txt" || fail "interleave.sh output differs from the hand-written one"
"$src/workloads/interleave.sh" -q 2 -o "$tmp/out.txt.gz" "$tmp/a.lackey" "$tmp/b.lackey.gz" 2>/dev/null
cmp -s "$tmp/out.txt" <(gzip -dc "$tmp/out.txt.gz") || fail "the .gz output holds other text"

expect_error() { # PATTERN CMD...: non-zero exit, PATTERN on stderr
  local pattern=$1
  shift
  if "$@" >/dev/null 2>"$tmp/err"; then
    fail "'$*' succeeded"
  elif ! grep -q -- "$pattern" "$tmp/err"; then
    fail "'$*': expected '$pattern', got: $(cat "$tmp/err")"
  fi
}
expect_error "exists" "$src/workloads/interleave.sh" -o "$tmp/out.txt" "$tmp/a.lackey" "$tmp/b.lackey.gz"
expect_error "at least two traces" "$src/workloads/interleave.sh" -o "$tmp/x.txt" "$tmp/a.lackey"
expect_error "-q" "$src/workloads/interleave.sh" -q 0 -o "$tmp/x.txt" "$tmp/a.lackey" "$tmp/b.lackey.gz"
expect_error "cannot read" "$src/workloads/interleave.sh" -o "$tmp/x.txt" "$tmp/a.lackey" "$tmp/nope"

expect_error "do not apply" "$src/workloads/record.sh" -o "$tmp/c.lackey" -w chase -s 100
expect_error "unknown workload" "$src/workloads/record.sh" -o "$tmp/c.lackey" -w nope
expect_error "-l" "$src/workloads/record.sh" -o "$tmp/c.lackey" -l x
if command -v valgrind >/dev/null && command -v setarch >/dev/null; then
  "$src/workloads/record.sh" -o "$tmp/true.lackey" -l 500 -- true 2>/dev/null || fail "record.sh -l exited $?"
  [ "$(grep -vc '^==' "$tmp/true.lackey")" -eq 500 ] || fail "record.sh -l 500 kept $(grep -vc '^==' "$tmp/true.lackey")"
  head -1 "$tmp/true.lackey" | grep -q '^==0== ' || fail "banner pids are not normalised"
else
  echo "note: valgrind not found, record.sh -l is not run"
fi

[ "$failures" -eq 0 ] || { echo "$failures failures"; exit 1; }
echo "workload scripts: interleave.sh and record.sh behave as documented"
