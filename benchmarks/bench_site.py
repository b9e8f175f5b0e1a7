"""Measure the website against its budgets (issue 9) and print the numbers.

    .venv/bin/python benchmarks/bench_site.py             # clean build + no-change rebuild + sizes
    .venv/bin/python benchmarks/bench_site.py --site DIR  # sizes of an existing _build/html only

Budgets:
- each page's own HTML with its embedded figures (data: URIs inside the page, plus the images it
  loads from ``_images/``) <= 2 MB; the theme's shared assets and MathJax are counted once, for
  the site, not per page;
- the whole ``_build/html`` <= 30 MB;
- a clean build of the whole book, every notebook executed, <= 180 s on the 2-core machine;
- a rebuild with nothing changed <= 30 s.

Exit status 1 when a budget is exceeded. The size functions are also used by tests/test_build.py,
which asserts the size budgets on the build of the test run.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent

MB = 1e6
PAGE_BUDGET = 2 * MB
SITE_BUDGET = 30 * MB
CLEAN_BUILD_BUDGET = 180.0
REBUILD_BUDGET = 30.0
#: Not a budget of the issue: a guard that the MathJax subset stays a subset (the package: 21 MB).
MATHJAX_BUDGET = 2.5 * MB

_LOCAL_IMG = re.compile(r"""<img[^>]*?\ssrc=["'](?!data:|https?:|//)([^"'#?]+)""")
# Embedded binary data: data: URIs and the base64 frames of the static sliders (long runs).
_BASE64 = re.compile(r"[A-Za-z0-9+/=]{1000,}")


@dataclass(frozen=True)
class PageSize:
    """One page's own weight: its HTML (data: URIs included) and the local images it loads."""

    name: str
    html: int
    embedded: int  # bytes of base64 data (figures, slider frames) in the HTML, part of ``html``
    images: int  # bytes of the page's own images under _images/ (not shared assets)

    @property
    def total(self) -> int:
        return self.html + self.images


def pages(site: Path) -> list[Path]:
    """The HTML pages of a built site (not the theme's or Sphinx's assets)."""
    return sorted(
        p
        for p in site.rglob("*.html")
        if not ({"_static", "_sources", "_images"} & set(p.relative_to(site).parts))
    )


def page_size(site: Path, page: Path) -> PageSize:
    text = page.read_text(encoding="utf-8", errors="replace")
    images = 0
    for src in set(_LOCAL_IMG.findall(text)):
        target = (page.parent / src).resolve()
        if "_static" not in target.relative_to(site.resolve()).parts and target.is_file():
            images += target.stat().st_size
    return PageSize(
        name=str(page.relative_to(site).with_suffix("")),
        html=page.stat().st_size,
        embedded=sum(len(m) for m in _BASE64.findall(text)),
        images=images,
    )


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def site_sizes(site: Path) -> dict[str, int]:
    """Shared parts of the site, counted once: MathJax, the theme's other assets, the total."""
    static = site / "_static"
    mathjax = folder_size(static / "mathjax") if (static / "mathjax").is_dir() else 0
    return {
        "site": folder_size(site),
        "mathjax": mathjax,
        "static_without_mathjax": folder_size(static) - mathjax,
        "sources": folder_size(site / "_sources") if (site / "_sources").is_dir() else 0,
        "images": folder_size(site / "_images") if (site / "_images").is_dir() else 0,
    }


def build_command(source: Path, out: Path, *extra: str) -> list[str]:
    """The book build as the README's commands and the test suite run it: warnings are errors."""
    return [
        str(VENV_BIN / "jupyter-book"),
        "build",
        str(source),
        "--path-output",
        str(out),
        "--warningiserror",
        "--keep-going",
        *extra,
    ]


def build(source: Path, out: Path) -> float:
    """Build the book into ``out``; return the wall time in seconds."""
    start = time.perf_counter()
    proc = subprocess.run(build_command(source, out), capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"build failed:\n{(proc.stdout + proc.stderr)[-4000:]}")
    return elapsed


def report_sizes(site: Path) -> list[str]:
    """Print the size table; return the budgets exceeded."""
    over = []
    print(f"\nsite: {site}")
    print(f"{'page':<34}{'HTML':>10}{'of it base64':>14}{'images':>10}{'total':>10}")
    for page in pages(site):
        size = page_size(site, page)
        flag = "" if size.total <= PAGE_BUDGET else "  OVER BUDGET"
        print(
            f"{size.name:<34}{size.html / MB:>9.3f}M{size.embedded / MB:>13.3f}M"
            f"{size.images / MB:>9.3f}M{size.total / MB:>9.3f}M{flag}"
        )
        if flag:
            over.append(f"page {size.name}: {size.total / MB:.2f} MB > {PAGE_BUDGET / MB:.0f} MB")
    sizes = site_sizes(site)
    print(
        f"\nshared, counted once: MathJax subset {sizes['mathjax'] / MB:.2f} MB, other theme/"
        f"Sphinx assets {sizes['static_without_mathjax'] / MB:.2f} MB, notebooks for download "
        f"{sizes['sources'] / MB:.2f} MB, _images {sizes['images'] / MB:.2f} MB"
    )
    print(f"whole site: {sizes['site'] / MB:.2f} MB (budget {SITE_BUDGET / MB:.0f} MB)")
    if sizes["site"] > SITE_BUDGET:
        over.append(f"site: {sizes['site'] / MB:.2f} MB > {SITE_BUDGET / MB:.0f} MB")
    if sizes["mathjax"] > MATHJAX_BUDGET:
        over.append(f"MathJax subset: {sizes['mathjax'] / MB:.2f} MB > {MATHJAX_BUDGET / MB} MB")
    return over


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="measure an existing _build/html, no builds")
    parser.add_argument("--book", type=Path, default=ROOT, help="the book's source folder")
    args = parser.parse_args()
    over: list[str] = []
    if args.site:
        over += report_sizes(args.site)
    else:
        with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
            out = Path(tmp)
            clean = build(args.book, out)
            rebuild = build(args.book, out)
            print(f"clean build (every notebook executed): {clean:6.1f} s (budget 180 s)")
            print(f"rebuild with nothing changed:          {rebuild:6.1f} s (budget 30 s)")
            if clean > CLEAN_BUILD_BUDGET:
                over.append(f"clean build {clean:.1f} s > {CLEAN_BUILD_BUDGET:.0f} s")
            if rebuild > REBUILD_BUDGET:
                over.append(f"rebuild {rebuild:.1f} s > {REBUILD_BUDGET:.0f} s")
            over += report_sizes(out / "_build" / "html")
    print("\nbudgets: " + ("all met" if not over else "EXCEEDED: " + "; ".join(over)))
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
