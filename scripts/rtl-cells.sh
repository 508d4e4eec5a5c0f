#!/usr/bin/env bash
# Synthesizes mmu_top with Yosys (generic gates, flattened) for each configuration of rtl/mmu_configs.txt and reports
# its memory bits and its logic separately: the flow is Yosys' synth with every step but memory_map, so the arrays
# Yosys infers as memories ($mem_v2: the TLB arrays written for SRAM) stay memories and are counted in bits, while
# everything else (flip-flops included) is mapped to gates and counted in cells.
#
# By default the "synth" configurations; -a all of them; or name some. Besides the table it writes a CSV, one row a
# configuration, keyed by every parameter of mmu_top that shapes the hardware (the configuration's values over
# mmu_top's defaults, read from rtl/mmu_top.sv): `mmusim sweep --area FILE` prints the area beside the miss rate.
# -t SECONDS stops a synthesis that takes longer (its row then says so and is left out of the CSV).
# Usage: scripts/rtl-cells.sh [-a] [-j jobs] [-t seconds] [-o workdir] [-c csv] [config ...]
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
configs=$root/rtl/mmu_configs.txt
jobs=$(nproc)
work= csv= all=0 limit=0
while getopts "aj:t:o:c:" opt; do
	case $opt in
	a) all=1 ;;
	j) jobs=$OPTARG ;;
	t) limit=$OPTARG ;;
	o) work=$OPTARG ;;
	c) csv=$OPTARG ;;
	*) echo "usage: $0 [-a] [-j jobs] [-t seconds] [-o workdir] [-c csv] [config ...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
work=${work:-$(mktemp -d)}
mkdir -p "$work"
csv=${csv:-$work/rtl-cells.csv}
command -v yosys >/dev/null || { echo "rtl-cells: yosys not found (scripts/install-deps.sh installs it)" >&2; exit 1; }
mapfile -t sources < <("$root"/scripts/rtl-sources.sh)

