#!/usr/bin/env bash
# The timing diagrams of docs/lecture.md: WaveJSON from the model's per-cycle path, rendered to SVG when wavedrom-cli
# is installed (scripts/install-deps.sh --wavedrom). Usage: scripts/diagrams.sh [BUILD_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
out="$build/diagrams"
"$build/sim/mmusim" diagram --out "$out" --force # the build's own folder: a rerun replaces them
cli="$root/node_modules/.bin/wavedrom-cli"
if [ ! -x "$cli" ]; then
  echo "diagrams: wavedrom-cli is not installed: only the WaveJSON files were written to $out/" >&2
  echo "diagrams: to render them, run scripts/install-deps.sh --wavedrom (needs npm) and make diagrams again," >&2
  echo "diagrams: or paste a file into the WaveDrom editor (https://wavedrom.com/editor.html)" >&2
  exit 0
fi
for f in "$out"/*.json; do
  "$cli" -i "$f" -s "${f%.json}.svg"
  echo "diagrams: ${f%.json}.svg"
done
