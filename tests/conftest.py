"""Shared fixtures: the repository root and one build of the book per test run."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest
from site_metrics import build_command

ROOT = Path(__file__).resolve().parents[1]
#: The book that ``built_site`` builds and ``toc_docnames`` reads: this repository, or (development
#: only) another copy of the book named by ``LOSSVIZ_BOOK``.
BOOK = Path(os.environ.get("LOSSVIZ_BOOK", ROOT))


#: Lines for the closing summary of the run (build time, screenshot folder, ...): tests append
#: to it, and ``pytest_terminal_summary`` prints it even when output capture hides their prints.
SITE_SUMMARY: list[str] = []


def pytest_terminal_summary(terminalreporter) -> None:
    if SITE_SUMMARY:
        terminalreporter.section("website")
        for line in SITE_SUMMARY:
            terminalreporter.write_line(line)


def toc_docnames(toc_path: Path | None = None) -> list[str]:
    """Every page listed in a jb-book ``_toc.yml``, in reading order (docnames, no suffix)."""
    import yaml

    toc_path = toc_path or BOOK / "_toc.yml"
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    names = [toc["root"]]

    def walk(entries) -> None:
        for entry in entries or []:
            if "file" in entry:
                names.append(str(entry["file"]))
            walk(entry.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return [n.removesuffix(".ipynb").removesuffix(".md") for n in names]


def jupyter_book_build(source: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    """Run ``jupyter-book build`` with warnings as errors; return the finished process."""
    cmd = build_command(source, out, *extra)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The book built once per run (all notebooks executed); returns the ``html`` folder.

    Set ``LOSSVIZ_SITE=/path/to/_build/html`` to test an existing build instead (development only).
    """
    reuse = os.environ.get("LOSSVIZ_SITE")
    if reuse:
        return Path(reuse)
    out = tmp_path_factory.mktemp("book")
    start = time.perf_counter()
    proc = jupyter_book_build(BOOK, out)
    elapsed = time.perf_counter() - start
    log = proc.stdout + proc.stderr
    (out / "build.log").write_text(log)
    if proc.returncode != 0:
        pytest.fail(f"jupyter-book build failed (exit {proc.returncode}):\n{log[-6000:]}")
    print(f"\nbook built in {elapsed:.1f} s into {out}")
    SITE_SUMMARY.append(f"book built (every notebook executed) in {elapsed:.1f} s into {out}")
    return out / "_build" / "html"
