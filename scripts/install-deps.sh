#!/usr/bin/env bash
# Installs every Debian package the project needs. Idempotent: when all are present it only checks and exits.
set -euo pipefail

packages=(
  build-essential cmake pkg-config # compiler and build
  zlib1g-dev                       # mmusim convert's gzip output, CRC-32 of gzip members combined
  liblzma-dev                      # xz-compressed traces (ChampSim's), mmusim convert's xz output
  libbz2-dev                       # bzip2-compressed traces
  libisal-dev                      # gzip-compressed traces (ISA-L's fast inflate), the traces' CRC-32
  libinih-dev                      # config files (INI)
  libcjson-dev                     # --json reports
  libcriterion-dev                 # unit tests
  libsystemc-dev                   # the SystemC/TLM-2.0 component and platform (sim/systemc)
  verilator                        # RTL lint, lockstep co-simulation (sim/cosim), the RTL in SystemC
  iverilog                         # RTL compile check, Icarus testbenches, the co-sim speed comparison
  yosys                            # RTL synthesis check, cell counts, the proofs (make formal; yosys-abc's pdr, bmc3)
  valgrind                         # recording workloads (lackey), memcheck
  gnuplot-nox                      # mmusim sweep's plots (PNG and SVG), the example studies (scripts/experiment.sh)
  clang libclang-rt-14-dev         # fuzz targets: clang, libFuzzer and its sanitizer runtimes (testbench/fuzz)
  slurm-wlm munge                  # the test of sweeps on Slurm (testbench/slurm): a one-node Slurm it starts itself
  chromium python3                 # the lecture pages in a headless browser (ctest -L browser, testbench/browser)
  qemu-system-x86                  # the QEMU oracle: its page walker as a reference for the model's (testbench/oracle)
  qemu-system-misc                 # the QEMU oracle's RISC-V side: qemu-system-riscv64 (Sv39, Sv48, Sv57)
  gcc-riscv64-unknown-elf          # the QEMU oracle's RISC-V bare-metal guest (testbench/oracle/guest-riscv)
)

# --wavedrom: also wavedrom-cli, which `make diagrams` uses to render SVG. Optional: only with npm, never fatal, and
# nothing else (build, tests) needs it.
# --viewer: also GTKWave, to look at the dumps of `make wave` (a desktop program: not needed to build or test).
with_wavedrom=0
for arg in "$@"; do
  case $arg in
  --wavedrom) with_wavedrom=1 ;;
  --viewer) packages+=(gtkwave) ;;
  *)
    echo "install-deps: unknown option '$arg' (known: --wavedrom, --viewer)" >&2
    exit 2
    ;;
  esac
done

install_wavedrom() {
  local root
  root=$(cd "$(dirname "$0")/.." && pwd)
  [ -x "$root/node_modules/.bin/wavedrom-cli" ] && return 0
  if ! command -v npm >/dev/null 2>&1; then
    echo "install-deps: no npm: make diagrams writes WaveJSON but cannot render SVG" >&2
    return 0
  fi
  echo "install-deps: installing wavedrom-cli@3.2.0 into node_modules/ (npm)" >&2
  (cd "$root" && npm install --no-save --no-audit --no-fund --loglevel=error wavedrom-cli@3.2.0 >/dev/null) ||
    echo "install-deps: npm could not install wavedrom-cli: make diagrams writes WaveJSON only" >&2
}

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing packages and not root; run: sudo $0" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$with_wavedrom" -eq 1 ]; then
  install_wavedrom
fi
