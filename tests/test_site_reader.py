"""The built site as a reader meets it: on a phone, from disk, through the search box.

Debian's Chromium with the network blocked (``browser.py``), on the book built once per run:

- a phone's first visit (390x844, DPR 2, empty cache) of every page fetches at most 1.5 MB;
- the sidebar buttons (site navigation, "on this page") open their drawers on a phone and a tablet;
- no page is wider than the phone (wide tables and formulas scroll inside the page);
- on a phone every figure of both editions is shown at >= 0.6 of the width it was drawn for
  (figures with panels side by side have a stacked phone layout);
- Chinese queries find the chapter that answers them, with excerpts free of TeX, served over HTTP
  and opened from ``file://``;
- phone screenshots of every page, light and dark, in ``test-artifacts/screenshots/``.

Timing (DOMContentLoaded with a 4x slower CPU) is measured by ``benchmarks/bench_site.py``, not
asserted here: it depends on the machine.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
import site_metrics
from browser import fresh_context
from conftest import EDITIONS, ROOT, RUN_SUMMARY, toc_docnames

pytestmark = pytest.mark.slow

PAGES = toc_docnames()
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


_OVERFLOW_JS = "() => document.scrollingElement.scrollWidth - window.innerWidth"


def test_phone_cold_load_fit_and_screenshots_of_every_page(site_browser):
    """A phone's first visit of each page (empty cache): what it fetches until loaded and quiet;
    then, on the same page, that it does not scroll sideways; screenshots in both themes."""
    base, context, log = site_browser
    log.clear()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    rows, over, wide, shots = [], [], [], []

    def fit_and_screenshots(page, name: str) -> None:
        site_metrics.lay_out_everything(page)
        overflow = page.evaluate(_OVERFLOW_JS)
        if overflow > 1:
            wide.append(f"{name}: {overflow} px wider than the phone")
        for mode in ("light", "dark"):
            page.evaluate(
                """(mode) => { document.documentElement.dataset.mode = mode;
                              document.documentElement.dataset.theme = mode; }""",
                mode,
            )
            page.wait_for_timeout(200)
            shot = SCREENSHOTS / f"{name.replace('/', '__')}.phone.{mode}.png"
            page.screenshot(path=shot)
            shots.append(shot)

    for name in PAGES:
        phone = fresh_context(context, log, **site_metrics.PHONE)
        load = site_metrics.cold_load(
            phone,
            f"{base}{name}.html",
            cpu_slowdown=1,
            then=lambda page, name=name: fit_and_screenshots(page, name),
        )
        phone.close()
        rows.append(f"{name} {load.bytes / 1e6:.2f} MB/{load.requests}")
        if load.bytes > site_metrics.COLD_LOAD_BUDGET:
            over.append(f"{name}: {load.bytes / 1e6:.2f} MB in {load.requests} requests")
    line = "phone cold load (MB/requests): " + ", ".join(rows)
    RUN_SUMMARY.append(line)
    print("\n" + line)
    assert log.blocked == [] and log.failed == [], (log.blocked, log.failed)
    assert over == [], f"over {site_metrics.COLD_LOAD_BUDGET / 1e6} MB: {over}"
    assert wide == []
    assert all(s.stat().st_size > 5_000 for s in shots)


def test_every_figure_is_legible_on_a_phone(site_browser):
    """On a 390-px phone each figure of each page of both editions is shown at >= 0.6 of the
    width it was drawn for (its labels at >= 0.6 of their size); every chapter has figures."""
    base, context, log = site_browser
    log.clear()
    phone = fresh_context(context, log, **site_metrics.PHONE)
    page = phone.new_page()
    scales, small = {}, []
    for name in [f"{edition}{name}" for edition in EDITIONS for name in PAGES]:
        page.goto(f"{base}{name}.html", wait_until="load")
        site_metrics.lay_out_everything(page)
        scales[name] = site_metrics.smallest_figure_scale(page)
        if scales[name] is not None and scales[name] < site_metrics.MIN_FIGURE_SCALE:
            small.append(f"{name}: a figure shown at {scales[name]:.2f} of its size")
    phone.close()
    chapters = [n for n in scales if n.split("/")[-2:-1] == ["chapters"]]
    assert chapters and all(scales[n] is not None for n in chapters), scales
    line = "smallest figure scale on a phone: " + ", ".join(
        f"{n} {s:.2f}" for n, s in scales.items() if s is not None
    )
    RUN_SUMMARY.append(line)
    print("\n" + line)
    assert log.blocked == [] and log.failed == [], (log.blocked, log.failed)
    assert small == [], f"under {site_metrics.MIN_FIGURE_SCALE}: {small}"


@pytest.mark.budget
def test_chapters_are_usable_within_3_s_on_a_slow_phone(site_browser):
    """Wall clock, so not in the default run (``pytest -m budget``): DOMContentLoaded of each
    chapter on a phone with a 4x slower CPU, cold cache (benchmarks/bench_site.py prints it)."""
    base, context, log = site_browser
    slow = {}
    for name in [n for n in PAGES if n.startswith("chapters/")]:
        phone = fresh_context(context, log, **site_metrics.PHONE)
        load = site_metrics.cold_load(phone, f"{base}{name}.html")
        phone.close()
        if load.dom_content_loaded > site_metrics.DCL_BUDGET:
            slow[name] = round(load.dom_content_loaded, 2)
    assert slow == {}, f"DOMContentLoaded over {site_metrics.DCL_BUDGET} s: {slow}"


_DIALOG_OPEN_JS = "(id) => { const d = document.getElementById(id); return !!(d && d.open); }"


@pytest.mark.parametrize("width", [390, 900])
def test_sidebar_buttons_open_their_drawers(site_browser, width):
    """Tapping the visible ☰ and "on this page" buttons opens the navigation drawers."""
    base, context, log = site_browser
    log.clear()
    name = next(n for n in PAGES if n.startswith("chapters/"))
    options = {**site_metrics.PHONE, "viewport": {"width": width, "height": 844}}
    device = fresh_context(context, log, **options)
    try:
        page = device.new_page()
        page.goto(f"{base}{name}.html", wait_until="load")
        for toggle, dialog in (
            (".primary-toggle", "pst-primary-sidebar-modal"),
            (".secondary-toggle", "pst-secondary-sidebar-modal"),
        ):
            visible = [b for b in page.query_selector_all(toggle) if b.is_visible()]
            assert visible, f"no visible {toggle} button at {width} px"
            visible[0].tap()
            page.wait_for_function(_DIALOG_OPEN_JS, arg=dialog, timeout=5000)
            links = page.locator(f"#{dialog} a[href]")
            assert links.count() > 0, f"the {dialog} drawer opened empty"
            page.keyboard.press("Escape")
            page.wait_for_function(f"(id) => !({_DIALOG_OPEN_JS})(id)", arg=dialog, timeout=5000)
    finally:
        device.close()
    assert log.blocked == [] and log.failed == []


# --- search ------------------------------------------------------------------------------------

#: A query and the chapter that answers it (it must be among the hits).
QUERIES = [
    ("正则化", "chapters/logistic_regression"),
    ("逻辑回归", "chapters/logistic_regression"),
    ("梯度", "chapters/smooth_l1"),
    ("交叉熵", "chapters/cross_entropy"),
    ("cross-entropy", "chapters/cross_entropy"),
]
_RESULTS_JS = """() => [...document.querySelectorAll('#search-results li')].map(li => ({
  href: li.querySelector('a').getAttribute('href'),
  excerpt: (li.querySelector('p.context') || {}).textContent || null,
}))"""
_FINISHED_JS = """() => { const s = document.querySelector('#search-results .search-summary')
                           || document.querySelector('#search-results p');
                         return !!s && /finished|did not match/i.test(s.textContent); }"""
# TeX that must not show in an excerpt: a macro, or math delimiters.
_TEX = re.compile(r"\\[A-Za-z]+|\\\(|\\\[|\$\$")


def _search(page, url: str) -> list[dict]:
    page.goto(url, wait_until="load")
    page.wait_for_function(_FINISHED_JS, timeout=20_000)
    results = page.evaluate(_RESULTS_JS)
    if results:  # excerpts are filled in asynchronously, one per hit
        page.wait_for_function(
            "(n) => document.querySelectorAll('#search-results li p.context').length >= n",
            arg=len(results),
            timeout=10_000,
        )
        results = page.evaluate(_RESULTS_JS)
    return results


@pytest.mark.parametrize(("query", "chapter"), QUERIES)
def test_search_finds_the_chapter(site_browser, query, chapter):
    base, context, log = site_browser
    log.clear()
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        results = _search(page, f"{base}search.html?q={quote(query)}")
    finally:
        page.close()
    hits = [r["href"].split("#")[0].removesuffix(".html") for r in results]
    assert chapter in hits, f"{query!r} found {hits}"
    with_tex = [r["excerpt"] for r in results if _TEX.search(r["excerpt"] or "")]
    assert with_tex == [], f"excerpts with raw TeX: {with_tex}"
    assert errors == [] and log.blocked == [] and log.failed == []


def test_search_from_disk_shows_excerpts(built_site, site_browser):
    """Opened as a file (file://), the search page still shows an excerpt for every hit."""
    _base, context, _log = site_browser
    page = context.new_page()
    try:
        results = _search(page, (built_site / "search.html").as_uri() + "?q=" + quote("梯度"))
    finally:
        page.close()
    assert results, "no hit from file://"
    assert all(r["excerpt"] and r["excerpt"].strip() for r in results), results
