"""The build gate (issue 2) and the built site's static properties (issue 9).

The book is built once per run with warnings as errors (``built_site`` in conftest.py: a fresh
output folder, so every notebook is executed and nothing is reused from an earlier build).
This file checks that the build produced every page and that the gate can fail: a tiny
temporary book (this book's _config.yml and _ext/) must fail to build when a notebook raises,
when the table of contents names a missing file, or when a cross-reference is broken, and must
build when none of these defects is present. It also asserts the site's size budgets, that no
page references anything on the network, that MathJax is a local subset, and that the chapters
offer their notebook for download and no button that leads nowhere.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import textwrap

import nbformat
import pytest
import site_metrics
from conftest import BOOK, BUILD_STATUS, EDITIONS, RUN_SUMMARY, jupyter_book_build, toc_docnames

pytestmark = pytest.mark.slow


# The book's Sphinx extension modules (_ext/), imported the way Sphinx imports them.
sys.path.insert(0, str(BOOK / "_ext"))
import book_mathjax  # noqa: E402
import book_pages  # noqa: E402

DOCNAMES = toc_docnames()
CHAPTERS = [name for name in DOCNAMES if name.startswith("chapters/")]
#: Every page of every edition: the English one at the root, the Chinese one (if any) in zh/.
PAGES = [f"{edition}{name}" for edition in EDITIONS for name in DOCNAMES]
EDITION_CHAPTERS = [f"{edition}{name}" for edition in EDITIONS for name in CHAPTERS]


# --- the build produced the book ---------------------------------------------------------------


def test_the_book_builds_cleanly(built_site):
    """No warning (they are errors), no execution error: the build's exit status is 0."""
    status = BUILD_STATUS
    if not status:
        pytest.skip("LOSSVIZ_SITE: an existing build, not built by this run")
    assert status["returncode"] == 0, (
        f"jupyter-book build failed (exit {status['returncode']}), log {status['out']}/build.log:\n"
        + "\n".join(
            line for line in status["log"].splitlines() if re.search(r"WARNING|ERROR|Error", line)
        )[-6000:]
        + "\n...\n"
        + status["log"][-3000:]
    )


def test_every_page_in_the_toc_is_built(built_site):
    missing = [name for name in PAGES if not (built_site / f"{name}.html").is_file()]
    assert missing == []


def test_no_page_outside_the_toc(built_site):
    """Only toc pages plus Sphinx's own (index redirect, general index, search) are published,
    in each edition."""
    built = {str(p.relative_to(built_site).with_suffix("")) for p in site_metrics.pages(built_site)}
    generated = {f"{e}{g}" for e in EDITIONS for g in ("genindex", "search")}
    optional = {f"{e}index" for e in EDITIONS[1:]}  # an edition's own index redirect
    assert built - optional == set(PAGES) | generated | {"index"}


def test_chapters_are_executed(built_site):
    """Every code cell of every chapter produced its output on the site (execution ran)."""
    for name in EDITION_CHAPTERS:
        html = (built_site / f"{name}.html").read_text(encoding="utf-8")
        cells = html.count('class="cell docutils container"')
        outputs = html.count('class="cell_output docutils container"')
        assert cells > 0 and outputs > 0, f"{name}: {cells} code cells, {outputs} outputs"


# --- offline: nothing from the network ---------------------------------------------------------

_REMOTE_ASSET = re.compile(
    r"""<(?:script|img|iframe|source|video|audio)\b[^>]*\ssrc=["'](?:https?:)?//"""
    r"""|<link\b[^>]*\shref=["'](?:https?:)?//[^"']*["'][^>]*>""",
    re.IGNORECASE,
)


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_nothing_from_the_network(built_site, name):
    html = (built_site / f"{name}.html").read_text(encoding="utf-8")
    remote = [m.group(0)[:160] for m in _REMOTE_ASSET.finditer(html)]
    # <link rel="canonical"> and the like are not fetched; stylesheets, icons and preloads are.
    remote = [r for r in remote if not re.search(r'rel=["\'](canonical|alternate)', r)]
    assert remote == [], f"assets from the network: {remote}"
    for cdn_script in ("require.js", "html-manager", "embed-amd", "cdn.jsdelivr", "unpkg.com/@jup"):
        assert cdn_script not in html, f"widget/CDN script {cdn_script!r} on {name}"
    assert "application/vnd.jupyter.widget-state+json" not in html, "saved widget state"


