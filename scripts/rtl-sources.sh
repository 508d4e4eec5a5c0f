#!/usr/bin/env bash
# Prints the RTL's source files in compile order, one path a line, from rtl/mmu_sources.txt (or DIR/mmu_sources.txt).
# Fails when the list and the .sv files on disk disagree, so no script compiles a stale set.
set -euo pipefail
dir=${1:-$(cd "$(dirname "$0")/../rtl" && pwd)}
list=$dir/mmu_sources.txt
status=0
mapfile -t names < <(grep -v '^#' "$list" | sed '/^[[:space:]]*$/d')
for n in "${names[@]}"; do
  [ -f "$dir/$n" ] || { echo "rtl-sources: $list: $n does not exist" >&2; status=1; }
done
# A lookup table, not a pipe into grep -q: grep may exit before printf has written everything, and pipefail would
# then count printf's SIGPIPE as a missing name.
declare -A listed
for n in "${names[@]}"; do listed[$n]=1; done
for f in "$dir"/*.sv; do
  [ -n "${listed[$(basename "$f")]:-}" ] || { echo "rtl-sources: $list does not list $(basename "$f")" >&2; status=1; }
done
[ "$status" -eq 0 ] || exit 1
for n in "${names[@]}"; do printf '%s\n' "$dir/$n"; done
