"""The Chinese edition: Sphinx's own i18n (gettext catalogues per page) plus what the book adds.

The English edition is built with ``language: en`` into ``_build/html/``, the Chinese one with
``language: zh_CN`` into ``_build/html/zh/`` (``scripts/i18n_build.py``). Sphinx translates each
page from ``locale/zh_CN/LC_MESSAGES/<docname>.po`` (``gettext_compact: false``); this module adds:

- **Display language for lossviz.** ``LOSSVIZ_LANG`` is set from Sphinx's ``language`` before the
  notebooks are executed (kernels inherit it): figure text, slider labels and readouts, ✓ lines
  and glue text come from lossviz's own catalogue (:mod:`lossviz.i18n`). In the Chinese build every
  string lossviz looks up is recorded (``<doctreedir>/lossviz-lookups.jsonl``) for the tests.
- **Chinese echoes** in the English source (the 30-second answer's paragraph ``**中文。**`` with the
  list after it, and every paragraph starting with ``中文：``) serve English readers. In the Chinese
  edition their English twin is translated, so they are removed (:class:`ChineseEchoes`); the
  gettext builder removes them too, so they are not translation work.
- **Nothing to translate, nothing extracted.** A paragraph, heading or cell whose text holds no
  word outside math and code (``$y$``, ```r```, a Chinese-only cell) is marked untranslatable: it
  stays as it is in both editions and never appears in a catalogue. So is the Markdown that code
  cells display (their outputs): chapter code translates it through ``lv.i18n.tr``.
- **Report.** In a translated build, each page's message ids and those left untranslated are
  kept in the environment and written to ``<doctreedir>/i18n-report.json`` at the end
  (``tests/test_i18n.py`` reads it; complete after a clean build).
- **Language switch and lang.** Every page gets a link to the same page in the other edition in
  its header (relative, so it works from ``file://``), ``<link rel="alternate" hreflang>`` tags,
  and the Chinese edition's ``<html lang="zh-Hans">``.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.nodes import extract_messages, is_translatable

from lossviz.i18n import COLLECT_ENV, LANG_ENV

logger = logging.getLogger(__name__)

#: The Chinese edition's folder below the English one, and the languages of the two editions.
ZH_FOLDER = "zh"
ZH_HTML_LANG = "zh-Hans"
LOOKUPS = "lossviz-lookups.jsonl"
REPORT = "i18n-report.json"

_MATH_OR_CODE = re.compile(r"\$\$.*?\$\$|\$[^$]*\$|(?:\{[\w:.-]+\})?`[^`]*`|https?://\S+", re.S)
_WORD = re.compile(r"[A-Za-z]{2,}")


def is_english(config) -> bool:
    return (config.language or "en").split("_")[0].lower() == "en"


def translated_build(app) -> bool:
    """Whether pages are read for another language or for the catalogues (gettext)."""
    return app.builder.name == "gettext" or not is_english(app.config)


def has_words(message: str) -> bool:
    """Whether a message holds a word to translate outside math, code, roles and URLs."""
    return bool(_WORD.search(_MATH_OR_CODE.sub(" ", message)))


# --- the language for lossviz -------------------------------------------------------------------


def set_language(app, config) -> None:
    os.environ[LANG_ENV] = config.language or "en"
    if not is_english(config):
        lookups = Path(app.doctreedir) / LOOKUPS
        lookups.parent.mkdir(parents=True, exist_ok=True)
        lookups.write_text("", encoding="utf-8")  # complete after a clean build
        os.environ[COLLECT_ENV] = str(lookups)


# --- echoes and untranslatable text ----------------------------------------------------------------


def _is_echo_heading(node) -> bool:
    return isinstance(node, nodes.paragraph) and node.astext().strip() == "中文。"


def _in_output(node) -> bool:
    """Whether a node is part of a code cell's output (Markdown a notebook displays): its text
    comes from code, which looks it up in lossviz's catalogue (``lv.i18n.tr``), not Sphinx's."""
    parent = node.parent
    while parent is not None:
        if "cell_output" in parent.get("classes", []):
            return True
        parent = parent.parent
    return False


class ChineseEchoes(SphinxTransform):
    """Remove the Chinese echoes (translated build or gettext) and mark messages that hold
    nothing to translate; runs before Sphinx's ``Locale`` transform (priority 20)."""

    default_priority = 15

    def apply(self, **kwargs) -> None:
        if translated_build(self.app):
            self.remove_echoes()
        for node, msg in extract_messages(self.document):
            if not has_words(msg) or _in_output(node):
                node["translatable"] = False

    def remove_echoes(self) -> None:
        for para in list(self.document.findall(nodes.paragraph)):
            if para.parent is None:
                continue
            text = para.astext().lstrip()
            if _is_echo_heading(para):  # "**中文。**" alone: the Chinese list follows
                following = para.next_node(descend=False, siblings=True)
                if isinstance(following, (nodes.bullet_list, nodes.enumerated_list)):
                    following.parent.remove(following)
                para.parent.remove(para)
            elif text.startswith(("中文：", "中文。")):
                para.parent.remove(para)
            elif ECHO in text:  # English lines, then "中文：..." in the same paragraph
                _cut_at(para, ECHO)


#: The start of a Chinese echo inside a paragraph (after its English lines).
ECHO = "中文："


def _cut_at(para, marker: str) -> None:
    """Drop ``marker`` and everything after it from a paragraph (its nodes and its source, which
    is the message id)."""
    for text in list(para.findall(nodes.Text)):
        i = str(text).find(marker)
        if i < 0:
            continue
        node = text
        while node is not para:  # everything after the marker, at every level
            parent = node.parent
            for sibling in parent.children[parent.index(node) + 1 :]:
                parent.remove(sibling)
            node = parent
        text.parent.replace(text, nodes.Text(str(text)[:i].rstrip()))
        if marker in para.rawsource:
            para.rawsource = para.rawsource[: para.rawsource.index(marker)].rstrip()
        return


