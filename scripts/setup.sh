#!/usr/bin/env bash
# Create or update the project's virtual environment in .venv (idempotent).
#   bash scripts/setup.sh          the book's toolchain (build the site, run JupyterLab)
#   bash scripts/setup.sh --test   plus the test tools and Debian's Chromium for the browser tests
# Works on a fresh Debian machine with Python 3.11: installs python3-venv, nodejs/npm and chromium
# with apt-get when they are missing (as root, or through sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

PY=${PYTHON:-$(command -v python3.11 || command -v python3)}
[ -n "$PY" ] || { echo "setup: python3 (3.11) is required" >&2; exit 1; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
  echo "setup: need root to run: $*" >&2; return 1; fi; }
apt_updated=0
apt_install() {
  if [ $apt_updated = 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

# 1. The virtual environment (Debian ships venv/ensurepip separately as python3-venv).
if [ ! -x .venv/bin/python ]; then
  if ! "$PY" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    ver=$("$PY" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    apt_install "python${ver}-venv" || apt_install python3-venv
    "$PY" -m venv .venv
  fi
fi

# 2. System and npm packages, in the background while pip installs the Python packages (both
#    mostly wait on downloads). Its output is shown at the end, and its failure fails the setup.
system_packages() {
  # A CJK font (Debian's fonts-wqy-microhei) for the Chinese edition's figures: matplotlib draws
  # Chinese with it by name (lossviz.i18n.CJK_FAMILIES; never a download at build time); it also
  # lets the browser tests' screenshots show the Chinese text. For the tests, Debian's Chromium.
  missing=()
  for pkg in fonts-dejavu-core fonts-wqy-microhei; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ $want_test = 1 ]; then
    [ -x /usr/bin/chromium ] || missing+=(chromium)
  fi
  if [ ${#missing[@]} != 0 ]; then
    apt_install "${missing[@]}"
    # matplotlib lists the system fonts once, in a cache: let it see the new font.
    rm -f "${MPLCONFIGDIR:-$HOME/.cache/matplotlib}"/fontlist-*.json
  fi

  # npm packages, pinned, into .venv/node (Node.js and npm from Debian when absent):
  # mathjax-full typesets the formulas at build time (_ext/book_mathjax.py); for the tests, the
  # current axe-core (the copy bundled with axe-playwright-python is older and misses rules).
  npm_packages=(mathjax-full@3.2.2)
  [ $want_test = 1 ] && npm_packages+=(axe-core@4.14.1)
  npm_missing=()
  for spec in "${npm_packages[@]}"; do
    name=${spec%@*} version=${spec##*@}
    grep -qs "\"version\": \"$version\"" ".venv/node/node_modules/$name/package.json" \
      || npm_missing+=("$spec")
  done
  if [ ${#npm_missing[@]} != 0 ]; then
    command -v npm >/dev/null || apt_install nodejs npm
    npm install --silent --no-audit --no-fund --prefix .venv/node "${npm_missing[@]}"
  fi
}
system_log=$(mktemp)
system_packages >"$system_log" 2>&1 &
system_pid=$!

# 3. Python packages, skipped when the requirement files have not changed since the last install.
reqs=requirements.txt mode=book
[ $want_test = 1 ] && reqs=requirements-test.txt mode=test
hash=$(cat requirements.txt requirements-test.txt pyproject.toml | sha256sum | cut -c1-16)
if [ -f ".venv/.installed-$hash-test" ] || [ -f ".venv/.installed-$hash-$mode" ]; then
  echo "setup: Python packages up to date ($reqs)"
else
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$reqs"
  rm -f .venv/.installed-*
  touch ".venv/.installed-$hash-$mode"
fi

if ! wait "$system_pid"; then
  cat "$system_log" >&2
  echo "setup: installing the system or npm packages failed" >&2
  exit 1
fi
cat "$system_log"
rm -f "$system_log"
exit 0
