"""Math typeset at build time: MathJax 3 in Node, no MathJax in the browser.

At ``build-finished`` every formula of the built pages (Sphinx's ``span.math`` / ``div.math`` and
notebook ``text_latex`` outputs, holding ``\\(...\\)``, ``\\[...\\]`` or ``$$...$$``) is typeset by
MathJax 3.2 (npm package ``mathjax-full``, pinned, installed by ``scripts/setup.sh`` into
``.venv/node``) through ``_ext/tex2svg.js``: the TeX is replaced by MathJax's SVG output, with its
MathML for screen readers. The pages then carry no MathJax script: nothing to download (1.2 MB
before), nothing to typeset on the reader's main thread, no formula in the Tab order, no raw TeX
while a page loads, and the same output when printed.

SVG rather than MathJax's CommonHTML, measured on the seven chapters in both languages (phone,
CPU 4x slower, the same book built both ways, interleaved loads, median of 2): DOMContentLoaded
at most 2.51 s instead of 2.90 s (logistic regression 2.90 -> 2.46 s; the chapters that did not
gain moved by less than 0.15 s either way), the load event up to 1.0 s sooner and never later by
more than 0.01 s, no chapter heavier (1.39 -> 1.31 MB at most), 24-26 requests instead of 30-33.
CommonHTML draws each glyph as a CSS box with a ``::before`` character in a web font (7,800
elements on the logistic-regression page, laid out by CSS, and again when the fonts arrive); the
SVG needs no font, and CSS lays out one box per formula. Each glyph's outline is written once per
page, in a hidden ``<svg>`` at the top of the body, and every formula refers to it by id
(MathJax's global font cache); :func:`slim` drops what MathJax writes for its own menus and
explorers, which the page does not use.

One stylesheet for all pages, ``_static/mathjax-svg.css``. A formula that MathJax cannot parse
fails the build. Pages that a rebuild does not rewrite keep their typeset math; the formulas of
every page are remembered (``lossviz-math.json`` in the doctree folder).
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import book_pages
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
RENDERER = HERE / "tex2svg.js"
#: Where scripts/setup.sh installs the pinned npm packages: beside the Python environment that
#: runs the build (.venv/node), wherever the book's sources are.
NODE_MODULES = Path(sys.prefix) / "node" / "node_modules"
MATHJAX_VERSION = "3.2.2"
STYLESHEET = "mathjax-svg.css"

# An element that holds TeX for MathJax: its class list has "math" (Sphinx, myst-nb outputs).
_MATH_ELEMENT = re.compile(
    r'(<(span|div) class="(?:[^"]*\s)?math(?:\s[^"]*)?"[^>]*>)(.*?)(</\2>)', re.DOTALL
)
_DELIMITED = re.compile(r"\\\((.*?)\\\)|\\\[(.*?)\\\]|\$\$(.*?)\$\$", re.DOTALL)
_MATHJAX_SCRIPTS = re.compile(
    r'<script[^>]*\ssrc="[^"]*_static/mathjax/[^"]*"[^>]*></script>\s*'
    r"|<script>window\.MathJax = .*?</script>\s*",
    re.DOTALL,
)
_BODY = re.compile(r"<body\b[^>]*>")
_GLYPH_REF = re.compile(r'href="#(MJX-[^"]+)"')
_GLYPHS_OPEN = '<svg style="display: none" aria-hidden="true"><defs>'
_GLYPHS_ELEMENT = re.compile(re.escape(_GLYPHS_OPEN) + r".*?</defs></svg>", re.DOTALL)


def check_mathjax_path(app, config) -> None:
    path = config.mathjax_path
    if "://" in path or path.startswith("//"):
        raise ExtensionError(f"mathjax_path must be a local path (no CDN), got {path!r}")


def mathjax_dir() -> Path:
    """The installed ``mathjax-full`` package; a clear error when it is missing or not pinned."""
    package = NODE_MODULES / "mathjax-full" / "package.json"
    if shutil.which("node") is None or not package.is_file():
        raise ExtensionError(
            "typesetting math needs Node.js and the npm package mathjax-full "
            f"{MATHJAX_VERSION} in {NODE_MODULES}: run `bash scripts/setup.sh`"
        )
    version = json.loads(package.read_text(encoding="utf-8"))["version"]
    if version != MATHJAX_VERSION:
        raise ExtensionError(f"mathjax-full {version} installed, {MATHJAX_VERSION} expected")
    return package.parent


def _formula(m: re.Match) -> tuple[str, bool]:
    inline, display, dollars = m.groups()
    return html.unescape(inline or display or dollars or "").strip(), inline is None


def formulas_in(element_body: str) -> list[tuple[str, bool]]:
    """``(tex, display)`` for each formula in the text of a math element."""
    found = [_formula(m) for m in _DELIMITED.finditer(element_body)]
    if not found and element_body.strip().startswith("\\begin{"):
        found = [(html.unescape(element_body.strip()), True)]
    return found


#: What MathJax writes into its SVG that the page does not use: the node names and TeX classes
#: that its menus and explorers read (kept where its stylesheet selects on them: tables' lines,
#: errors, actions), IE's ``focusable``, the namespaces (the HTML parser puts <svg> and the MathML's
#: <math> in theirs anyway) and SVG 1's ``xlink:href`` (SVG 2's ``href``, which current browsers read).
#: A group left with no attribute groups nothing and is unwrapped. The paint attributes of each
#: formula's outer group move into the stylesheet (``_SVG_RULES``), and ``data-c`` with them: MathJax
#: selects glyphs by it to stroke them 3 units wide, which ``_SVG_RULES`` does for every ``<use>``
#: (a formula uses <use> for glyphs only). On the logistic-regression chapter this takes its
#: formulas from 625 kB to 396 kB of markup; the page is 714 kB, against 656 kB with CommonHTML.
_UNUSED = re.compile(
    r' data-mml-node="(?!mtable"|merror"|maction")[^"]*"| data-mjx-texclass="[^"]*"'
    r'| data-c="[^"]*"| focusable="false"| xmlns(?::xlink)?="[^"]*"'
)
_OUTER_PAINT = '<g stroke="currentColor" fill="currentColor" stroke-width="0" '
_SVG_RULES = """
mjx-container[jax="SVG"] > svg {
  fill: currentColor;
  stroke: currentColor;
  stroke-width: 0;
}

