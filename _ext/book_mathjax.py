"""Math typeset at build time: MathJax 3 in Node, no MathJax in the browser.

At ``build-finished`` every formula of the built pages (Sphinx's ``span.math`` / ``div.math`` and
notebook ``text_latex`` outputs, holding ``\\(...\\)``, ``\\[...\\]`` or ``$$...$$``) is typeset by
MathJax 3.2 (npm package ``mathjax-full``, pinned, installed by ``scripts/setup.sh`` into
``.venv/node``) through ``_ext/tex2chtml.js``: the TeX is replaced by the CommonHTML markup MathJax
would make in the browser, with its MathML for screen readers. The pages then carry no MathJax
script: nothing to download (1.2 MB before), nothing to typeset on the reader's main thread,
no formula in the Tab order, no raw TeX while a page loads, and the same output when printed.

One stylesheet for all pages, ``_static/mathjax-chtml.css`` (only the glyphs used), points at the
MathJax TeX web fonts copied to ``_static/mathjax/output/chtml/fonts/woff-v2/``. A formula that
MathJax cannot parse fails the build. Pages that a rebuild does not rewrite keep their typeset
math; the formulas of every page are remembered (``lossviz-math.json`` in the doctree folder) so
that the stylesheet always covers them all.
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
RENDERER = HERE / "tex2chtml.js"
#: Where scripts/setup.sh installs the pinned npm packages: beside the Python environment that
#: runs the build (.venv/node), wherever the book's sources are.
NODE_MODULES = Path(sys.prefix) / "node" / "node_modules"
MATHJAX_VERSION = "3.2.2"
STYLESHEET = "mathjax-chtml.css"
FONTS = Path("mathjax") / "output" / "chtml" / "fonts" / "woff-v2"

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


#: Bytes MathJax writes into every formula that the page does not need: the MathML namespace (the
#: HTML parser puts <math> in it anyway), IE's ``unselectable`` (the stylesheet's user-select rule
#: does the same) and the container's ``position: relative`` (moved into the stylesheet). About
#: 35 bytes of a formula's ~1.2 kB, i.e. 3 % of a formula-heavy page.
_REDUNDANT = re.compile(r' xmlns="http://www\.w3\.org/1998/Math/MathML"| unselectable="on"')
_CONTAINER_STYLE = re.compile(r'(<mjx-container [^>]*?) style="position: relative;"')
_CONTAINER_RULE = '\nmjx-container[jax="CHTML"] {\n  position: relative;\n}\n'


def compact(markup: list[str], css: str) -> tuple[list[str], str]:
    """Drop what every formula repeats and the page does not need (see ``_REDUNDANT``)."""
    moved = [_CONTAINER_STYLE.sub(r"\1", _REDUNDANT.sub("", m), count=1) for m in markup]
    return moved, css + _CONTAINER_RULE if moved else css


def render(formulas: list[tuple[str, bool]]) -> tuple[list[str], str]:
    """Typeset ``formulas`` in Node; return (markup per formula, stylesheet)."""
    payload = json.dumps({"formulas": [{"tex": t, "display": d} for t, d in formulas]})
    font_url = FONTS.as_posix()  # relative to the stylesheet in _static/
    proc = subprocess.run(
        ["node", str(RENDERER), str(mathjax_dir()), font_url],
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
    return compact(result["html"], result["css"])


def _typeset_page(text: str, rendered: dict[tuple[str, bool], str]) -> str:
    def element(m: re.Match) -> str:
        start, body, end = m.group(1), m.group(3), m.group(4)
        if "<mjx-container" in body:
            return m.group(0)
        if not _DELIMITED.search(body):
            tex = formulas_in(body)
            return start + rendered[tex[0]] + end if tex else m.group(0)

        return start + _DELIMITED.sub(lambda d: rendered[_formula(d)], body) + end

    return _MATHJAX_SCRIPTS.sub("", _MATH_ELEMENT.sub(element, text))


def typeset_pages(app, exc) -> None:
    """Typeset the math of every page the build wrote; write the stylesheet and the fonts."""
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
    markup, css = render(everything) if everything else ([], "")
    rendered = dict(zip(everything, markup, strict=True))
    for page, text in pages.items():
        page.write_text(_typeset_page(text, rendered), encoding="utf-8")
    (outdir / "_static" / STYLESHEET).write_text(css, encoding="utf-8")
    fonts = outdir / "_static" / FONTS
    if fonts.exists():
        shutil.rmtree(fonts)
    shutil.copytree(mathjax_dir() / "es5" / "output" / "chtml" / "fonts" / "woff-v2", fonts)
    memory.write_text(json.dumps(known, ensure_ascii=False), encoding="utf-8")
    logger.info(
        f"lossviz_book: {len(everything)} distinct formulas typeset by MathJax {MATHJAX_VERSION} "
        f"on {len(pages)} pages; stylesheet {len(css) / 1e3:.0f} kB"
    )
