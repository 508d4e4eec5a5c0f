#!/usr/bin/env bash
# usage: testbench/pgo/check.sh SOURCE_DIR WORK_DIR
# The MMU_PGO option of the build (scripts/cosim-pgo.sh uses it): a value other than empty, generate or use is refused
# at configure time, naming the value; generate puts GCC's instrumentation on every object and its link, use the
# profiles of the directory it names. Configures the model alone (MMU_MMUSIM_ONLY): seconds, nothing is compiled.
set -euo pipefail
src=${1:?usage: check.sh SOURCE_DIR WORK_DIR}
work=${2:?usage: check.sh SOURCE_DIR WORK_DIR}
rm -rf "$work"
mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }

configure() { # dir value: configure's output in dir.log, its status returned
	cmake -S "$src" -B "$work/$1" -DMMU_MMUSIM_ONLY=ON -DMMU_PGO="$2" -DMMU_PGO_DIR="$work/profiles" >"$work/$1.log" 2>&1
}

configure bad bogus && fail "MMU_PGO=bogus was accepted"
grep -q "MMU_PGO is 'bogus': it must be empty, generate or use" "$work/bad.log" ||
	fail "MMU_PGO=bogus was refused without naming the value: $(cat "$work/bad.log")"

configure gen generate || fail "MMU_PGO=generate: $(cat "$work/gen.log")"
configure use use || fail "MMU_PGO=use: $(cat "$work/use.log")"
configure off "" || fail "MMU_PGO empty: $(cat "$work/off.log")"
for d in gen use off; do
	[ -s "$work/$d/compile_commands.json" ] || fail "$d: no compile_commands.json"
done
objects=$(grep -c '"command"' "$work/gen/compile_commands.json")
[ "$(grep -c "fprofile-generate=$work/profiles" "$work/gen/compile_commands.json")" -eq "$objects" ] ||
	fail "generate: not every object is instrumented"
grep -rq "fprofile-generate=$work/profiles" "$work/gen" --include=link.txt || fail "generate: the link is not instrumented"
[ "$(grep -c "fprofile-use=$work/profiles" "$work/use/compile_commands.json")" -eq "$objects" ] ||
	fail "use: not every object reads the profiles"
grep -q "fprofile" "$work/off/compile_commands.json" && fail "MMU_PGO empty: profile flags in the build"
echo "PASS: MMU_PGO refuses an unknown value; generate and use flag all $objects objects"
