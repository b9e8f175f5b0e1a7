#!/usr/bin/env bash
# Set everything up and build the website into _build/html (open _build/html/index.html).
# Every notebook is executed; any execution error or Sphinx warning fails the build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/jupyter-book build . --warningiserror --keep-going "$@"
echo "site: built _build/html/index.html"
