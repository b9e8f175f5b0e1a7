"""Sphinx extension local to the book (``_config.yml``: ``sphinx.local_extensions``).

1. Build signal. It gives the notebooks an explicit signal that they are executed by the book
   build (``LOSSVIZ_DISPLAY=static``, the name from ``lossviz.display``), so that lossviz's slider
   figures render their static (kernel-free) frames only then: live sessions never pay for them.
   Kernels started by myst-nb inherit this process's environment.
2. Math typeset at build time (MathJax 3 in Node), no MathJax in the browser: ``book_mathjax``.
3. The built pages made light and accessible (frames out of the HTML, no icon font script,
   ``lang="zh-Hans"`` on Chinese text, accessible names): ``book_pages``.
4. The site's stylesheet and script (dark mode, print handout, scroll cues, phone navigation),
   favicon, meta description and Open Graph tags, no Thebe: ``book_site``.
5. Chinese search with excerpts from ``file://`` too: ``book_search``.
7. The Chinese edition (language ``zh_CN``, gettext catalogues in ``locale/``): ``book_i18n``.
6. Bibliography: TeX math in BibTeX titles is typeset (``_bibliography_math``).
   Accessibility: bibliography entries get the ARIA role ``listitem`` (``_fix_citation_roles``).
   pybtex's plugin lookups are cached (``_cache_pybtex_entry_points``).
"""

from __future__ import annotations

import functools
import os
import re

import book_glue_i18n
import book_i18n
import book_i18n_captions
import book_mathjax
import book_pages
import book_search
import book_site
from docutils import nodes

from lossviz.display import DISPLAY_ENV


def _set_build_signal(app, config) -> None:
    os.environ[DISPLAY_ENV] = "static"


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


def _cache_pybtex_entry_points() -> None:
    """Look each pybtex plugin up once per build instead of once per citation.

    sphinxcontrib-bibtex asks pybtex for its style and backend plugins for every citation it
    resolves (about 350 per edition), and each lookup scans every installed package's entry
    points: about 10 s of an edition's build. The installed packages do not change during a build.
    """
    import pybtex.plugin

    lookup = pybtex.plugin.entry_points
    if not hasattr(lookup, "cache_info"):
        pybtex.plugin.entry_points = functools.cache(lambda **kw: tuple(lookup(**kw)))


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
    _cache_pybtex_entry_points()
    app.connect("config-inited", _set_build_signal)
    app.connect("config-inited", book_mathjax.check_mathjax_path)
    app.connect("config-inited", book_search.configure_search)
    book_site.setup_site(app)
    # the Chinese edition: lossviz's language, echoes out, report, language switch, lang
    book_i18n.setup_i18n(app)
    book_glue_i18n.setup_glue_i18n(app)  # glue values in translated paragraphs
    book_i18n_captions.setup_captions(app)  # the table of contents' part captions
    app.add_css_file(book_mathjax.STYLESHEET)
    app.connect("html-page-context", book_search.add_search_script)
    app.connect("html-page-context", _fix_citation_roles)
    app.connect("doctree-resolved", _bibliography_math)
    # build-finished, in this order: the search excerpts are cut from the pages while their
    # formulas are still TeX, then the formulas are typeset, then the pages are made light
    # (frames out, ...) and their Chinese text marked.
    app.connect("build-finished", book_search.write_excerpts, priority=300)
    app.connect("build-finished", book_mathjax.typeset_pages, priority=400)
    app.connect("build-finished", book_pages.finish_pages, priority=500)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "3"}
