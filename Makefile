# Thin wrapper over CMake. `make demo` and `make test` work from a fresh clone on Debian 12 (as root).
BUILD ?= build
SAN_BUILD ?= build-san
JOBS ?= $(shell nproc)
CTEST_ARGS ?= --output-on-failure

.PHONY: all deps configure build demo test test-san bench bench-cosim wave diagrams experiments format clean rtl-pkg formal cosim-bins

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DMMU_MMUSIM_ONLY=OFF >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

# Only what the demo runs: libmmu and mmusim. A fresh build folder is configured for them alone (no Verilator runs,
# SystemC or tests); one already configured (by make test, make build) is used as it is.
demo: deps
	@[ -f $(BUILD)/CMakeCache.txt ] || cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DMMU_MMUSIM_ONLY=ON >/dev/null
	@cmake --build $(BUILD) -j $(JOBS) --target mmusim
	@$(BUILD)/sim/mmusim run

test: build
	@cd $(BUILD) && ctest $(CTEST_ARGS) -j $(JOBS)

# The whole suite again with AddressSanitizer + UndefinedBehaviorSanitizer.
test-san: deps
	@cmake -S . -B $(SAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DMMU_SANITIZE=ON >/dev/null
	@cmake --build $(SAN_BUILD) -j $(JOBS)
	@cd $(SAN_BUILD) && ctest $(CTEST_ARGS) -j $(JOBS)

bench: build
	@scripts/bench.sh $(BUILD)
	@scripts/bench-sweep.sh $(BUILD)

# Co-simulation speed alone: Verilator lockstep against the model, and Icarus on the same recorded cycles.
bench-cosim: build
	@scripts/cosim-bench.sh $(BUILD)

# Directed scenarios with tracing on (needs Verilator): one FST each, opened with waveforms/mmu.gtkw.
WAVE_SCENARIOS ?= l1hit l2hit walk4k walk2m fault cr3walk
wave: configure
	@scripts/install-deps.sh --viewer
	@cmake --build $(BUILD) -j $(JOBS) --target mmucosim-default >/dev/null || \
	  { echo "make wave: mmucosim-default did not build (Verilator >= 5.0 and rtl/mmu_top.sv needed)"; exit 1; }
	@mkdir -p $(BUILD)/waves
	@for s in $(WAVE_SCENARIOS); do \
	  $(BUILD)/sim/cosim/mmucosim-default --scenario $$s --quiet --wave $(BUILD)/waves/$$s.fst || exit 1; \
	  echo "(cd $(CURDIR) && gtkwave $(abspath $(BUILD))/waves/$$s.fst waveforms/mmu.gtkw)"; \
	done

# Proofs of the RTL's properties at full depth (the walker's unbounded, by PDR), with their covers (ctest -L formal
# runs CI's depths).
formal: deps
	@scripts/formal.sh $(BUILD)/formal

# Rewrites rtl/mmu_arch_pkg.sv from the model's declarations (ctest rtl_pkg fails while it is out of step).
rtl-pkg: configure
	@cmake --build $(BUILD) -j $(JOBS) --target rtl-pkg-gen >/dev/null
	@$(BUILD)/sim/rtl-pkg-gen > rtl/mmu_arch_pkg.sv.tmp && mv rtl/mmu_arch_pkg.sv.tmp rtl/mmu_arch_pkg.sv
	@echo "rtl-pkg: rtl/mmu_arch_pkg.sv written"

# Rewrites the coverage listing of sim/cosim/README.md from sim/cosim/cosim_cover.def (ctest cosim_cover_doc checks it).
cosim-bins: configure
	@cmake --build $(BUILD) -j $(JOBS) --target mmucosim-default >/dev/null
	@cmake -DCOSIM=$(BUILD)/sim/cosim/mmucosim-default -DREADME=sim/cosim/README.md -DUPDATE=ON \
	  -P testbench/cosim/cover_doc.cmake

# Timing diagrams of directed scenarios (docs/lecture.md): WaveJSON in $(BUILD)/diagrams, SVG when wavedrom-cli is there.
diagrams: build
	@scripts/install-deps.sh --wavedrom
	@scripts/diagrams.sh $(BUILD)

# The example studies of docs/experiments.md: CSV and plots in $(BUILD)/experiments/<study> (files of an earlier run
# there are replaced), then whether the CSV and plots in docs/experiments/ are the same as the fresh ones.
EXPERIMENTS ?= tlb-size huge-pages pcid levels
experiments: configure
	@cmake --build $(BUILD) -j $(JOBS) --target mmusim >/dev/null
	@for s in $(EXPERIMENTS); do scripts/experiment.sh --force $$s $(BUILD)/experiments/$$s || exit 1; done
	@for f in $(BUILD)/experiments/*/*.csv $(BUILD)/experiments/*/*.svg; do \
	  d=docs/experiments/$$(basename $$f); [ -e $$d ] || continue; \
	  if cmp -s $$f $$d; then echo "$$d: the same as $$f"; \
	  else echo "$$d: differs from $$f (another gnuplot, or the model changed)"; fi; \
	done

format:
	@clang-format -i model/include/mmu/*.h model/internal/*.h model/src/*.[ch] model/src/*/*.[ch] sim/*/*.[ch] testbench/*/*.c

clean:
	@rm -rf $(BUILD) $(SAN_BUILD)
