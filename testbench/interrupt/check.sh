#!/usr/bin/env bash
# usage: check.sh [--feed LINE] SIGNAL STATUS STDOUT_TEXT STDERR_TEXT -- COMMAND [ARG...]
# A long run interrupted by a user: COMMAND is started (its standard input an endless stream of LINE with --feed,
# else empty), SIGNAL (INT or TERM) is sent once the program has its handler in place, and the run must end with
# STATUS, its report on stdout containing STDOUT_TEXT (the summary of what ran, marked as interrupted) and its stderr
# STDERR_TEXT, without a crash or a sanitizer report. No assertion on time: the signal comes when the program is
# ready, whatever the machine's speed, and the run is one that would not end by itself for hours.
set -uo pipefail
usage="usage: check.sh [--feed LINE] SIGNAL STATUS STDOUT_TEXT STDERR_TEXT -- COMMAND [ARG...]"
feed=""
if [ "${1:-}" = --feed ]; then
  feed=${2:?$usage}
  shift 2
fi
signal=${1:?$usage} status=${2:?$usage} want_out=${3:?$usage} want_err=${4:?$usage}
[ "${5:-}" = -- ] && [ $# -gt 5 ] || { echo "$usage" >&2; exit 2; }
shift 5
scratch=$(mktemp -d "${TMPDIR:-/tmp}/interrupt.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# Job control: a background job of a script otherwise starts with SIGINT ignored, which the programs respect.
set -m
if [ -n "$feed" ]; then
  yes "$feed" | "$@" > "$scratch/out" 2> "$scratch/err" &
else
  "$@" < /dev/null > "$scratch/out" 2> "$scratch/err" &
fi
pid=$!

# Ready when the signal is caught (the SigCgt mask of /proc), not after some delay.
case $signal in INT) bit=2 ;; TERM) bit=15 ;; *) echo "check.sh: signal INT or TERM, not '$signal'" >&2; exit 2 ;; esac
ready=""
while kill -0 "$pid" 2> /dev/null; do
  mask=$(awk '/^SigCgt:/ { print $2 }' "/proc/$pid/status" 2> /dev/null)
  if [ -n "$mask" ] && (( (16#$mask >> (bit - 1)) & 1 )); then
    ready=yes
    break
  fi
  sleep 0.05
done
[ -n "$ready" ] || { echo "interrupt: the program ended before it could be interrupted"; cat "$scratch/err"; exit 1; }
sleep 0.5 # into the run proper (the check holds at any point: this only makes the report less trivial)
kill -s "$signal" "$pid"
wait "$pid"
got=$?
wait # the feeding `yes` ends on the closed pipe

fail=0
problem() {
  echo "interrupt: $*"
  fail=1
}
[ "$got" = "$status" ] || problem "exit status $got, expected $status"
grep -qF -- "$want_out" "$scratch/out" || problem "stdout has no line with '$want_out'"
grep -qF -- "$want_err" "$scratch/err" || problem "stderr has no line with '$want_err'"
! grep -qE 'Sanitizer|runtime error|Segmentation|core dumped|Aborted' "$scratch/err" || problem "crash or sanitizer report"
if [ "$fail" = 1 ]; then
  echo "  command: $*"
  echo "  stdout:"; head -n 20 "$scratch/out" | sed 's/^/    /'
  echo "  stderr:"; head -n 20 "$scratch/err" | sed 's/^/    /'
  exit 1
fi
echo "interrupt: SIG$signal -> exit $got, report marked: $(grep -F -- "$want_out" "$scratch/out" | head -n 1)"