if [ $# -gt 0 ]; then
	names=("$@")
elif [ "$all" -eq 1 ]; then
	mapfile -t names < <(awk '$1 !~ /^#/ && NF >= 2 {print $1}' "$configs")
else
	mapfile -t names < <(awk '$1 !~ /^#/ && $2 == "synth" {print $1}' "$configs")
fi

# The key of the CSV: mmu_top's parameters but the LFSR seeds (reset values of three 16-bit registers), in the order
# of their declaration, with their defaults.
mapfile -t key_defaults < <(awk '/^module mmu_top/ {p = 1} p && /^\) \(/ {exit}
	p && /parameter int/ && $3 !~ /^LfsrSeed/ {v = $5; sub(/,$/, "", v); print $3 "=" v}' "$root/rtl/mmu_top.sv")
[ "${#key_defaults[@]}" -gt 0 ] || { echo "rtl-cells: no parameters found in rtl/mmu_top.sv" >&2; exit 1; }

synth_one() { # name: writes $work/name.stat.txt, $work/name.mem.txt and $work/name.time
	local name=$1 params p start
	params=$(awk -v n="$name" '$1 == n {for (i = 3; i <= NF; i++) printf "%s ", $i; found = 1} END {exit !found}' \
		"$configs") || { echo "rtl-cells: no configuration '$name' in rtl/mmu_configs.txt" >&2; return 1; }
	{
		# -defer: mmu_top is elaborated once, with the configuration's parameters (without it, read_verilog
		# elaborates it first with its defaults, the full-size L2).
		echo "read_verilog -defer -sv ${sources[*]}"
		if [ -n "$params" ]; then
			printf 'chparam'
			for p in $params; do printf ' -set %s %s' "${p%%=*}" "${p#*=}"; done
			echo " mmu_top"
		fi
		# synth's own script (yosys -p 'help synth') without memory_map.
		echo "synth -flatten -top mmu_top -run begin:fine"
		echo "opt -fast -full"
		echo "opt -full"
		echo "techmap"
		echo "opt -fast"
		echo "abc -fast"
		echo "opt -fast"
		echo "opt_clean -purge"
		echo "tee -q -o $work/$name.stat.txt stat"
		echo "tee -q -o $work/$name.mem.txt dump t:\$mem_v2"
	} >"$work/$name.ys"
	start=$(date +%s)
	rm -f "$work/$name.failed"
	if ! timeout "$limit" yosys -q -l "$work/$name.log" -s "$work/$name.ys" >/dev/null 2>&1; then
		echo "rtl-cells: yosys failed or was stopped after ${limit}s for $name (see $work/$name.log)" >&2
		touch "$work/$name.failed"
	fi
	echo $(($(date +%s) - start)) >"$work/$name.time"
}
export -f synth_one
export work configs limit
export sources_list="${sources[*]}"

printf '%s\n' "${names[@]}" | xargs -P "$jobs" -I{} bash -c 'sources=($sources_list); synth_one "$@"' _ {} || true

{
	printf 'config'
	for kd in "${key_defaults[@]}"; do printf ',%s' "${kd%%=*}"; done
	printf ',memories,memory_bits,read_ports,async_read_ports,logic_cells,flip_flops,seconds,cpu_seconds,peak_mb\n'
} >"$csv"
printf '%-14s %8s %11s %14s %11s %10s %9s %7s  %s\n' config memories memory-bits rd-ports/async logic-cells \
	flip-flops s/cpu-s peak-MB parameters
status=0
for name in "${names[@]}"; do
	stat=$work/$name.stat.txt
	if [ -e "$work/$name.failed" ] || [ ! -e "$stat" ]; then
		printf '%-14s %s\n' "$name" "no result after $(cat "$work/$name.time" 2>/dev/null || echo '?') s (see $work/$name.log)"
		status=1
		continue
	fi
	cells=$(awk '/Number of cells/ {n = $NF} END {print n}' "$stat")
	# Memories are cells of the netlist too: the logic is the rest.
	# Per memory: its bits, and its read ports, those without a clock (asynchronous: no SRAM macro) apart.
	read -r mems bits rports async < <(awk '$1 == "cell" {n++} $2 == "\\WIDTH" {w = $3} $2 == "\\SIZE" {s = $3}
		$2 == "\\RD_PORTS" {r += $3} $2 == "\\RD_CLK_ENABLE" {e = $3; sub(/^[0-9]+./, "", e); a += gsub(/0/, "", e)}
		$1 == "end" && w != "" {b += w * s; w = ""} END {print n + 0, b + 0, r + 0, a + 0}' "$work/$name.mem.txt")
	ffs=$(awk '/\$_(S?DFF|DFFE|SDFFE|SDFFCE|ALDFF|DFFSR|DFFSRE)[A-Z0-9_]*_ / {n += $NF} END {print n + 0}' "$stat")
	peak=$(grep -oE 'MEM: [0-9.]+ MB peak' "$work/$name.log" | tail -1 | awk '{printf "%d", $2}')
	cpu=$(grep -oE 'CPU: user [0-9.]+s' "$work/$name.log" | tail -1 | awk '{printf "%d", $3}')
	params=$(awk -v n="$name" '$1 == n {for (i = 3; i <= NF; i++) printf "%s ", $i}' "$configs")
	printf '%-14s %8s %11s %14s %11s %10s %9s %7s  %s\n' "$name" "$mems" "$bits" "$rports/$async" "$((cells - mems))" \
		"$ffs" "$(cat "$work/$name.time")/$cpu" "$peak" "${params:-(defaults)}"
	{
		printf '%s' "$name"
		for kd in "${key_defaults[@]}"; do
			k=${kd%%=*} v=${kd#*=}
			for p in $params; do [ "${p%%=*}" = "$k" ] && v=${p#*=}; done
			printf ',%s' "$v"
		done
		printf ',%s,%s,%s,%s,%s,%s,%s,%s,%s\n' "$mems" "$bits" "$rports" "$async" "$((cells - mems))" "$ffs" \
			"$(cat "$work/$name.time")" "$cpu" "$peak"
	} >>"$csv"
done
echo "rtl-cells: $csv"
exit "$status"
