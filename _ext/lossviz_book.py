"""Sphinx extension local to the book.

1. Build signal. It gives the notebooks an explicit signal that they are executed by the book
   build (``LOSSVIZ_DISPLAY=static``), so that lossviz's slider figures render their static
   (kernel-free) frames only then: live sessions never pay for them. Kernels started by myst-nb
   inherit this process's environment.

2. Offline math. MathJax 3 is served from the built site, never from a CDN: at ``build-finished``
   a subset of the MathJax 3.2 files shipped by the PyPI package ``sphinx-mathjax-offline`` is
   copied next to the pages (``_static/mathjax/``; ``mathjax_path`` in ``_config.yml`` points
   there). The subset is ``tex-chtml.js`` (TeX input with the ams, newcommand, require, autoload
   and configmacros packages built in, CommonHTML output, the menu), the CHTML woff-v2 fonts, and
   only the TeX extensions that MathJax's autoload would fetch for the macros and environments the
   built pages use: 1.5 MB instead of the package's 21 MB. It is deliberately not in the
   book's own ``_static/`` folder, for which Jupyter Book adds a ``<script>`` tag per ``.js`` file.

3. Bibliography: TeX math in BibTeX titles is typeset (``_bibliography_math``).
   Accessibility: bibliography entries get the ARIA role ``listitem`` (``_fix_citation_roles``).
"""

from __future__ import annotations

import html
import importlib.util
import os
import re
import shutil
from pathlib import Path

from docutils import nodes
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Environment variable read by ``lossviz.widgets``; the value selects the static display.
BUILD_SIGNAL = "LOSSVIZ_DISPLAY"

#: TeX extensions that tex-chtml.js already contains: never fetched, never copied.
_BUILT_IN_TEX = {"ams", "newcommand", "noundefined", "require", "autoload", "configmacros"}


def _set_build_signal(app, config) -> None:
    os.environ[BUILD_SIGNAL] = "static"


def _check_mathjax_path(app, config) -> None:
    path = config.mathjax_path
    if "://" in path or path.startswith("//"):
        raise ExtensionError(
            f"mathjax_path must be a local path (MathJax is served from the site), got {path!r}"
        )


def mathjax_source() -> Path:
    """The folder of MathJax 3 files shipped by ``sphinx-mathjax-offline``."""
    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    if spec is None or spec.origin is None:  # pragma: no cover - a broken environment
        raise ExtensionError(
            "the package sphinx-mathjax-offline is needed (pip install -r requirements.txt)"
        )
    return Path(spec.origin).parent / "static" / "mathjax"


def autoload_table(tex_chtml: str) -> dict[str, tuple[set[str], set[str]]]:
    """Parse MathJax's autoload table out of tex-chtml.js: extension -> (macros, environments).

    Reading it from the shipped file (instead of copying it here) keeps the two in step.
    """
    start = tex_chtml.index('action:["toggle"')
    end = tex_chtml.index("})", start)
    table: dict[str, tuple[set[str], set[str]]] = {}
    for m in re.finditer(r"(\w+):(\[\[.*?\],\[.*?\]\]|\[.*?\])", tex_chtml[start:end]):
        name, body = m.group(1), m.group(2)
        if body.startswith("[["):
            macros_part, envs_part = re.match(r"\[\[(.*?)\],\[(.*?)\]\]", body).groups()
        else:
            macros_part, envs_part = body[1:-1], ""
        table[name] = (
            set(re.findall(r'"(\w+)"', macros_part)),
            set(re.findall(r'"(\w+)"', envs_part)),
        )
    return table


_MATH_BLOCK = re.compile(
    r'<(?:span|div) class="math[^"]*">(.*?)</(?:span|div)>|\\\((.*?)\\\)|\\\[(.*?)\\\]|\$\$(.*?)\$\$',
    re.DOTALL,
)


