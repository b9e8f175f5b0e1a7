#!/usr/bin/env bash
# Set everything up and run every test: ruff, lossviz's unit tests, every notebook in a fresh kernel,
# the book build (warnings as errors), the browser tests of the built site and the JupyterLab test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
export PYTHONHASHSEED=0
echo "test: ruff"
.venv/bin/ruff check lossviz tests benchmarks _ext scripts
.venv/bin/ruff format --check lossviz tests benchmarks _ext scripts
echo "test: pytest"
# tests/: unit tests, gates, the book build and the browser tests; chapters/: every notebook (nbmake).
.venv/bin/python -m pytest tests chapters --nbmake --nbmake-timeout=300 --timeout=1500 --durations=25 "$@"
