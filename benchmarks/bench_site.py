"""Measure the website against its budgets and print the numbers.

    .venv/bin/python benchmarks/bench_site.py             # clean build + rebuild + all tables
    .venv/bin/python benchmarks/bench_site.py --site DIR  # an existing _build/html, no build
        --no-browser      sizes only        --page chapters/x   browser table for one page
        --json FILE       the browser table as JSON too

Budgets (defined in tests/site_metrics.py, asserted by the tests on the build of the test run):
- each page's own HTML with its embedded figures plus the images it loads from ``_images/``
  <= 2 MB; the theme's shared assets are counted once, for the site;
- the whole ``_build/html`` <= 30 MB;
- a clean build of both editions, every notebook executed, <= 240 s on the 2-core machine;
- a rebuild with nothing changed <= 30 s;
- per page, in Debian's Chromium with the network blocked: a phone's cold load (390x844, DPR 2,
  empty cache, CPU 4x slower: CDP ``Emulation.setCPUThrottlingRate``) <= 1.5 MB with
  DOMContentLoaded <= 3 s; <= 30 Tab stops before a chapter's first slider; a chapter prints on
  <= 16 A4 pages; no serious or critical finding of the current axe-core (light and dark theme).
  Also shown, without a budget here: requests, the load event, the smallest figure scale on the
  phone and the time from a key press on the first slider to its new frame (4x slower CPU);
  for chapters on the laptop (issue 15, asserted by tests/test_site_chapters.py): visible code as
  a share of the page's height, the page's height in screens, clipped code blocks, ✓ lines shown
  against claims checked. And this machine's BenchmarkIndex, at full speed and slowed, before and
  after the browser table: the timings move with it (``site_metrics.benchmark_index``).

Exit status 1 when a budget is exceeded.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

# The budgets, size functions and browser measurements live with the tests, which assert them.
from site_metrics import (  # noqa: E402
    CLEAN_BUILD_BUDGET,
    COLD_LOAD_BUDGET,
    CPU_SLOWDOWN,
    DCL_BUDGET,
    LAPTOP,
    MB,
    PAGE_BUDGET,
    PHONE,
    PRINT_PAGE_BUDGET,
    REBUILD_BUDGET,
    SITE_BUDGET,
    TAB_STOP_BUDGET,
    axe_findings,
    axe_script,
    benchmark_index,
    build_command,
    cold_load,
    lay_out_everything,
    page_size,
    pages,
    print_pages,
    site_sizes,
    smallest_figure_scale,
    tab_stops_before_slider,
)
from test_site_browser import CHAPTER_JS  # noqa: E402
from test_site_chapters import claim_count  # noqa: E402


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
    # The budget is per edition (each has its own frames): the Chinese one lives in zh/.
    chinese = site / "zh"
    editions = {"en": site_sizes(site, exclude=chinese)}
    if chinese.is_dir():
        editions["zh"] = site_sizes(chinese)
    for edition, sizes in editions.items():
        print(
            f"\n{edition}: theme, Sphinx and site assets {sizes['static'] / MB:.2f} MB (the "
            f"formulas' glyphs are in the pages), notebooks for download "
            f"{sizes['sources'] / MB:.2f} MB, _images {sizes['images'] / MB:.2f} MB; whole "
            f"edition {sizes['site'] / MB:.2f} MB (budget {SITE_BUDGET / MB:.0f} MB)"
        )
        if sizes["site"] > SITE_BUDGET:
            over.append(f"site {edition}: {sizes['site'] / MB:.2f} MB > {SITE_BUDGET / MB:.0f} MB")
    return over


def first_slider_response(page) -> float | None:
    """Milliseconds from a key press on the first slider to its new frame being in the page."""
    slider = page.locator("input[type=range]").first
    if page.locator("input[type=range]").count() == 0:
        return None
    slider.scroll_into_view_if_needed()
    page.evaluate(
        """() => {
          const input = document.querySelector('input[type=range]');
          const fig = input.closest('figure') || input.parentElement;
          window.__sliderResponse = new Promise(resolve => {
            let pressed = 0;
            input.addEventListener('keydown', e => { pressed = e.timeStamp; }, {once: true});
            new MutationObserver((_, obs) => { obs.disconnect();
              requestAnimationFrame(() => resolve(performance.now() - pressed)); })
              .observe(fig, {subtree: true, attributes: true, attributeFilter: ['src']});
          });
        }"""
    )
    slider.focus()
    key = "ArrowLeft" if slider.input_value() == slider.get_attribute("max") else "ArrowRight"
    page.keyboard.press(key)
    return page.evaluate(
        "() => Promise.race([window.__sliderResponse, "
        "new Promise(r => setTimeout(() => r(null), 20000))])"
    )


def host_speed(context) -> dict[str, float]:
    """This machine's BenchmarkIndex at full speed and with the CPU slowed as for the phone."""
    return {
        "index": benchmark_index(context),
        "index_slowed": benchmark_index(context, CPU_SLOWDOWN),
    }


