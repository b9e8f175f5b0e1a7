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
.venv/bin/python -m pytest "$@"
