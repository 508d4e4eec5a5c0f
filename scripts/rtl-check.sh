#!/usr/bin/env bash
# Static checks of rtl/ for every configuration in rtl/mmu_configs.txt:
#   - Verilator: --lint-only -Wall, no warning;
#   - Icarus: iverilog -g2012 -Wall compiles, no diagnostic beyond its two known notes (see below);
#   - Yosys: synth -top mmu_top of the first "synth" configuration of each paging mode (parameter Mode): no x
#     constant in the written netlist, no latch, no warning other than arrays turned into registers.
# Usage: scripts/rtl-check.sh [--no-synth] [workdir]   (exit status 0 only if every check passes)
set -euo pipefail

synth=1
if [ "${1:-}" = --no-synth ]; then
	synth=0
	shift
fi
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d)}
mkdir -p "$work"
mapfile -t sources < <("$root"/scripts/rtl-sources.sh)
configs=$root/rtl/mmu_configs.txt

tools=(verilator iverilog)
[ "$synth" -eq 1 ] && tools+=(yosys)
for tool in "${tools[@]}"; do
	command -v "$tool" >/dev/null || { echo "rtl-check: $tool not found (scripts/install-deps.sh installs it)" >&2; exit 1; }
done

# Icarus 11 reports two unsupported-but-harmless details as "sorry": it ignores the unique qualifier of a case, and
# makes an always_* block sensitive to a whole vector where a constant bit select is read. Anything else fails.
icarus_known='sorry: (Case unique/unique0 qualities are ignored|constant selects in always_\* processes are not currently supported)'

fail=0
synth_names=() synth_params=() synth_modes=" "
while read -r name kind params; do
	case "$name" in '' | '#'*) continue ;; esac
	vparams=() iparams=() yparams=()
	for p in $params; do
		vparams+=("-G$p")
		iparams+=("-Pmmu_top.$p")
		yparams+=("-set ${p%%=*} ${p#*=}")
	done
	if verilator --lint-only -Wall --top-module mmu_top "${vparams[@]}" "${sources[@]}" >"$work/$name.lint.log" 2>&1; then
		echo "verilator lint   $name: clean"
	else
		echo "verilator lint   $name: FAILED"; sed 's/^/  /' "$work/$name.lint.log"; fail=1
	fi
	if iverilog -g2012 -Wall -s mmu_top "${iparams[@]}" -o "$work/$name.vvp" "${sources[@]}" >"$work/$name.iv.log" 2>&1 &&
		! grep -vE "$icarus_known" "$work/$name.iv.log" | grep -q .; then
		echo "iverilog -g2012  $name: compiles ($(grep -cE "$icarus_known" "$work/$name.iv.log") known notes)"
	else
		echo "iverilog -g2012  $name: FAILED"; grep -vE "$icarus_known" "$work/$name.iv.log" | sed 's/^/  /'; fail=1
	fi
	mode=0
	for p in $params; do
		[ "${p%%=*}" = Mode ] && mode=${p#*=}
	done
	if [ "$kind" = synth ] && [[ "$synth_modes" != *" $mode "* ]]; then
		synth_modes+="$mode " synth_names+=("$name") synth_params+=("${yparams[*]}")
	fi
done <"$configs"

# Yosys: function-local temporaries of functions called under a condition stay behind as unused wires assigned x;
# opt_clean -purge removes what drives nothing, so any x left in the netlist would drive logic.
for i in "${!synth_names[@]}"; do
	[ "$synth" -eq 1 ] || break
	synth_name=${synth_names[$i]}
	{
		echo "read_verilog -defer -sv ${sources[*]}"
		[ -n "${synth_params[$i]}" ] && echo "chparam ${synth_params[$i]} mmu_top"
		echo "synth -flatten -top mmu_top"
		echo "opt_clean -purge"
		echo "write_verilog -noattr $work/$synth_name.netlist.v"
		echo "tee -q -o $work/$synth_name.stat.txt stat"
	} >"$work/$synth_name.ys"
	if yosys -q -l "$work/$synth_name.yosys.log" -s "$work/$synth_name.ys" >/dev/null 2>&1; then
		xs=$(grep -oE "[0-9]+'[bhdo][0-9a-fA-F_xXzZ?]+" "$work/$synth_name.netlist.v" | grep -ciE '[xz?]' || true)
		cells=$(awk '/Number of cells/ {n = $NF} END {print n}' "$work/$synth_name.stat.txt")
		latches=$(awk '/\$_DLATCH/ {n += $NF} END {print n + 0}' "$work/$synth_name.stat.txt")
		# Arrays become registers (expected); any other warning (implicit net, latch, driver conflict) fails.
		warnings=$(grep -E 'Warning:' "$work/$synth_name.yosys.log" | grep -vc 'Replacing memory .* with list of registers' || true)
		if [ "$xs" -eq 0 ] && [ "$latches" -eq 0 ] && [ "$warnings" -eq 0 ]; then
			echo "yosys synth      $synth_name: $cells cells, no x constants, no latches, no warnings"
		else
			echo "yosys synth      $synth_name: FAILED, $xs x constants in $work/$synth_name.netlist.v," \
				"$latches latches, $warnings warnings"
			grep -E 'Warning:' "$work/$synth_name.yosys.log" | grep -v 'Replacing memory' | sed 's/^/  /'
			fail=1
		fi
	else
		echo "yosys synth      $synth_name: FAILED"; tail -20 "$work/$synth_name.yosys.log" | sed 's/^/  /'; fail=1
	fi
done

[ "$fail" -eq 0 ] && echo "rtl-check: all checks passed" || echo "rtl-check: FAILED (logs in $work)"
exit "$fail"