def math_sources(outdir: Path) -> str:
    """All TeX the built pages hand to MathJax (Sphinx math nodes and notebook outputs)."""
    chunks = []
    for page in outdir.rglob("*.html"):
        text = page.read_text(encoding="utf-8", errors="replace")
        chunks.extend(
            html.unescape("".join(g for g in m.groups() if g)) for m in _MATH_BLOCK.finditer(text)
        )
    return "\n".join(chunks)


def needed_extensions(tex: str, table: dict[str, tuple[set[str], set[str]]]) -> set[str]:
    """The TeX extensions MathJax will fetch for ``tex``: autoloaded macros/environments, \\require."""
    macros = set(re.findall(r"\\([A-Za-z]+)", tex))
    envs = set(re.findall(r"\\begin\{(\w+)\}", tex))
    needed = {name for name, (ms, es) in table.items() if ms & macros or es & envs}
    needed |= set(re.findall(r"\\require\{(\w+)\}", tex))
    return needed - _BUILT_IN_TEX


def copy_mathjax_subset(app, exc) -> None:
    """Copy the MathJax subset the site needs into the output (html builders, successful builds)."""
    if exc is not None or app.builder.format != "html":
        return
    source = mathjax_source()
    outdir = Path(app.outdir)
    target = outdir / "_static" / Path(app.config.mathjax_path).parent
    entry = Path(app.config.mathjax_path).name
    if target.exists():
        shutil.rmtree(target)
    (target / "output" / "chtml" / "fonts").mkdir(parents=True)
    shutil.copy2(source / entry, target / entry)
    shutil.copytree(
        source / "output" / "chtml" / "fonts" / "woff-v2",
        target / "output" / "chtml" / "fonts" / "woff-v2",
    )
    table = autoload_table((source / entry).read_text(encoding="utf-8"))
    extensions = sorted(needed_extensions(math_sources(outdir), table))
    ext_dir = target / "input" / "tex" / "extensions"
    ext_dir.mkdir(parents=True)
    for name in extensions:
        shutil.copy2(source / "input" / "tex" / "extensions" / f"{name}.js", ext_dir)
    size = sum(f.stat().st_size for f in target.rglob("*") if f.is_file())
    logger.info(
        f"lossviz_book: MathJax subset copied to {target} ({size / 1e6:.2f} MB; "
        f"TeX extensions: {', '.join(extensions) or 'none beyond the built-in ones'})"
    )


_BIB_MATH = re.compile(r"\$([^$]{1,200})\$")


def _bibliography_math(app, doctree, docname) -> None:
    """Typeset TeX math in rendered bibliography entries (e.g. a title with ``$\\ell_1$``).

    pybtex leaves ``$...$`` from BibTeX titles as text; this turns it into math nodes, and tells
    the math domain the page has equations so that MathJax is loaded there.
    """
    found = False
    for citation in list(doctree.findall(nodes.citation)):
        for text in list(citation.findall(nodes.Text)):
            parts = _BIB_MATH.split(str(text))
            if len(parts) == 1:
                continue
            new = [
                nodes.math(part, part) if i % 2 else nodes.Text(part)
                for i, part in enumerate(parts)
                if part
            ]
            text.parent.replace(text, new)
            found = True
    if found:
        app.env.get_domain("math").data["has_equations"][docname] = True


def _fix_citation_roles(app, pagename, templatename, context, doctree) -> None:
    """Give bibliography entries the ARIA role their list needs.

    docutils writes ``<div role="list" class="citation-list">`` around entries with the deprecated
    role ``doc-biblioentry``, which axe-core reports as a critical violation (a list whose children
    are not list items). ``listitem`` is what assistive technology expects inside a list.
    """
    body = context.get("body")
    if isinstance(body, str) and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def setup(app):
    app.connect("config-inited", _set_build_signal)
    app.connect("config-inited", _check_mathjax_path)
    app.connect("build-finished", copy_mathjax_subset)
    app.connect("html-page-context", _fix_citation_roles)
    app.connect("doctree-resolved", _bibliography_math)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "2"}
