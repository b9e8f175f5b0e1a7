#!/usr/bin/env bash
# Set everything up and run every test: ruff, lossviz's unit tests, the book build (both editions,
# English and Chinese, scripts/i18n_build.py; warnings as errors, every notebook executed), the
# browser tests of the built site and the JupyterLab test (every chapter run live in a fresh kernel).
#
# The book build starts first, in the background (tests/build_site.py, the suite's own build
# command, into a fresh folder); ruff and every test that needs no site run meanwhile, and the site
# tests wait for it (conftest.py: built_site, $LOSSVIZ_BUILD). A failed build fails the run and
# shows its log, also when no site test was selected.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
export PYTHONHASHSEED=0
SECONDS=0

build_pid=""
if [ -z "${LOSSVIZ_SITE:-}" ]; then  # LOSSVIZ_SITE (development only): test an existing build
  build_out=$(mktemp -d "${TMPDIR:-/tmp}/lossviz-book.XXXXXX")
  echo "test: book build in the background into $build_out"
  # setsid: the build and its kernels are one process group, stopped together if the run ends early.
  setsid .venv/bin/python tests/build_site.py "$build_out" >/dev/null 2>&1 &
  build_pid=$!
  export LOSSVIZ_BUILD="$build_out"
fi
stop_build() {
  if [ -n "$build_pid" ] && kill -0 "$build_pid" 2>/dev/null; then
    kill -- "-$build_pid" 2>/dev/null || true
  fi
}
trap stop_build EXIT

# A failing step fails the run at the end: the steps after it still run and report.
status=0
echo "test: ruff"
.venv/bin/ruff check lossviz tests benchmarks _ext scripts || status=1
.venv/bin/ruff format --check lossviz tests benchmarks _ext scripts || status=1
echo "test: pytest ($SECONDS s so far)"
# tests/: unit tests, gates, the JupyterLab test, the book build's and the browser tests, on three
# workers (pytest-xdist). The run is CPU-bound on two cores and its critical path is the build and
# then the site tests, so: one worker runs the JupyterLab test at once, niced (it yields to the
# build); the two others share the unit tests, then each takes one group of site tests as soon as
# the build is done (conftest.py: run_group). LOSSVIZ_WORKERS=0 runs everything in one process.
workers=${LOSSVIZ_WORKERS:-3}
parallel=()
[ "$workers" != 0 ] && parallel=(-n "$workers" --dist loadgroup --no-loadscope-reorder)
.venv/bin/python -m pytest tests "${parallel[@]}" --timeout=1500 --durations=25 "$@" || status=$?

# The build's own verdict, whatever pytest selected.
if [ -n "$build_pid" ]; then
  wait "$build_pid" || true
  rc=$(cat "$build_out/build.rc" 2>/dev/null || echo "?")
  if [ "$rc" != 0 ]; then
    echo "test: the book build FAILED (exit $rc); the end of its log ($build_out/build.log):" >&2
    tail -n 80 "$build_out/build.log" >&2 || true
    status=1
  else
    echo "test: book build $(cat "$build_out/build.seconds") s (in the background)"
  fi
fi
echo "test: done in $SECONDS s (exit $status)"
exit "$status"
