"""Glue values inside translated paragraphs (the Chinese edition).

Sphinx translates a paragraph by parsing its ``msgstr`` as a small document of its own
(``sphinx.transforms.i18n.publish_msgstr``). For a notebook that small document gets a fresh
myst-nb renderer whose notebook has no glue data, so every ``{glue:text}`key``` in a translated
paragraph would fail with "No key 'key' found in glue data for this document". A transform that
myst-nb removes the page's renderer from the document at the end of its parse; this module keeps
it for the rest of that page's read (``env.temp_data``), and myst-nb's glue lookup falls back to
it when the small document's renderer does not know the key: a value is still glued once, by the
page's own execution, in both editions.
"""

from __future__ import annotations

_RENDERER = "lossviz_glue_renderer"


class _KeepRenderer(dict):
    """A document's attributes that keep the page's renderer when myst-nb pops it."""

    def __init__(self, attributes: dict, env) -> None:
        super().__init__(attributes)
        self.env = env

    def pop(self, key, *default):
        value = super().pop(key, *default)
        # the page is parsed first; the small documents of its translated paragraphs come later
        if key == "nb_renderer" and value is not None:
            self.env.temp_data.setdefault(_RENDERER, value)
        return value


def _keeping_renderer(parse):
    def parse_notebook(self, inputstring, document):
        env = getattr(document.settings, "env", None)
        if env is not None and not isinstance(document.attributes, _KeepRenderer):
            document.attributes = _KeepRenderer(document.attributes, env)
        return parse(self, inputstring, document)

    parse_notebook.lossviz_keeps_renderer = True
    return parse_notebook


def _with_page_fallback(retrieve):
    from myst_nb.ext.glue.utils import RetrievalError

    def retrieve_glue_data(document, key):
        try:
            return retrieve(document, key)
        except RetrievalError:
            env = getattr(document.settings, "env", None)
            page = env.temp_data.get(_RENDERER) if env is not None else None
            if page is None or document.get("nb_renderer") is page:
                raise
            return retrieve({"nb_renderer": page}, key)

    retrieve_glue_data.lossviz_fallback = True
    return retrieve_glue_data


def setup_glue_i18n(app) -> None:
    from myst_nb import sphinx_ as nb_sphinx
    from myst_nb.ext.glue import directives, roles

    for module in (roles, directives):
        if not getattr(module.retrieve_glue_data, "lossviz_fallback", False):
            module.retrieve_glue_data = _with_page_fallback(module.retrieve_glue_data)
    if not getattr(nb_sphinx.Parser.parse, "lossviz_keeps_renderer", False):
        nb_sphinx.Parser.parse = _keeping_renderer(nb_sphinx.Parser.parse)
