"""The site around the pages: its own stylesheet and script, favicon, page metadata.

- ``_ext/static/`` is added to ``html_static_path``: ``lossviz-site.css`` (dark-mode outputs,
  print handout, scroll cues, one search box) and ``lossviz-site.js`` (the sidebar buttons on
  phones and tablets, named scroll regions), plus ``favicon.svg``; ``lossviz-icons.css`` is
  written at the end of the build (``book_pages``).
- Thebe is off, yet the theme adds its loader and configuration to every page (twice, which logs
  "Identifier 'THEBE_JS_URL' has already been declared"): both are removed from the page context.
- Every page gets a meta description (its first paragraph without math) and Open Graph tags.
"""

from __future__ import annotations

import html
from pathlib import Path

from docutils import nodes

STATIC = Path(__file__).parent / "static"
DESCRIPTION_LENGTH = 160


def add_static(app, config) -> None:
    """Register the site's own static folder, stylesheet, script and favicon."""
    config.html_static_path = [*config.html_static_path, str(STATIC)]
    if not config.html_favicon:
        config.html_favicon = str(STATIC / "favicon.svg")


def drop_thebe(app, pagename, templatename, context, doctree) -> None:
    """Remove Thebe's loader, its configuration and stylesheet (Thebe is off)."""
    scripts = context.get("script_files")
    if scripts is not None:
        context["script_files"] = [
            s
            for s in scripts
            if "thebe" not in str(getattr(s, "filename", s) or "")
            and "THEBE_JS_URL" not in str(getattr(s, "attributes", {}).get("body", ""))
        ]
    styles = context.get("css_files")
    if styles is not None:
        context["css_files"] = [
            c for c in styles if "thebe" not in str(getattr(c, "filename", c) or "")
        ]


def _ancestors(node):
    node = node.parent
    while isinstance(node, nodes.Element):
        yield node
        node = node.parent


def description(doctree) -> str:
    """The first paragraph of the page that holds no math, shortened to a sentence or two."""
    if doctree is None:
        return ""
    for para in doctree.findall(nodes.paragraph):
        if para.next_node(nodes.math) is not None or para.next_node(nodes.literal) is not None:
            continue
        if any("cell_output" in a.get("classes", []) for a in _ancestors(para)):
            continue
        text = " ".join(para.astext().split())
        if len(text) < 40:
            continue
        if len(text) > DESCRIPTION_LENGTH:
            cut = text[:DESCRIPTION_LENGTH].rsplit(" ", 1)[0]
            text = cut.rstrip(",;:") + "…"
        return text
    return ""


def add_meta(app, pagename, templatename, context, doctree) -> None:
    """A meta description and Open Graph tags (title, description, site name, type, locale)."""
    text = description(doctree) or app.config.html_title or ""
    title = html.unescape(context.get("title") or "")
    site = app.config.html_title or app.config.project
    # Open Graph locales: this edition's, then the other one's (book_i18n: the Chinese edition)
    english = (app.config.language or "en").split("_")[0].lower() == "en"
    here, there = ("en_US", "zh_CN") if english else ("zh_CN", "en_US")
    tags = [
        f'<meta name="description" content="{html.escape(text)}" />',
        f'<meta property="og:title" content="{html.escape(title)}" />',
        f'<meta property="og:description" content="{html.escape(text)}" />',
        f'<meta property="og:site_name" content="{html.escape(site)}" />',
        '<meta property="og:type" content="article" />',
        f'<meta property="og:locale" content="{here}" />',
        f'<meta property="og:locale:alternate" content="{there}" />',
    ]
    context["metatags"] = context.get("metatags", "") + "\n".join(tags) + "\n"


def setup_site(app) -> None:
    app.connect("config-inited", add_static)
    app.add_css_file("lossviz-site.css")
    app.add_css_file("lossviz-icons.css")
    app.add_js_file("lossviz-site.js", loading_method="defer")
    # After the theme and the other extensions have filled the page context.
    app.connect("html-page-context", drop_thebe, priority=900)
    app.connect("html-page-context", add_meta)
