#!/usr/bin/env bash
# mmusim import-proc on a live process: every present page of a child is imported at its real frame and the model's
# walker must reproduce it (--check), and the dump must agree page by page with /proc/PID/pagemap as read here, by
# other code. Then the dump round trip, a trace in the imported address space, and the error messages.
# usage: test_import_proc.sh MMUSIM TOUCH_PAGES. Exit 77 (skipped) when not root: pagemap shows frames only to root.
set -uo pipefail
mmusim=$1 child=$2

if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP: import-proc needs root (the kernel shows /proc/PID/pagemap frame numbers only with CAP_SYS_ADMIN)"
  exit 77
fi

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/import-test.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT

# Starts touch_pages (optionally through a prefix command) and waits for its ready file: "ADDRESS SUM".
start_child() {
  local ready=$1
  shift
  "$@" "$ready" &
  pids+=($!)
  child_pid=$!
  for _ in $(seq 100); do [ -s "$ready" ] && return 0; sleep 0.1; done
  echo "FAIL: the child did not start"
  exit 1
}

start_child "$tmp/ready" "$child"
base=$((0x$(cut -d' ' -f1 "$tmp/ready")))

# 1. import with --check: no mismatch, at least the 192 pages the child touched.
"$mmusim" import-proc "$child_pid" --check --json --dump "$tmp/dump" >"$tmp/out.json" 2>"$tmp/err" ||
  fail "import-proc --check exited $?: $(cat "$tmp/err")"
grep -Eq '"check.mismatches":[[:space:]]*0,?$' "$tmp/out.json" || fail "mismatches: $(cat "$tmp/out.json")"
pages=$(sed -nE 's/^[[:space:]]*"pages":[[:space:]]*([0-9]+),?$/\1/p' "$tmp/out.json")
checked=$(sed -nE 's/^[[:space:]]*"check.pages":[[:space:]]*([0-9]+),?$/\1/p' "$tmp/out.json")
[ "${pages:-0}" -ge 192 ] || fail "only ${pages:-no} pages imported (the child touched 192)"
[ "${checked:-x}" = "${pages:-y}" ] || fail "checked $checked pages of $pages"
[ "$(grep -vc '^#' "$tmp/dump")" = "$pages" ] || fail "the dump does not hold the $pages imported pages"

# 2. the child's 256 pages, read from pagemap here: 0..127 written (own frames, rw-), 128..191 one page of a memory
#    file mapped 64 times (one frame, r--), 192..255 untouched (absent from the dump).
dd if="/proc/$child_pid/pagemap" bs=8 skip=$((base / 4096)) count=256 status=none | od -An -v -t x8 -w8 >"$tmp/pm"
[ "$(wc -l <"$tmp/pm")" -eq 256 ] || fail "could not read the child's pagemap"
i=0 shared_pfn=""
while read -r e; do
  e=$((0x$e))
  va=$(printf '%x' $((base + i * 4096)))
  line=$(grep -m1 "^$va " "$tmp/dump")
  present=$(((e >> 63) & 1))
  pfn=$(printf '%x' $((e & 0x7fffffffffffff)))
  if [ "$i" -lt 192 ]; then
    want=$([ "$i" -lt 128 ] && echo rw- || echo r--)
    [ "$present" -eq 1 ] || fail "page $i of the child is not present"
    [ "$line" = "$va $pfn $want" ] || fail "page $i: dump has '$line', pagemap says '$va $pfn $want'"
    if [ "$i" -ge 128 ]; then
      [ -z "$shared_pfn" ] && shared_pfn=$pfn
      [ "$pfn" = "$shared_pfn" ] || fail "page $i: the pages of one shared frame on different frames ($pfn, $shared_pfn)"
    fi
  else
    [ -z "$line" ] || fail "untouched page $i imported: '$line'"
  fi
  i=$((i + 1))
done <"$tmp/pm"

# 3. the dump loads again (no process needed) and reproduces the same pages.
"$mmusim" import-proc --from "$tmp/dump" --check >"$tmp/out2" 2>&1 || fail "--from: $(cat "$tmp/out2")"
grep -q "$pages pages walked" "$tmp/out2" && grep -q " 0 mismatches" "$tmp/out2" || fail "--from: $(cat "$tmp/out2")"

# 4. a trace in the imported address space: an imported page needs no fault, a page outside every mapping does.
printf 'R %x 1\nW %x 1\nR 10000000 1\n' "$base" $((base + 4096)) >"$tmp/trace.txt"
"$mmusim" import-proc --from "$tmp/dump" --trace "$tmp/trace.txt" --json >"$tmp/run.json" 2>"$tmp/err" ||
  fail "--trace: $(cat "$tmp/err")"
grep -Eq '"os.demand_faults":[[:space:]]*1,?$' "$tmp/run.json" || fail "--trace: demand faults not 1"
grep -Eq '"references":[[:space:]]*3,?$' "$tmp/run.json" || fail "--trace: references not 3"

# 5. errors: an existing dump is not overwritten, a pid that cannot exist, a malformed dump, no CAP_SYS_ADMIN.
expect_error() { # expect_error PATTERN CMD...: non-zero exit and PATTERN on stderr
  local pattern=$1
  shift
  if "$@" >/dev/null 2>"$tmp/err"; then
    fail "'$*' succeeded"
  elif ! grep -q -- "$pattern" "$tmp/err"; then
    fail "'$*': expected '$pattern', got: $(cat "$tmp/err")"
  fi
}
expect_error "exists" "$mmusim" import-proc "$child_pid" --dump "$tmp/dump"
expect_error "no process with pid" "$mmusim" import-proc $(($(cat /proc/sys/kernel/pid_max) + 1))
printf '# dump\n1000 5 r--\nzz 5 r--\n' >"$tmp/bad"
expect_error "bad:3: field 1 (va)" "$mmusim" import-proc --from "$tmp/bad"
printf '1000 5 rq-\n' >"$tmp/bad"
expect_error "bad:1: field 3 (perms)" "$mmusim" import-proc --from "$tmp/bad"
if command -v setpriv >/dev/null; then
  # A user without CAP_SYS_ADMIN reads its own process's pagemap with every frame number zero.
  chmod 755 "$tmp"
  cp "$mmusim" "$child" "$tmp/" && chmod 755 "$tmp/mmusim" "$tmp/touch_pages"
  mkdir -m 777 "$tmp/nobody"
  as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)
  start_child "$tmp/nobody/ready" "${as_nobody[@]}" "$tmp/touch_pages"
  expect_error "CAP_SYS_ADMIN" "${as_nobody[@]}" "$tmp/mmusim" import-proc "$child_pid"
else
  echo "note: setpriv not found, the non-root message is not checked"
fi

[ "$failures" -eq 0 ] || { echo "$failures failures"; exit 1; }
echo "import-proc: $pages pages of a live process imported, walked and compared with pagemap: 0 mismatches"
