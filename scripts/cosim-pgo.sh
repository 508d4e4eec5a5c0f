#!/usr/bin/env bash
# usage: scripts/cosim-pgo.sh PGO_BUILD_DIR [training cycles]
# Builds mmucosim-default with profile-guided optimisation in its own build directory: an instrumented build
# (MMU_PGO=generate), a training run on the constrained-random stimulus (seed 2: the benchmark measures seed 1),
# then the same directory compiled again with the profiles (MMU_PGO=use). The result is
# PGO_BUILD_DIR/sim/cosim/mmucosim-default; it simulates exactly what the plain build does, faster.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:?usage: scripts/cosim-pgo.sh PGO_BUILD_DIR [training cycles]}
cycles=${2:-300000}
jobs=$(nproc)
cosim=$build/sim/cosim/mmucosim-default

step() { printf 'cosim-pgo: %s\n' "$*"; }

profiles=$build/pgo-profiles
# Another build directory is left alone: configuring it here would leave it a profile-guided build.
if [ -f "$build/CMakeCache.txt" ] && ! grep -qE '^MMU_PGO:STRING=(generate|use)$' "$build/CMakeCache.txt"; then
	echo "cosim-pgo: $build is a build directory without MMU_PGO: give a directory of its own" >&2
	exit 2
fi
mkdir -p "$build"
step "instrumented build in $build (configuring verilates every co-simulated configuration: minutes)"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DMMU_PGO=generate -DMMU_PGO_DIR="$profiles" \
	>"$build/pgo-configure.log" 2>&1 || { cat "$build/pgo-configure.log" >&2; exit 1; }
cmake --build "$build" -j "$jobs" --target mmucosim-default >"$build/pgo-build.log" 2>&1 ||
	{ tail -n 40 "$build/pgo-build.log" >&2; exit 1; }

step "training: $cycles random cycles, seed 2"
rm -rf "$profiles"
"$cosim" --random "$cycles" --seed 2 --quiet >/dev/null
[ -n "$(find "$profiles" -name '*.gcda' -print -quit 2>/dev/null)" ] ||
	{ echo "cosim-pgo: the training run wrote no profile under $profiles" >&2; exit 1; }

step "optimised build with the profiles"
cmake -S "$root" -B "$build" -DMMU_PGO=use >>"$build/pgo-configure.log" 2>&1 ||
	{ cat "$build/pgo-configure.log" >&2; exit 1; }
cmake --build "$build" -j "$jobs" --target mmucosim-default >>"$build/pgo-build.log" 2>&1 ||
	{ tail -n 40 "$build/pgo-build.log" >&2; exit 1; }
step "built $cosim"