def test_math_is_typeset_at_build_time(built_site):
    """Formulas are MathJax markup in the HTML, each page defining exactly the glyphs it draws;
    no page loads MathJax or a font for it."""
    css = (built_site / "_static" / book_mathjax.STYLESHEET).read_text(encoding="utf-8")
    assert "url(" not in css and "@font-face" not in css  # SVG glyphs: no web font
    assert not (built_site / "_static" / "mathjax").exists()
    for name in PAGES:
        html = (built_site / f"{name}.html").read_text(encoding="utf-8")
        assert "window.MathJax" not in html and "tex-chtml.js" not in html, name
        assert "cdn.jsdelivr.net/npm/mathjax" not in html, name
        elements = list(book_mathjax._MATH_ELEMENT.finditer(html))
        for m in elements:
            assert '<mjx-container class="MathJax" jax="SVG"' in m.group(3), (
                f"{name}: untypeset {m.group(3)[:80]!r}"
            )
            assert "<mjx-assistive-mml" in m.group(3), f"{name}: no MathML for screen readers"
        defined = re.findall(r'<path id="(MJX-[^"]+)"', html)
        used = set(re.findall(r'<use href="#(MJX-[^"]+)"', html))
        assert len(defined) == len(set(defined)), f"{name}: a glyph defined twice"
        assert set(defined) == used, f"{name}: glyphs defined {len(defined)}, used {len(used)}"
        assert bool(elements) == bool(used), name


def test_typesetting_matches_mathjax_for_known_formulas():
    """Inline and display formulas, with the delimiters Sphinx and myst-nb write."""
    formulas = book_mathjax.formulas_in(r"\(\sigma(z)\) and \[a^2\] and $$b_1$$")
    assert formulas == [(r"\sigma(z)", False), ("a^2", True), ("b_1", True)]
    markup, glyphs, css = book_mathjax.render(formulas)
    assert 'display="true"' in markup[1] and 'display="true"' not in markup[0]
    assert "<mi>σ</mi>" in markup[0]  # the MathML read by screen readers
    assert '<use href="#MJX-TEX-I-1D70E">' in markup[0]  # σ: U+1D70E, mathematical italic sigma
    assert glyphs["MJX-TEX-I-1D70E"].startswith("M")  # its outline, an SVG path
    assert 'mjx-container[jax="SVG"]' in css


#: Formulas with every construct the slimming touches: fractions, limits, stretchy delimiters,
#: matrices and arrays with rules (MathJax's stylesheet selects their lines by data-mml-node),
#: text, operators, accents, roots, colour and a display formula.
_SLIM_CASES = [
    (r"\frac{1}{n}\sum_{i=1}^{n} \log\left(1 + e^{-\tilde y_i z_i}\right)", True),
    (r"X = \begin{pmatrix} 1 & 2 \\ 3 & -1 \end{pmatrix}", False),
    (r"\begin{array}{c|c} a & b \\ \hline c & \sqrt{d} \end{array}", True),
    (r"\operatorname{sign}(r),\ \text{soft-F1},\ \hat p,\ \|w\|_2^2", False),
    (
        r"\color{red}{\nabla_z} \mathrm{CE} = \begin{cases} 1 & z>0 \\ 0 & \text{else}\end{cases}",
        True,
    ),
]


def _formula_pixels(page, bodies: list[str], glyphs: dict[str, str], css: str) -> list[bytes]:
    """Screenshots of each formula markup in ``bodies``, on one page with ``css`` and the glyphs."""
    paths = "".join(f'<path id="{g}" d="{d}"></path>' for g, d in glyphs.items())
    items = "".join(f'<p class="f">{b}</p>' for b in bodies)
    page.set_content(
        f"<!doctype html><html><head><style>{css} p.f {{ display: inline-block; padding: 4px;"
        f" font: 20px serif; }}</style></head><body>"
        f'<svg style="display: none"><defs>{paths}</defs></svg>{items}</body></html>'
    )
    return [page.locator("p.f").nth(i).screenshot() for i in range(len(bodies))]


