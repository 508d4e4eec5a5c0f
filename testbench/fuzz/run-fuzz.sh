#!/usr/bin/env bash
# usage: run-fuzz.sh FUZZER SEED_CORPUS WORKDIR SECONDS [libFuzzer options...]
# Fuzzes one target for SECONDS. New inputs go to WORKDIR/corpus (the seed corpus in the tree is only read); a crash
# leaves WORKDIR/crash-* and fails. Make it a regression test: copy the file into testbench/fuzz/regress/<target>/.
set -euo pipefail
fuzzer=${1:?usage: run-fuzz.sh FUZZER SEED_CORPUS WORKDIR SECONDS}
seeds=${2:?}
work=${3:?}
secs=${4:?}
shift 4
here=$(cd "$(dirname "$0")" && pwd)
name=$(basename "$fuzzer")
mkdir -p "$work/corpus"
opts=(-max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/")
dict="$here/${name#fuzz_}.dict"
[ -f "$dict" ] && opts+=(-dict="$dict")
case $name in
  fuzz_trace) opts+=(-max_len=8192) ;;
  fuzz_walk) opts+=(-max_len=70000) ;;
esac
rc=0
"$fuzzer" "${opts[@]}" "$@" "$work/corpus" "$seeds" || rc=$?
if [ "$rc" -ne 0 ]; then
  echo "run-fuzz: $name failed (exit $rc); inputs that crashed:" >&2
  ls "$work"/crash-* "$work"/timeout-* "$work"/leak-* "$work"/oom-* >&2 2>/dev/null || true
  echo "run-fuzz: keep each as testbench/fuzz/regress/${name#fuzz_}/<name> (replayed by fuzz_replay_${name#fuzz_})" >&2
fi
exit "$rc"
