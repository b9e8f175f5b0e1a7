#!/usr/bin/env bash
# Set everything up and build the website: the English edition into _build/html (open
# _build/html/index.html) and the Chinese one into _build/html/zh (language switch on every page).
# Every notebook is executed by each edition (their figures carry the edition's language); any
# execution error or Sphinx warning fails the build. scripts/i18n_build.py runs the two builds.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python scripts/i18n_build.py . --warningiserror --keep-going "$@"
echo "site: built _build/html/index.html and _build/html/zh/index.html"