def test_slimmed_svg_draws_exactly_what_mathjax_draws():
    """The markup the pages carry, with the site's stylesheet, gives the same pixels as MathJax's
    own SVG with MathJax's stylesheet; the comparison can tell a difference (the glyphs' stroke)."""
    from browser import chromium

    raw = book_mathjax.typeset(_SLIM_CASES)
    slim = [book_mathjax.slim(m) for m in raw["html"]]
    assert all(len(s) < len(r) for s, r in zip(slim, raw["html"], strict=True))
    site_css = raw["css"] + book_mathjax._SVG_RULES
    thin_css = site_css.replace("stroke-width: 3;", "stroke-width: 0;")
    with chromium(viewport={"width": 900, "height": 1200}) as (context, log):
        page = context.new_page()
        mathjax = _formula_pixels(page, raw["html"], raw["glyphs"], raw["css"])
        ours = _formula_pixels(page, slim, raw["glyphs"], site_css)
        thin = _formula_pixels(page, slim, raw["glyphs"], thin_css)
    assert ours == mathjax
    assert all(t != m for t, m in zip(thin, mathjax, strict=True))
    assert len(set(mathjax)) == len(mathjax)  # five different pictures
    assert not log.failed and not log.blocked


# --- the pages are light: frames as files, no icon script, no Thebe ---------------------------

_FRAME_URL = re.compile(r"""(?:\.\./)*_static/frames/[0-9a-f]+\.(?:png|webp|jpg|gif|svg)""")


@pytest.mark.parametrize("name", PAGES)
def test_page_embeds_no_large_image_and_its_frames_exist(built_site, name):
    page = built_site / f"{name}.html"
    html = page.read_text(encoding="utf-8")
    embedded = re.findall(r"data:image/[\w+]+;base64,[A-Za-z0-9+/=]{1000,}", html)
    assert embedded == [], f"{len(embedded)} images still inside the HTML"
    missing = [u for u in set(_FRAME_URL.findall(html)) if not (page.parent / u).is_file()]
    assert missing == []


@pytest.mark.parametrize("name", PAGES)
def test_page_head_is_complete_and_light(built_site, name):
    html = (built_site / f"{name}.html").read_text(encoding="utf-8")
    head = html[: html.index("</head>")]
    assert re.search(r'<link rel="icon" href="(\.\./)*_static/favicon\.svg"', head), "favicon"
    description = re.search(r'<meta name="description" content="([^"]+)"', head)
    assert description and len(description.group(1)) >= 40, "meta description"
    for prop in ("og:title", "og:description", "og:site_name", "og:type"):
        assert f'<meta property="{prop}" content="' in head, prop
    assert "fontawesome.js" not in html, "the 1.5 MB icon script is loaded"
    assert "lossviz-icons.css" in head
    assert "THEBE_JS_URL" not in html and "sphinx-thebe.js" not in html
    assert 'aria-label="Toggle hidden content"' not in html


def test_icon_script_is_gone_and_every_named_icon_is_drawn(built_site):
    assert not (built_site / "_static" / "scripts" / "fontawesome.js").exists()
    css = (built_site / "_static" / "lossviz-icons.css").read_text(encoding="utf-8")
    named = set()
    for name in DOCNAMES:
        html = (built_site / f"{name}.html").read_text(encoding="utf-8")
        named |= set(re.findall(r'class="[^"]*\bfa-(?:solid|regular) fa-([a-z0-9-]+)', html))
        named |= set(re.findall(r'class="fas fa-([a-z0-9-]+)', html))
    assert {"bars", "magnifying-glass", "sun", "moon"} <= named
    undrawn = [n for n in named if f".fa-{n}{{--lv-icon:" not in css]
    assert undrawn == []


@pytest.mark.parametrize("name", DOCNAMES)
def test_chinese_text_is_marked(built_site, name):
    html = (built_site / f"{name}.html").read_text(encoding="utf-8")
    body = html[html.index("<body") :]
    if re.search(r"[\u4e00-\u9fff]", book_pages._PROTECTED.sub("", body)):
        assert '<span lang="zh-Hans">' in body


