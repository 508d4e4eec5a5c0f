#!/usr/bin/env bash
# Synthesizes mmu_top with Yosys (generic gates: synth -flatten) for each configuration of rtl/mmu_configs.txt and
# prints its cell count and flip-flop count. By default the "synth" configurations; name others to include them
# (the full-size ones take a long time: synthesis grows with the number of TLB entries).
# Usage: scripts/rtl-cells.sh [-j jobs] [-o workdir] [config ...]
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
configs=$root/rtl/mmu_configs.txt
jobs=$(nproc)
work=
while getopts "j:o:" opt; do
	case $opt in
	j) jobs=$OPTARG ;;
	o) work=$OPTARG ;;
	*) echo "usage: $0 [-j jobs] [-o workdir] [config ...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
work=${work:-$(mktemp -d)}
mkdir -p "$work"
command -v yosys >/dev/null || { echo "rtl-cells: yosys not found (scripts/install-deps.sh installs it)" >&2; exit 1; }
mapfile -t sources < <("$root"/scripts/rtl-sources.sh)

if [ $# -eq 0 ]; then
	mapfile -t names < <(awk '$1 !~ /^#/ && $2 == "synth" {print $1}' "$configs")
else
	names=("$@")
fi

synth_one() { # name: writes $work/name.stat.txt and $work/name.time
	local name=$1 params p start
	params=$(awk -v n="$name" '$1 == n {for (i = 3; i <= NF; i++) printf "%s ", $i; found = 1} END {exit !found}' \
		"$configs") || { echo "rtl-cells: no configuration '$name' in rtl/mmu_configs.txt" >&2; return 1; }
	{
		echo "read_verilog -sv ${sources[*]}"
		if [ -n "$params" ]; then
			printf 'chparam'
			for p in $params; do printf ' -set %s %s' "${p%%=*}" "${p#*=}"; done
			echo " mmu_top"
		fi
		echo "synth -flatten -top mmu_top"
		echo "opt_clean -purge"
		echo "tee -q -o $work/$name.stat.txt stat"
	} >"$work/$name.ys"
	start=$(date +%s)
	yosys -q -l "$work/$name.log" -s "$work/$name.ys" >/dev/null 2>&1 || { echo "rtl-cells: yosys failed for $name (see $work/$name.log)" >&2; return 1; }
	echo $(($(date +%s) - start)) >"$work/$name.time"
}
export -f synth_one
export work configs
export sources_list="${sources[*]}"

printf '%s\n' "${names[@]}" | xargs -P "$jobs" -I{} bash -c 'sources=($sources_list); synth_one "$@"' _ {}

printf '%-14s %10s %11s %8s %8s  %s\n' config cells flip-flops latches seconds parameters
for name in "${names[@]}"; do
	stat=$work/$name.stat.txt
	cells=$(awk '/Number of cells/ {n = $NF} END {print n}' "$stat")
	ffs=$(awk '/\$_(S?DFF|DFFE|SDFFE|SDFFCE|ALDFF|DFFSR|DFFSRE)[A-Z0-9_]*_ / {n += $NF} END {print n + 0}' "$stat")
	latches=$(awk '/\$_DLATCH/ {n += $NF} END {print n + 0}' "$stat")
	params=$(awk -v n="$name" '$1 == n {for (i = 3; i <= NF; i++) printf "%s ", $i}' "$configs")
	printf '%-14s %10s %11s %8s %8s  %s\n' "$name" "$cells" "$ffs" "$latches" "$(cat "$work/$name.time")" "${params:-(defaults)}"
done
