#!/usr/bin/env bash
# Installs every Debian package the project needs. Idempotent: when all are present it only checks and exits.
set -euo pipefail

packages=(
  build-essential cmake pkg-config # compiler and build
  zlib1g-dev                       # gzip-compressed traces
  libinih-dev                      # config files (INI)
  libcjson-dev                     # --json reports
  libcriterion-dev                 # unit tests
  valgrind                         # recording workloads (lackey), memcheck
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages and not root; run: sudo $0" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
