"""The website's budgets and the measurements behind them, shared by the tests and the benchmark.

``tests/test_build.py``, ``tests/test_site_browser.py`` and ``benchmarks/bench_site.py`` all import
this module (the benchmark adds ``tests/`` to its path), so a budget or the build command is
defined once.

Static measurements (no browser): :func:`page_size`, :func:`site_sizes`.
Browser measurements (Debian's Chromium, network blocked, see ``browser.py``):
:func:`cold_load` (a phone's first visit with a 4x slower CPU), :func:`tab_stops_before_slider`,
:func:`print_pages`, :func:`axe_findings` (the current axe-core from npm) and
:func:`smallest_figure_scale`.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent

MB = 1e6
#: A page's own HTML plus the images it shows (static budget, no browser).
PAGE_BUDGET = 2 * MB
#: One edition of the site (the English one without ``zh/``, and ``zh/``): each edition renders its
#: own slider frames (the figures' text is in its language), so the budget is per edition.
SITE_BUDGET = 30 * MB
#: A clean build of both editions (English and Chinese), every notebook executed (issue 18).
CLEAN_BUILD_BUDGET = 240.0
REBUILD_BUDGET = 30.0
#: Everything a phone fetches on a first visit of a chapter (HTML, CSS, scripts, fonts, the
#: frames shown above the fold), until the load event.
COLD_LOAD_BUDGET = 1.5 * MB
#: DOMContentLoaded of a chapter on a phone whose CPU is 4x slower than this machine's.
DCL_BUDGET = 3.0
CPU_SLOWDOWN = 4
#: Keyboard: Tab presses from the top of a chapter to its first slider: the target, reported per
#: chapter by benchmarks/bench_site.py. The site's own chrome takes 17 stops (skip link, search, the
#: book's ten-page navigation, four header buttons); the rest is the chapter's links (glossary
#: terms, citations) before its first figure.
TAB_STOP_BUDGET = 30
#: What the gate asserts: the target itself, since every chapter meets it (21-30 stops in the seven
#: chapters when the gate was set to it; 28-49 when it was a regression guard at 60).
TAB_STOP_GATE = TAB_STOP_BUDGET
#: A chapter printed as a handout on A4.
PRINT_PAGE_BUDGET = 16
#: On a 390-px phone every figure is shown at least this fraction of the width it was drawn for
#: (a wide 800-px frame would be shown at 0.42, its labels about 5 px tall).
MIN_FIGURE_SCALE = 0.6

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
LAPTOP = {"viewport": {"width": 1280, "height": 800}}


def build_command(source: Path, out: Path, *extra: str) -> list[str]:
    """The book build as the README's commands and the test suite run it: warnings are errors.

    Both editions (``scripts/i18n_build.py``): English into ``out/_build/html``, Chinese (when the
    book has ``locale/zh_CN``) into ``out/_build/html/zh``, each through Jupyter Book's
    configuration, in parallel. ``extra``: ``--serial``, ``--edition en|zh``.
    """
    return [
        str(VENV_BIN / "python"),
        str(ROOT / "scripts" / "i18n_build.py"),
        str(source),
        "--path-output",
        str(out),
        "--warningiserror",
        "--keep-going",
        *extra,
    ]


# --- static sizes --------------------------------------------------------------------------------

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


def site_sizes(site: Path, exclude: Path | None = None) -> dict[str, int]:
    """Shared parts of the site, counted once: the theme's and the site's assets, the total
    (``exclude``: a folder inside ``site`` left out of the total, e.g. the other edition)."""
    excluded = folder_size(exclude) if exclude is not None and exclude.is_dir() else 0
    return {
        "site": folder_size(site) - excluded,
        "static": folder_size(site / "_static"),
        "sources": folder_size(site / "_sources") if (site / "_sources").is_dir() else 0,
        "images": folder_size(site / "_images") if (site / "_images").is_dir() else 0,
    }


# --- browser measurements -----------------------------------------------------------------------

SLIDER = "input[type=range]"


@dataclass
class ColdLoad:
    """A first visit (empty cache) of one page on a phone with a slower CPU."""

    bytes: int
    requests: int
    dom_content_loaded: float  # seconds from navigation start
    load: float


#: Lighthouse's BenchmarkIndex, as Chrome DevTools computes it to calibrate its CPU throttling
#: (front_end/panels/mobile_throttling/CalibrationController.ts, computeBenchmarkIndex): the mean
#: of two rates over ``ms`` milliseconds, building a 10,000-character string and copying a
#: 100,000-element array, each in iterations per second / 10. DevTools scores a mid-tier phone
#: (Pixel 5) 1,000 and a low-tier one (Moto G4 Power 2022) 264. This machine scored about 2,000 at
#: full speed and 310-480 with the CPU 4x slower (December 2026, noisy): the "slow phone" of the
#: budgets is nearer the low tier than the middle one. Its speed also drifts within a session,
#: which moves DOMContentLoaded with it, so bench_site.py prints the index beside the timings.
_BENCHMARK_INDEX_JS = """(ms) => {
  const half = ms / 2;
  const strings = () => {
    const start = Date.now();
    let n = 0;
    while (Date.now() - start < half) {
      let s = '';
      for (let j = 0; j < 10000; j++) s += 'a';
      if (s.length === 1) throw new Error('unreachable: keeps the loop from being optimised away');
      n++;
    }
    return Math.round(n / 10 / ((Date.now() - start) / 1000));
  };
  const arrays = () => {
    const a = [], b = [];
    for (let i = 0; i < 100000; i++) a[i] = b[i] = i;
    const start = Date.now();
    let n = 0;
    while (n % 10 !== 0 || Date.now() - start < half) {
      const src = n % 2 === 0 ? a : b;  // no array per iteration: this half must not allocate
      const dst = n % 2 === 0 ? b : a;
      for (let j = 0; j < src.length; j++) dst[j] = src[j];
      n++;
    }
    return Math.round(n / 10 / ((Date.now() - start) / 1000));
  };
  return (strings() + arrays()) / 2;
}"""
MID_TIER_PHONE_INDEX = 1000
LOW_TIER_PHONE_INDEX = 264


def benchmark_index(context, cpu_slowdown: float = 1, ms: int = 1000) -> float:
    """This machine's BenchmarkIndex (see ``_BENCHMARK_INDEX_JS``) in a blank page of
    ``context``, with the CPU ``cpu_slowdown`` times slower; after one warm-up run."""
    page = context.new_page()
    try:
        cdp = context.new_cdp_session(page)
        page.evaluate(_BENCHMARK_INDEX_JS, 250)  # warm-up: let V8 optimise the loops
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu_slowdown})
        return page.evaluate(_BENCHMARK_INDEX_JS, ms)
    finally:
        page.close()


def cold_load(context, url: str, cpu_slowdown: int = CPU_SLOWDOWN, then=None) -> ColdLoad:
    """Open ``url`` in a new page of ``context`` (a fresh context: nothing cached) and measure.

    The bytes are the response bodies of every request made until the load event and a short
    quiet period after it (lazy figures near the first screen included). ``then(page)``, if
    given, runs on the loaded page (CPU no longer throttled) before it is closed.
    """
    page = context.new_page()
    sizes: list[int] = []

    def finished(request) -> None:
        try:
            sizes.append(request.sizes()["responseBodySize"])
        except Exception:  # a request aborted mid-way has no sizes
            sizes.append(0)

    page.on("requestfinished", finished)
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu_slowdown})
    page.goto(url, wait_until="load", timeout=120_000)
    page.wait_for_timeout(1500)
    timing = page.evaluate(
        """() => { const t = performance.getEntriesByType('navigation')[0];
                   return [t.domContentLoadedEventEnd, t.loadEventEnd]; }"""
    )
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
    result = ColdLoad(
        bytes=sum(sizes),
        requests=len(sizes),
        dom_content_loaded=timing[0] / 1000,
        load=timing[1] / 1000,
    )
    if then is not None:
        then(page)
    page.close()
    return result


_ACTIVE_IS_SLIDER = "(sel) => !!document.activeElement && document.activeElement.matches(sel)"


def tab_stops_before_slider(page, limit: int = 400) -> int | None:
    """Tab presses from the top of the loaded ``page`` until the first slider has the focus.

    ``None`` when the page has no slider (or none is reached within ``limit`` presses).
    """
    if page.locator(SLIDER).count() == 0:
        return None
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); }")
    page.evaluate("() => window.scrollTo(0, 0)")
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate(_ACTIVE_IS_SLIDER, SLIDER):
            return presses
    return None


def print_pages(page) -> int:
    """Pages of A4 the loaded ``page`` prints to (Chromium's printToPDF, print stylesheet)."""
    lay_out_everything(page)
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=False)
    page.emulate_media(media="screen")
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


