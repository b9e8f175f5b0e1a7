"""The table of contents' part captions in the Chinese edition.

Jupyter Book's table of contents (sphinx-external-toc) inserts the root page's toctrees after
Sphinx's ``Locale`` transform, so their captions ("The interview questions · 面试题") would stay
in English although the root page's catalogue translates them. On ``doctree-read`` (after every
transform, before ``book_i18n`` records what is left untranslated) each caption is looked up in
the page's own catalogue, the same one ``Locale`` reads, and recorded as one of its messages.
"""

from __future__ import annotations

from pathlib import Path

from sphinx import addnodes


def translate_captions(app, doctree) -> None:
    if app.builder.name == "gettext" or app.config.language.split("_")[0] == "en":
        return
    toctrees = [n for n in doctree.findall(addnodes.toctree) if n.get("caption")]
    if not toctrees:
        return
    from sphinx.locale import init as init_locale
    from sphinx.util.i18n import docname_to_domain

    domain = docname_to_domain(app.env.docname, app.config.gettext_compact)
    dirs = [str(Path(app.srcdir, d)) for d in app.config.locale_dirs]
    catalog, has_catalog = init_locale(dirs, app.config.language, domain)
    if not has_catalog:
        return
    store = getattr(app.env, "lossviz_i18n", None)
    for node in toctrees:
        caption = node["caption"]
        translated = catalog.gettext(caption)
        if store is not None:  # a message of this page (book_i18n's report)
            ids = store.setdefault(app.env.docname, {}).setdefault("msgids", [])
            if caption not in ids:
                ids.append(caption)
        if translated != caption:
            node["caption"] = translated
            node["translated"] = True  # book_i18n.record_untranslated skips it


def setup_captions(app) -> None:
    # before book_i18n.record_untranslated (registered at the default priority, 500)
    app.connect("doctree-read", translate_captions, priority=400)
