#!/usr/bin/env bash
# Records what the front ends print for a fixed set of inputs, so that a refactor can be checked byte for byte:
#   scripts/record-outputs.sh BUILD OUTDIR        record (OUTDIR must not exist)
#   diff -r OUTDIR-before OUTDIR-after            compare two recordings
# Each case writes NAME.out (stdout), NAME.err (stderr without the run's own timing line) and NAME.rc (exit status);
# a sweep's CSV is copied as NAME.csv. Timing lines ("... in N s") are dropped: they differ run to run by design, and
# the source revision in the provenance of reports (provenance.revision) reads REV: it differs build to build.
set -uo pipefail
build=$(cd "${1:?usage: record-outputs.sh BUILD OUTDIR}" && pwd)
out=${2:?usage: record-outputs.sh BUILD OUTDIR}
top=$(cd "$(dirname "$0")/.." && pwd)
[ -e "$out" ] && { echo "record-outputs: $out exists: choose a new folder" >&2; exit 2; }
mkdir -p "$out"
mmusim=$build/sim/mmusim
cosim=$build/sim/cosim/mmucosim-default
tlm=$build/sim/systemc/mmusim-tlm
w=$top/workloads
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rev=$(sed -n 's/^#define MMUSIM_REVISION "\(.*\)"$/\1/p' "$build/sim/generated/mmusim_version.h" 2>/dev/null)
unrev() { # FILE...: the revision replaced by REV (nothing to do for a build without provenance)
	[ -z "$rev" ] || sed -i "s|\"$rev\"|\"REV\"|g; s|,$rev,|,REV,|g" "$@"
}

# Shortened copies keep the recording quick; the bundled workload's first 200k records.
zcat "$w/default.lackey.gz" | head -n 200000 >"$tmp/default200k.lackey"
zcat "$w/two-process.txt.gz" >"$tmp/two.txt"

record() { # NAME COMMAND...
	local name=$1
	shift
	(cd "$tmp" && "$@") >"$out/$name.out" 2>"$tmp/err"
	echo $? >"$out/$name.rc"
	grep -Ev ' in [0-9.]+ s|cycles/s|[0-9.]+ M translations/s' "$tmp/err" | sed "s|$tmp|TMP|g; s|$top|TOP|g" >"$out/$name.err"
	sed -i "s|$tmp|TMP|g; s|$top|TOP|g; /^  speed  /d" "$out/$name.out"
	unrev "$out/$name.out"
}

record run-default "$mmusim" run
record run-default-json "$mmusim" run --json
record run-ticked "$mmusim" run --trace "$tmp/default200k.lackey" --engine ticked
record run-two "$mmusim" run --trace "$tmp/two.txt" --set cr3.pcid=1 --json
record run-thp "$mmusim" run --trace "$w/sort.lackey.gz" --set os.thp=always
record run-mem "$mmusim" run --trace "$w/matrix-col.lackey.gz" --set os.mem_frames=128 --set tlb.l1d.policy=fifo
record run-random "$mmusim" run --trace "$w/chase.lackey.gz" --set tlb.l2.policy=random --set mem.latency_max=300 --seed 5 --json
record run-mem-ticked "$mmusim" run --trace "$tmp/default200k.lackey" --set os.mem_frames=64 --set os.thp=dense \
	--set os.thp_density=4 --engine ticked --json
record run-populate "$mmusim" run --trace "$w/gzip.lackey.gz" --set os.populate=1 --preset zen2
record run-x86_32 "$mmusim" run --trace "$w/matrix-row.lackey.gz" --set paging.mode=x86_32
record compare "$mmusim" compare --trace "$tmp/two.txt" --set cr3.pcid=0 --set cr3.pcid=1
record compare-json "$mmusim" compare --trace "$w/matrix-col.lackey.gz" --set tlb.l1d.entries=64 \
	--set tlb.l1d.entries=256,tlb.l1d.ways=full --rows tlb.l1d.misses,amat_cycles --json
record sweep-stdout "$mmusim" sweep --trace "$w/sort.lackey.gz" --sweep tlb.l1d.entries=16,32,48 --sweep tlb.l1d.ways=2,4 -j 2
record sweep-stackdist "$mmusim" sweep --trace "$w/sort.lackey.gz" --method stackdist --sweep tlb.l1d.entries=8,16,64,256 \
	--set tlb.l1d.ways=full
record sweep-dir "$mmusim" sweep --trace "$w/chase.lackey.gz" --sweep tlb.l2.entries=0,512,1536 -j 2 -o "$tmp/sw"
[ -f "$tmp/sw/sweep.csv" ] && cp "$tmp/sw/sweep.csv" "$out/sweep-dir.csv" && sed -i "s|$tmp|TMP|g; s|$top|TOP|g" "$out/sweep-dir.csv" && unrev "$out/sweep-dir.csv"
[ -f "$tmp/sw/sweep.provenance.json" ] && sed "s|$tmp|TMP|g; s|$top|TOP|g" "$tmp/sw/sweep.provenance.json" >"$out/sweep-dir.provenance.json" && unrev "$out/sweep-dir.provenance.json"
record explain "$mmusim" explain --addr 0x7fffdeadb000 --op store
record explain-json "$mmusim" explain --addr 0x401000 --op fetch --json --warm
record explain-trace "$mmusim" explain --trace "$w/sort.lackey.gz" --at 5000
record explain-demand "$mmusim" explain --addr 0x10000 --op store --demand
record explain-ostep "$mmusim" explain --preset ostep --addr 0x611c
record amat "$mmusim" amat --trace "$w/sort.lackey.gz"
record amat-md "$mmusim" amat --trace "$w/matrix-col.lackey.gz" --markdown --set os.mem_frames=256
record amat-json "$mmusim" amat --trace "$w/chase.lackey.gz" --json
record config-list "$mmusim" config --list
record config-presets "$mmusim" config --presets
[ -x "$cosim" ] && record cosim-trace "$cosim" --trace "$tmp/two.txt" --max-refs 20000
[ -x "$cosim" ] && record cosim-trace-mem "$cosim" --trace "$tmp/default200k.lackey" --set os.mem_frames=64 --max-refs 30000
[ -x "$cosim" ] && record cosim-random "$cosim" --random 50000 --seed 3
[ -x "$tlm" ] && record tlm "$tlm" --trace "$w/sort.lackey.gz"
[ -x "$tlm" ] && record tlm-json "$tlm" --trace "$tmp/two.txt" --json --set cr3.pcid=1
[ -x "$tlm" ] && record tlm-mem "$tlm" --trace "$tmp/default200k.lackey" --set os.mem_frames=64
echo "record-outputs: $(ls "$out"/*.rc | wc -l) cases in $out"
