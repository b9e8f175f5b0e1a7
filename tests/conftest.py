"""Shared fixtures: the repository root, one build of the book per test run and one browser
visit of each of its pages.

The build: ``built_site`` builds the book once per run (in a fresh folder, so every notebook is
executed), or waits for the build that scripts/test.sh started in the background (``$LOSSVIZ_BUILD``,
see ``build_site.py``), or reuses an existing one (``$LOSSVIZ_SITE``, development only). The tests
that need it run after all the others (``pytest_collection_modifyitems``), so a background build
overlaps with ruff, the unit tests and the JupyterLab test.

Editions: the English site is the build's ``html/``; a Chinese edition, when the book has one, is
``html/zh/``. ``EDITIONS`` lists the page prefixes ("" and "zh/") the site tests iterate over.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest
from _pytest.nodeid import NodeId
from build_site import LOG, RC, SECONDS
from site_metrics import build_command

ROOT = Path(__file__).resolve().parents[1]
#: The book that ``built_site`` builds and ``toc_docnames`` reads: this repository, or (development
#: only) another copy of the book named by ``LOSSVIZ_BOOK``.
BOOK = Path(os.environ.get("LOSSVIZ_BOOK", ROOT))


#: Page prefixes of the editions: the English site at the root; the Chinese one in zh/ when the book
#: has a Chinese catalogue (``locale/zh_CN``); the build must then produce it (test_build.py checks).
EDITIONS = [""] + (["zh/"] if any((BOOK / "locale").glob("zh*")) else [])

#: How long ``built_site`` waits for the background build before it gives up.
BUILD_WAIT = 1500


#: Test groups of a parallel run (``scripts/test.sh``: ``pytest -n 3 --dist loadgroup``). Each group
#: runs on one worker, in the order below; the tests in no group are shared out one by one.
#: "lab": the JupyterLab test (one JupyterLab server, every chapter live). "site-visit": the tests
#: that read ``site_visit`` (one browser visit of every page). "site": the other tests of the built
#: site (the phone, the practice page, the build's own checks).
LAB, SITE_VISIT, SITE = "lab", "site-visit", "site"


def run_group(item) -> str | None:
    """The group an item belongs to (``None``: no group)."""
    fixtures = getattr(item, "fixturenames", ())
    if "site_visit" in fixtures:
        return SITE_VISIT
    if "built_site" in fixtures:
        return SITE
    if item.nodeid.split("::")[0].endswith("test_jupyterlab.py"):
        return LAB
    return None


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the xdist_group marks
def pytest_collection_modifyitems(session, config, items) -> None:
    """Order: the JupyterLab test first, then the tests that need no site, then the site tests.

    The book builds in the background meanwhile (scripts/test.sh), and the site tests wait for it.
    In a parallel run each group goes whole to one worker (an ``xdist_group`` mark), in this
    order: the JupyterLab test starts at once on one worker, the other workers share the unit tests
    and then take one site group each, as soon as the build is done; three workers keep two cores
    busy through the run (the site groups each use about 1.3 cores, a JupyterLab chapter less).
    """
    rank = {LAB: 0, None: 1, SITE_VISIT: 2, SITE: 3}
    groups = {item.nodeid: run_group(item) for item in items}
    items.sort(key=lambda item: rank[groups[item.nodeid]])  # stable: file order within a rank
    if os.environ.get("PYTEST_XDIST_WORKER") and config.getvalue("loadgroup"):
        for item in items:
            if groups[item.nodeid] is not None:
                _join_group(item, groups[item.nodeid])


def _join_group(item, group: str) -> None:
    """Put ``item`` in ``group`` for pytest-xdist's ``--dist loadgroup``, as an ``xdist_group``
    mark would: its scheduler sends the tests whose node id ends in the same "@group" to one worker.

    pytest-xdist 3.8 writes that suffix to ``item._nodeid``, which pytest 9 no longer reads (the id
    is ``item._id``, a ``NodeId``): its marks group nothing here, so the suffix is set directly
    (tests/test_parallel_run.py checks that the groups hold).
    """
    item._id = NodeId.parse(f"{item.nodeid}@{group}")


#: Lines for the closing summary of the run (build time, visit times, JupyterLab latencies, ...):
#: tests append to it, and ``pytest_terminal_summary`` prints it even when output capture hides
#: their prints. In a parallel run each worker sends its lines to the main process at its end.
RUN_SUMMARY: list[str] = []


def pytest_sessionfinish(session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)  # set on a pytest-xdist worker
    if workeroutput is not None:
        workeroutput["lossviz_summary"] = list(RUN_SUMMARY)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    """(pytest-xdist, main process) a worker ended: keep its summary lines."""
    RUN_SUMMARY.extend(getattr(node, "workeroutput", {}).get("lossviz_summary", []))


def pytest_terminal_summary(terminalreporter) -> None:
    if RUN_SUMMARY:
        terminalreporter.section("measurements")
        for line in dict.fromkeys(RUN_SUMMARY):  # once each (every site worker reports the build)
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


#: The build's exit status and log, for ``test_build.py::test_the_book_builds_cleanly``.
BUILD_STATUS: dict = {}


def _built(out: Path, log: str, returncode: int, seconds: float, how: str) -> Path:
    """The built site. A build that failed but wrote every page (e.g. one broken reference, a
    warning turned error) is still tested, so one run reports everything; its failure is the failed
    test ``test_the_book_builds_cleanly`` (and scripts/test.sh's exit status). A build that wrote
    no site fails every test that needs it, with the end of its log."""
    BUILD_STATUS.update(returncode=returncode, log=log, out=out)
    site = out / "_build" / "html"
    if returncode != 0 and not all((site / f"{n}.html").is_file() for n in toc_docnames()):
        pytest.fail(f"jupyter-book build failed (exit {returncode}):\n{log[-6000:]}")
    print(f"\nbook built in {seconds:.1f} s into {out} ({how})")
    RUN_SUMMARY.append(
        f"book built (every notebook executed) in {seconds:.1f} s into {out} ({how})"
        + ("" if returncode == 0 else f"; the build FAILED (exit {returncode})")
    )
    return site


def wait_for_background_build(out: Path, timeout: float = BUILD_WAIT) -> Path:
    """Wait for the build ``tests/build_site.py`` runs into ``out``; its site, or fail with its log."""
    start = time.perf_counter()
    while not (out / RC).is_file():
        if time.perf_counter() - start > timeout:
            log = (out / LOG).read_text(errors="replace") if (out / LOG).is_file() else ""
            pytest.fail(
                f"the background book build in {out} did not finish in {timeout} s:\n{log[-6000:]}"
            )
        time.sleep(1)
    seconds = float((out / SECONDS).read_text())
    log = (out / LOG).read_text(errors="replace")
    return _built(out, log, int((out / RC).read_text()), seconds, "in the background")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The book built once per run (all notebooks executed); returns the ``html`` folder.

    ``LOSSVIZ_BUILD=OUT``: the build scripts/test.sh started in the background into ``OUT``.
    ``LOSSVIZ_SITE=/path/to/_build/html``: an existing build (development only).
    """
    reuse = os.environ.get("LOSSVIZ_SITE")
    if reuse:
        return Path(reuse)
    background = os.environ.get("LOSSVIZ_BUILD")
    if background:
        return wait_for_background_build(Path(background))
    out = tmp_path_factory.mktemp("book")
    start = time.perf_counter()
    proc = jupyter_book_build(BOOK, out)
    elapsed = time.perf_counter() - start
    log = proc.stdout + proc.stderr
    (out / LOG).write_text(log)
    return _built(out, log, proc.returncode, elapsed, "in the test run")


@pytest.fixture(scope="session")
def site_visit(built_site, site_browser):
    """Every page of every edition, visited once in Chromium (``test_site_browser.visit_pages``)
    at the laptop size; the browser and page checks and the chapter rules read these visits."""
    from test_site_browser import SCREENSHOTS, visit_pages

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # Only this visit's own (earlier) files, "<page>.<mode>.png": the phone's and the practice
    # page's screenshots beside them may be written meanwhile by another worker of a parallel run.
    for old in SCREENSHOTS.glob("*.png"):
        if old.name.count(".") == 2:
            old.unlink()
    names = [f"{edition}{name}" for edition in EDITIONS for name in site_pages()]
    start = time.perf_counter()
    visits = visit_pages(built_site, names, SCREENSHOTS, browser=site_browser[1:])
    elapsed = time.perf_counter() - start
    steps: dict[str, float] = {}
    for visit in visits.values():
        for step, seconds in visit.steps.items():
            steps[step] = steps.get(step, 0.0) + seconds
    RUN_SUMMARY.append(
        f"browser: {len(visits)} pages visited in {elapsed:.1f} s ("
        + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in steps.items())
        + f"); screenshots: {SCREENSHOTS}"
    )
    print(
        f"\nbrowser: {len(visits)} pages visited in {elapsed:.1f} s; screenshots in {SCREENSHOTS}\n"
        + ", ".join(f"{name} {v.seconds:.1f} s" for name, v in visits.items())
    )
    return visits


@pytest.fixture(scope="session")
def site_browser(built_site):
    """``(base_url, context, log)``: the built site served on 127.0.0.1 and one headless Chromium
    for the run's site tests (network blocked, see browser.py). A test clears ``log`` first and
    opens its own pages, or its own contexts (``browser.fresh_context``) for other devices."""
    from browser import chromium, serve_directory

    with serve_directory(built_site) as base, chromium() as (context, log):
        yield base, context, log


#: Pages Sphinx writes besides the ones in _toc.yml.
GENERATED_PAGES = ["genindex", "search"]


def site_pages() -> list[str]:
    """Every page of one edition: the table of contents and Sphinx's generated pages."""
    return toc_docnames() + GENERATED_PAGES