def test_search_index_holds_chinese_words(built_site):
    text = (built_site / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    for word in ("正则化", "逻辑回归", "交叉熵", "梯度"):
        assert word in index["terms"], word
    excerpts = (built_site / "_static" / "search-excerpts.js").read_text(encoding="utf-8")
    assert "\\frac" not in excerpts and "\\sigma" not in excerpts


# --- pages around the chapters -----------------------------------------------------------------


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_offers_its_notebook_for_download(built_site, name):
    html = (built_site / f"{name}.html").read_text(encoding="utf-8")
    stem = name.split("/")[-1]
    assert re.search(rf'href="[./]*_sources/chapters/{stem}\.ipynb"', html), "no download link"
    notebook = built_site / "_sources" / "chapters" / f"{stem}.ipynb"
    assert nbformat.read(notebook, as_version=4).cells, "the downloadable notebook is empty"


@pytest.mark.parametrize("name", PAGES)
def test_no_button_that_leads_nowhere(built_site, name):
    html = (built_site / f"{name}.html").read_text(encoding="utf-8")
    for marker in ("repository-button", "issues-button", "edit-this-page", "launch-buttons"):
        assert marker not in html, f"{marker} on {name}"
    assert "github.com/executablebooks/jupyter-book" not in html  # Jupyter Book's default repo


def test_intro_links_every_chapter_in_the_book(built_site):
    html = (built_site / "intro.html").read_text(encoding="utf-8")
    for name in CHAPTERS:
        assert f'href="{name}.html' in html, f"intro does not link {name}"


def test_glossary_has_enough_terms_in_both_languages(built_site):
    html = (built_site / "glossary.html").read_text(encoding="utf-8")
    terms = re.findall(r'<dt id="term-[^"]+">', html)
    assert len(terms) >= 25, len(terms)
    definitions = re.findall(r"<dd>(.*?)</dd>", html, re.DOTALL)
    without_chinese = [d[:60] for d in definitions if not re.search(r"[\u4e00-\u9fff]", d)]
    assert without_chinese == []


def test_bibliography_lists_entries(built_site):
    html = (built_site / "bibliography.html").read_text(encoding="utf-8")
    assert html.count('class="citation"') >= 1


# --- budgets -----------------------------------------------------------------------------------


def test_page_size_budget(built_site):
    sizes = [site_metrics.page_size(built_site, p) for p in site_metrics.pages(built_site)]
    over = [
        f"{s.name}: {s.total / 1e6:.2f} MB" for s in sizes if s.total > site_metrics.PAGE_BUDGET
    ]
    line = "page sizes (MB): " + ", ".join(f"{s.name} {s.total / 1e6:.3f}" for s in sizes)
    RUN_SUMMARY.append(line)
    print("\n" + line)
    assert over == []


@pytest.mark.parametrize("edition", EDITIONS)
def test_site_size_budget(built_site, edition):
    root = built_site / edition if edition else built_site
    # the English edition's folder holds the Chinese one (zh/), which is not part of its size
    inner = [] if edition else [built_site / e for e in EDITIONS if e]
    sizes = site_metrics.site_sizes(root, exclude=inner[0] if inner else None)
    line = (
        f"site {edition or 'en/'} {sizes['site'] / 1e6:.2f} MB, "
        f"of it _static {sizes['static'] / 1e6:.2f} MB"
    )
    RUN_SUMMARY.append(line)
    print("\n" + line)
    assert sizes["site"] <= site_metrics.SITE_BUDGET


# --- the gate can fail: a tiny temporary book with one defect at a time -------------------------

_GOOD_CELLS = ["import math\nprint(math.sqrt(2))", "x = 1 + 1\nx"]


def _tiny_book(tmp_path, *, notebook_cells=_GOOD_CELLS, toc_extra="", intro_extra=""):
    """A book with this book's configuration and extension, an intro and one small notebook."""
    book = tmp_path / "book"
    book.mkdir()
    shutil.copy(BOOK / "_config.yml", book / "_config.yml")
    shutil.copytree(BOOK / "_ext", book / "_ext", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(BOOK / "references", book / "references")
    (book / "intro.md").write_text(
        "# Tiny book\n\nInline math $r=\\hat y-y$ and a [link](chapters/small.ipynb).\n"
        + intro_extra,
        encoding="utf-8",
    )
    (book / "chapters").mkdir()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_markdown_cell("# Small chapter\n\n$$a^2$$")] + [
        nbformat.v4.new_code_cell(src) for src in notebook_cells
    ]
    nbformat.write(nb, book / "chapters" / "small.ipynb")
    (book / "_toc.yml").write_text(
        textwrap.dedent(
            """\
            format: jb-book
            root: intro
            chapters:
              - file: chapters/small
            """
        )
        + toc_extra,
        encoding="utf-8",
    )
    proc = jupyter_book_build(book, tmp_path / "out")
    return proc, proc.stdout + proc.stderr


def test_gate_control_a_tiny_book_builds(tmp_path):
    """The control of the tests below: without a defect the same tiny book builds."""
    proc, log = _tiny_book(tmp_path)
    assert proc.returncode == 0, log[-4000:]
    site = tmp_path / "out" / "_build" / "html"
    assert "1.4142135623730951" in (site / "chapters" / "small.html").read_text(encoding="utf-8")
    assert "<mjx-container" in (site / "chapters" / "small.html").read_text(encoding="utf-8")
    intro = (site / "intro.html").read_text(encoding="utf-8")
    assert 'href="chapters/small.html"' in intro


def test_gate_fails_when_a_notebook_raises(tmp_path):
    proc, log = _tiny_book(
        tmp_path, notebook_cells=[*_GOOD_CELLS, "raise ValueError('deliberate failure')"]
    )
    assert proc.returncode != 0, log[-4000:]
    assert "deliberate failure" in log, log[-4000:]


#: One defect per entry: what the book gets, and the text its failure report must contain. Built as
#: one book (each build costs ~10 s): with warnings as errors and --keep-going, every defect that
#: Sphinx reports as a warning or an error fails the build on its own, so the test asserts that each
#: one is reported as such.
_DEFECTS = {
    "a missing file in the toc": ("toc", "  - file: chapters/no_such_chapter\n", "no_such_chapter"),
    "a broken cross-reference": ("intro", "\nSee {ref}`no-such-label`.\n", "no-such-label"),
    "a link to a chapter not in the book": (
        "intro",
        "\nSee [Multi-label loss design](chapters/multilabel.ipynb).\n",
        "chapters/multilabel.ipynb",
    ),
    "TeX that MathJax cannot typeset": (
        "intro",
        "\nA broken formula $\\frac{a}$.\n",
        "Missing argument for \\frac",
    ),
    "a broken link": ("intro", "\nSee [the missing page](missing_page.md).\n", "missing_page"),
}


def test_gate_fails_on_each_defect(tmp_path):
    toc = "".join(extra for where, extra, _ in _DEFECTS.values() if where == "toc")
    intro = "".join(extra for where, extra, _ in _DEFECTS.values() if where == "intro")
    proc, log = _tiny_book(tmp_path, toc_extra=toc, intro_extra=intro)
    assert proc.returncode != 0, log[-4000:]
    # A warning names its defect on its own line; an extension's error (bad TeX) is raised with
    # its message, which is how the build reports it.
    unreported = [
        defect
        for defect, (_, _, needle) in _DEFECTS.items()
        if not any(
            needle in line and (re.search(r"WARNING|Error", line) or "MathJax" in line)
            for line in log.splitlines()
        )
    ]
    assert unreported == [], (
        f"defects not reported as a warning or error: {unreported}\n{log[-4000:]}"
    )


def test_a_failed_background_build_fails_with_its_log(tmp_path):
    """scripts/test.sh builds in the background (build_site.py); a build that wrote no site fails
    the tests that need it, showing its log."""
    import conftest
    from build_site import LOG, RC, SECONDS

    (tmp_path / LOG).write_text("...\nException: deliberate build failure\n")
    (tmp_path / SECONDS).write_text("1.0\n")
    (tmp_path / RC).write_text("2\n")
    with pytest.raises(pytest.fail.Exception, match="deliberate build failure"):
        conftest.wait_for_background_build(tmp_path, timeout=5)
    assert conftest.BUILD_STATUS["returncode"] == 2
    conftest.BUILD_STATUS.clear()  # not this run's build