class RecordMessages(SphinxTransform):
    """Before ``Locale`` (priority 20): the page's message ids, in a translated html build."""

    default_priority = 19

    def apply(self, **kwargs) -> None:
        if self.app.builder.name == "gettext" or is_english(self.config):
            return
        ids = [
            msg for node, msg in extract_messages(self.document) if msg and is_translatable(node)
        ]
        _store(self.env).setdefault(self.env.docname, {})["msgids"] = sorted(set(ids))


def _store(env) -> dict:
    if not hasattr(env, "lossviz_i18n"):
        env.lossviz_i18n = {}
    return env.lossviz_i18n


def record_untranslated(app, doctree) -> None:
    """After every transform: the messages of the page that Sphinx did not translate."""
    if app.builder.name == "gettext" or is_english(app.config):
        return
    missing = [
        msg
        for node, msg in extract_messages(doctree)
        if msg and is_translatable(node) and not node.get("translated")
    ]
    _store(app.env).setdefault(app.env.docname, {})["untranslated"] = sorted(set(missing))


def purge_doc(app, env, docname) -> None:
    _store(env).pop(docname, None)


def merge_info(app, env, docnames, other) -> None:
    store = _store(env)
    for docname in docnames:
        if docname in _store(other):
            store[docname] = _store(other)[docname]


def write_report(app, exc) -> None:
    if exc is not None or app.builder.format != "html" or is_english(app.config):
        return
    pages = {d: v for d, v in sorted(_store(app.env).items()) if d in app.env.found_docs}
    report = {"language": app.config.language, "pages": pages}
    path = Path(app.doctreedir) / REPORT
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    untranslated = sum(len(v.get("untranslated", [])) for v in pages.values())
    logger.info(f"book_i18n: {untranslated} messages untranslated; report in {path}")


# --- language switch ------------------------------------------------------------------------------


def other_edition(pagename: str, english: bool) -> str:
    """The relative URL of the same page in the other edition."""
    depth = pagename.count("/")
    if english:
        return "../" * depth + f"{ZH_FOLDER}/{pagename}.html"
    return "../" * (depth + 1) + f"{pagename}.html"


def switch_html(pagename: str, english: bool) -> str:
    href = other_edition(pagename, english)
    if english:
        return (
            f'<a class="btn btn-sm lossviz-lang-switch" href="{href}" hreflang="{ZH_HTML_LANG}" '
            f'lang="{ZH_HTML_LANG}" title="中文版">中文</a>'
        )
    return (
        f'<a class="btn btn-sm lossviz-lang-switch" href="{href}" hreflang="en" lang="en" '
        f'title="English edition">EN</a>'
    )


def add_alternates(app, pagename, templatename, context, doctree) -> None:
    english = is_english(app.config)
    here = "en" if english else ZH_HTML_LANG
    there = ZH_HTML_LANG if english else "en"
    tags = (
        f'<link rel="alternate" hreflang="{here}" href="{pagename.rsplit("/", 1)[-1]}.html" />\n'
        f'<link rel="alternate" hreflang="{there}" href="{other_edition(pagename, english)}" />\n'
    )
    context["metatags"] = context.get("metatags", "") + tags


#: The themes' interface strings that their zh_CN catalogues leave in English (or give in
#: Traditional Chinese), in the Chinese edition: exact attribute values and texts.
ZH_INTERFACE = {
    '"Search this book..."': '"搜索本书…"',
    '"Toggle primary sidebar"': '"显示或隐藏导航栏"',
    '"Toggle secondary sidebar"': '"显示或隐藏本页目录"',
    '"Color mode"': '"颜色模式"',
    '"System Settings"': '"跟随系统"',
    '"Light"': '"浅色"',
    '"Dark"': '"深色"',
    'aria-label="Main"': 'aria-label="主导航"',
    'aria-label="Page"': 'aria-label="本页"',
    "列印成 PDF": "打印为 PDF",
    "© Copyright 2026.": "© 2026",
}

_HEADER_BUTTONS = '<div class="article-header-buttons">'
_HTML_LANG = re.compile(r'<html([^>]*?)\slang="[^"]*"')


def finish_page(text: str, pagename: str, english: bool) -> str:
    """The language switch first among the header buttons; ``lang`` of the Chinese edition."""
    if "lossviz-lang-switch" not in text:
        text = text.replace(_HEADER_BUTTONS, _HEADER_BUTTONS + switch_html(pagename, english), 1)
    if not english:
        text = _HTML_LANG.sub(rf'<html\1 lang="{ZH_HTML_LANG}"', text, count=1)
        for old, new in ZH_INTERFACE.items():
            text = text.replace(old, new)
    return text


def finish_pages(app, exc) -> None:
    if exc is not None or app.builder.format != "html":
        return
    from book_pages import html_pages

    outdir = Path(app.outdir)
    english = is_english(app.config)
    for page in html_pages(outdir):
        pagename = page.relative_to(outdir).with_suffix("").as_posix()
        text = page.read_text(encoding="utf-8")
        new = finish_page(text, pagename, english)
        if new != text:
            page.write_text(new, encoding="utf-8")


def setup_i18n(app) -> None:
    app.connect("config-inited", set_language)
    app.add_transform(ChineseEchoes)
    app.add_transform(RecordMessages)
    app.connect("doctree-read", record_untranslated)
    app.connect("env-purge-doc", purge_doc)
    app.connect("env-merge-info", merge_info)
    app.connect("html-page-context", add_alternates)
    app.connect("build-finished", write_report)
    app.connect("build-finished", finish_pages, priority=450)
