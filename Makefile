# Thin wrapper over CMake. `make demo` and `make test` work from a fresh clone on Debian 12 (as root).
BUILD ?= build
SAN_BUILD ?= build-san
JOBS ?= $(shell nproc)
CTEST_ARGS ?= --output-on-failure

.PHONY: all deps configure build demo test test-san bench diagrams format clean

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
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

# Timing diagrams of directed scenarios (docs/lecture.md): WaveJSON in $(BUILD)/diagrams, SVG when wavedrom-cli is there.
diagrams: build
	@scripts/install-deps.sh --wavedrom
	@scripts/diagrams.sh $(BUILD)

format:
	@clang-format -i model/include/mmu/*.h model/src/*.c model/src/*.h sim/*.c sim/tools/*.c testbench/*/*.c

clean:
	@rm -rf $(BUILD) $(SAN_BUILD)