mjx-container[jax="SVG"] use {
  stroke-width: 3;
}
"""
_TAG = re.compile(r"(<[^>]+>)")


def slim(markup: str) -> str:
    """One formula's SVG markup without what the page does not use (see ``_UNUSED``)."""
    text = _UNUSED.sub("", markup).replace(_OUTER_PAINT, "<g ").replace(" xlink:href=", " href=")
    kept, groups = [], []  # groups: for each open <g>, whether its tag was kept
    for token in _TAG.split(text):
        if token == "<g>":
            groups.append(False)
        elif token.startswith("<g "):
            groups.append(True)
            kept.append(token)
        elif token == "</g>":
            if groups.pop():
                kept.append(token)
        else:
            kept.append(token)
    if groups:
        raise ExtensionError(f"unbalanced <g> in MathJax's SVG: {markup[:200]}")
    return "".join(kept)


def glyph_definitions(page_text: str, glyphs: dict[str, str]) -> str:
    """A hidden ``<svg>`` defining the outline of every glyph the page's formulas refer to."""
    used = sorted(set(_GLYPH_REF.findall(page_text)))
    if not used:
        return ""
    missing = [g for g in used if g not in glyphs]
    if missing:
        raise ExtensionError(f"glyphs referred to but not typeset: {missing[:5]}")
    paths = "".join(f'<path id="{g}" d="{glyphs[g]}"></path>' for g in used)
    return f"{_GLYPHS_OPEN}{paths}</defs></svg>"


def typeset(formulas: list[tuple[str, bool]]) -> dict:
    """MathJax's own output for ``formulas`` (``tex2svg.js``'s JSON: html, glyphs, css)."""
    payload = json.dumps({"formulas": [{"tex": t, "display": d} for t, d in formulas]})
    proc = subprocess.run(
        ["node", str(RENDERER), str(mathjax_dir())],
        input=payload,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
    )
    if proc.returncode != 0:
        raise ExtensionError(f"MathJax (node) failed: {proc.stderr[-2000:]}")
    result = json.loads(proc.stdout)
    if result["errors"]:
        raise ExtensionError("TeX that MathJax cannot typeset: " + "; ".join(result["errors"]))
    return result


def render(formulas: list[tuple[str, bool]]) -> tuple[list[str], dict[str, str], str]:
    """Typeset ``formulas``; return (markup per formula, glyph outlines by id, stylesheet)."""
    result = typeset(formulas)
    return [slim(m) for m in result["html"]], result["glyphs"], result["css"] + _SVG_RULES


def _typeset_page(text: str, rendered: dict[tuple[str, bool], str], glyphs: dict[str, str]) -> str:
    def element(m: re.Match) -> str:
        start, body, end = m.group(1), m.group(3), m.group(4)
        if "<mjx-container" in body:
            return m.group(0)
        if not _DELIMITED.search(body):
            tex = formulas_in(body)
            return start + rendered[tex[0]] + end if tex else m.group(0)

        return start + _DELIMITED.sub(lambda d: rendered[_formula(d)], body) + end

    text = _GLYPHS_ELEMENT.sub("", _MATHJAX_SCRIPTS.sub("", _MATH_ELEMENT.sub(element, text)))
    body = _BODY.search(text)
    if body is None:
        return text
    return text[: body.end()] + glyph_definitions(text, glyphs) + text[body.end() :]


def typeset_pages(app, exc) -> None:
    """Typeset the math of every page the build wrote; write the stylesheet."""
    if exc is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    memory = Path(app.doctreedir) / "lossviz-math.json"
    known: dict[str, list] = json.loads(memory.read_text()) if memory.is_file() else {}
    pages = {}
    for page in book_pages.html_pages(outdir):  # this edition's pages (not those in zh/)
        text = page.read_text(encoding="utf-8")
        name = page.relative_to(outdir).as_posix()
        raw = [
            f
            for m in _MATH_ELEMENT.finditer(text)
            if "<mjx-container" not in m.group(3)
            for f in formulas_in(m.group(3))
        ]
        if raw or _MATHJAX_SCRIPTS.search(text):
            pages[page] = text
            known[name] = raw
    everything = list(dict.fromkeys(tuple(f) for fs in known.values() for f in fs))
    markup, glyphs, css = render(everything) if everything else ([], {}, "")
    rendered = dict(zip(everything, markup, strict=True))
    for page, text in pages.items():
        page.write_text(_typeset_page(text, rendered, glyphs), encoding="utf-8")
    (outdir / "_static" / STYLESHEET).write_text(css, encoding="utf-8")
    memory.write_text(json.dumps(known, ensure_ascii=False), encoding="utf-8")
    logger.info(
        f"lossviz_book: {len(everything)} distinct formulas typeset by MathJax {MATHJAX_VERSION} "
        f"on {len(pages)} pages; stylesheet {len(css) / 1e3:.0f} kB"
    )