#: The current axe-core, from npm (scripts/setup.sh --test installs it, pinned).
AXE_CORE = ROOT / ".venv" / "node" / "node_modules" / "axe-core" / "axe.min.js"
AXE_VERSION = "4.14.1"
SEVERE = {"critical", "serious"}


def axe_script() -> str:
    """axe-core's source; fails loudly when it is missing or not the pinned version."""
    if not AXE_CORE.is_file():
        raise FileNotFoundError(f"{AXE_CORE} is missing: run `bash scripts/setup.sh --test`")
    text = AXE_CORE.read_text(encoding="utf-8")
    if f"axe v{AXE_VERSION}" not in text[:200]:
        raise RuntimeError(f"{AXE_CORE} is not axe-core {AXE_VERSION}: run scripts/setup.sh --test")
    return text


def axe_findings(page, script: str, rules: list[str] | None = None) -> list[dict]:
    """The critical and serious axe-core violations on ``page`` as it is now.

    Each finding: ``{"id", "impact", "help", "targets"}``. ``rules`` restricts the run.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(script)
    # preload: false stops axe from fetching the stylesheets again (it resolves the theme's
    # @import against the wrong base and would produce a spurious 404).
    options: dict = {"resultTypes": ["violations"], "preload": False}
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    violations = page.evaluate("(options) => axe.run(document, options)", options)["violations"]
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [
                " ".join(n["target"]) if isinstance(n["target"], list) else str(n["target"])
                for n in v["nodes"]
            ],
        }
        for v in violations
        if v["impact"] in SEVERE
    ]


# The intrinsic width of a figure is the width in CSS pixels it was drawn for: the width attribute
# of the <source> the browser picked (the first whose media query matches), else of the <img>.
# Not naturalWidth: a frame drawn at 2x without a density descriptor has twice as many pixels.
_FIGURE_SCALE_JS = """() => {
  const designed = (img) => {
    const picture = img.parentElement.tagName === 'PICTURE' ? img.parentElement : null;
    const chosen = picture && [...picture.querySelectorAll('source')]
      .find(s => !s.media || matchMedia(s.media).matches);
    const width = (chosen || img).getAttribute('width') || img.getAttribute('width');
    return width ? Number(width) : img.naturalWidth;
  };
  const scales = [];
  for (const img of document.querySelectorAll('article img')) {
    if (!img.naturalWidth || !img.getClientRects().length) continue;
    if (!img.closest('figure, .cell_output')) continue;
    scales.push(img.getBoundingClientRect().width / designed(img));
  }
  return scales.length ? Math.min(...scales) : null;
}"""


def smallest_figure_scale(page) -> float | None:
    """Smallest ratio shown width / intrinsic width over the figures of the loaded ``page``
    (images that load lazily are loaded first)."""
    page.evaluate(
        """() => Promise.all([...document.querySelectorAll('article img')].map(img => {
             img.loading = 'eager'; return img.decode().catch(() => null); }))"""
    )
    return page.evaluate(_FIGURE_SCALE_JS)


def lay_out_everything(page) -> None:
    """Lay out everything now: the site's CSS lets the browser skip chapter sections and practice
    cards far below the screen (``content-visibility: auto``), which measurements of the whole
    page must not."""
    page.add_style_tag(content="* { content-visibility: visible !important; }")