def measure_browser(site: Path, names: list[str]) -> dict[str, dict]:
    """Per page: a phone's cold load with a slower CPU, figure scale, first slider response,
    Tab stops (laptop), A4 print pages and serious/critical axe-core findings (light, dark).
    The host's speed before and after (``host_speed``) is under the key ``"host"``."""
    from browser import chromium, fresh_context, serve_directory

    script = axe_script()
    rows: dict[str, dict] = {}
    with serve_directory(site) as base, chromium(**LAPTOP) as (context, log):
        before = host_speed(context)
        for name in names:
            url = f"{base}{name}.html"
            row: dict = {}
            phone = fresh_context(context, log, **PHONE)
            load = cold_load(phone, url)
            row.update(
                bytes=load.bytes,
                requests=load.requests,
                dcl=load.dom_content_loaded,
                load=load.load,
            )
            page = phone.new_page()
            cdp = phone.new_cdp_session(page)
            page.goto(url, wait_until="load")
            row["figure_scale"] = smallest_figure_scale(page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
            row["slider_ms"] = first_slider_response(page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
            phone.close()

            laptop = fresh_context(context, log, **LAPTOP)
            page = laptop.new_page()
            page.goto(url, wait_until="load")
            row["tab_stops"] = tab_stops_before_slider(page)
            row["print_pages"] = print_pages(page)
            if name.removeprefix("zh/").startswith("chapters/"):
                lay_out_everything(page)
                chapter = page.evaluate(CHAPTER_JS)
                row["code_share"] = chapter["code"] / chapter["height"]
                row["screens"] = chapter["height"] / chapter["viewport"]
                row["clipped"] = len(chapter["clipped"])
                row["claims_shown"] = chapter["claims"]
                row["claims_checked"] = claim_count(chapter["last_output"])
            for mode in ("light", "dark"):
                page.evaluate(
                    """(mode) => { document.documentElement.dataset.mode = mode;
                                  document.documentElement.dataset.theme = mode; }""",
                    mode,
                )
                # Long enough for the theme's colours to settle: after 300 ms axe once found
                # the language link's contrast too low in dark mode, and not after 1500 ms.
                page.wait_for_timeout(1500)
                found = axe_findings(page, script)
                row[f"axe_{mode}"] = sum(len(f["targets"]) for f in found)
                row[f"axe_{mode}_rules"] = sorted({f["id"] for f in found})
            laptop.close()
            rows[name] = row
            print(f"  measured {name}: {row}", file=sys.stderr)
        rows["host"] = {"before": before, "after": host_speed(context)}
    return rows


def report_browser(rows: dict[str, dict]) -> list[str]:
    """Print the browser table; return the budgets exceeded."""
    over = []
    rows = dict(rows)
    host = rows.pop("host")
    speeds = ", ".join(
        f"{when} {s['index']:.0f} / {s['index_slowed']:.0f}" for when, s in host.items()
    )
    print(
        f"\nphone 390x844 DPR 2, cold cache, CPU {CPU_SLOWDOWN}x slower; Tab stops and print on a "
        "1280x800 laptop; axe-core findings = serious+critical nodes\n"
        f"this machine's BenchmarkIndex, full speed / CPU {CPU_SLOWDOWN}x slower: {speeds} "
        "(DevTools' mid-tier phone 1000, low-tier 264: tests/site_metrics.py)"
    )
    head = (
        f"{'page':<30}{'cold MB':>8}{'req':>5}{'DCL s':>7}{'load s':>7}{'fig':>6}"
        f"{'key ms':>8}{'tabs':>6}{'A4':>4}{'axe L':>6}{'axe D':>6}"
    )
    print(head)

    def fmt(v, spec):
        return format(v, spec) if v is not None else format("-", spec.split(".")[0] + "s")

    for name, r in rows.items():
        print(
            f"{name:<30}{r['bytes'] / MB:>8.2f}{r['requests']:>5}{r['dcl']:>7.2f}{r['load']:>7.2f}"
            f"{fmt(r['figure_scale'], '>6.2f')}{fmt(r['slider_ms'], '>8.0f')}"
            f"{fmt(r['tab_stops'], '>6')}{r['print_pages']:>4}{r['axe_light']:>6}{r['axe_dark']:>6}"
        )
        if "code_share" in r:
            print(
                f"{'':<30}laptop: code {r['code_share']:.1%} of {r['screens']:.1f} screens, "
                f"{r['clipped']} clipped code blocks, {r['claims_shown']} ✓ lines of "
                f"{r['claims_checked']} claims checked"
            )
        rules = sorted(set(r["axe_light_rules"]) | set(r["axe_dark_rules"]))
        if rules:
            print(f"{'':<30}axe rules: {', '.join(rules)}")
        checks = [
            (r["bytes"] > COLD_LOAD_BUDGET, f"cold load {r['bytes'] / MB:.2f} MB"),
            (r["dcl"] > DCL_BUDGET, f"DOMContentLoaded {r['dcl']:.2f} s"),
            (r["tab_stops"] is not None and r["tab_stops"] > TAB_STOP_BUDGET, "Tab stops"),
            (name.startswith("chapters/") and r["print_pages"] > PRINT_PAGE_BUDGET, "print"),
            (r["axe_light"] + r["axe_dark"] > 0, "axe findings"),
        ]
        over += [f"{name}: {what}" for bad, what in checks if bad]
    return over


def site_pages(site: Path) -> list[str]:
    """Page names (``chapters/x``) of a built site, without each edition's index redirect."""
    return [
        str(p.relative_to(site).with_suffix(""))
        for p in pages(site)
        if p.name != "index.html" or p.parent not in (site, site / "zh")
    ]


def measure(site: Path, browser: bool, only: list[str] | None, json_out: Path | None) -> list[str]:
    over = report_sizes(site)
    if browser:
        names = only or site_pages(site)
        rows = measure_browser(site, names)
        over += report_browser(rows)
        if json_out:
            json_out.write_text(json.dumps(rows, indent=1))
    return over


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="measure an existing _build/html, no builds")
    parser.add_argument("--book", type=Path, default=ROOT, help="the book's source folder")
    parser.add_argument(
        "--no-browser", action="store_true", help="sizes only: no phone/keyboard/print/axe table"
    )
    parser.add_argument("--page", action="append", help="browser table for this page only")
    parser.add_argument("--json", type=Path, help="also write the browser table as JSON here")
    args = parser.parse_args()
    browser = not args.no_browser
    over: list[str] = []
    if args.site:
        over += measure(args.site, browser, args.page, args.json)
    else:
        with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
            out = Path(tmp)
            clean = build(args.book, out)
            rebuild = build(args.book, out)
            print(
                f"clean build, both editions, every notebook executed: {clean:6.1f} s "
                f"(budget {CLEAN_BUILD_BUDGET:.0f} s)"
            )
            print(
                f"rebuild with nothing changed:                         {rebuild:6.1f} s "
                f"(budget {REBUILD_BUDGET:.0f} s)"
            )
            if clean > CLEAN_BUILD_BUDGET:
                over.append(f"clean build {clean:.1f} s > {CLEAN_BUILD_BUDGET:.0f} s")
            if rebuild > REBUILD_BUDGET:
                over.append(f"rebuild {rebuild:.1f} s > {REBUILD_BUDGET:.0f} s")
            over += measure(out / "_build" / "html", browser, args.page, args.json)
    print("\nbudgets: " + ("all met" if not over else "EXCEEDED: " + "; ".join(over)))
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
