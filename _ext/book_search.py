"""Search that finds Chinese terms and shows excerpts without TeX, from a server or from disk.

- The index is built with Sphinx's Chinese splitter (``html_search_language: zh`` in
  ``_config.yml``): jieba cuts Chinese text into words, English words are still stemmed (Porter).
  :data:`USER_DICT` adds the book's terms to jieba's dictionary so that a term such as 交叉熵 or
  逻辑回归 is indexed whole (jieba's search mode also indexes its parts, 交叉 and 熵).
- ``lossviz-search.js`` (search page only) splits a query the same way in the browser: a run of
  Chinese characters that is not an indexed word is cut into the longest indexed words.
- Excerpts: Sphinx's search page fetches every hit's HTML page to cut an excerpt from it, which
  fails from ``file://`` and shows the formulas as raw TeX. At ``build-finished`` the text of every
  page (main content only, no code, formulas as plain text) is written to
  ``_static/search-excerpts.js``; the search page answers those fetches from it.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import snowballstemmer
import sphinx.search
from sphinx.search import zh as sphinx_zh
from sphinx.util import logging

logger = logging.getLogger(__name__)

USER_DICT = Path(__file__).parent / "search_terms_zh.txt"
EXCERPTS = "search-excerpts.js"


class BookSearchChinese(sphinx_zh.SearchChinese):
    """Sphinx's Chinese splitter, with the same index in a fraction of the time.

    Sphinx 7.4's ``SearchChinese`` keeps every Latin word it has split in a list and tests each
    word's membership in it when it stems: quadratic in the size of the book (about a quarter of
    an edition's Sphinx time, notebooks aside). Here the terms are a set and stems are cached;
    ``split`` and ``stem`` return what Sphinx's do (tests/test_site_passes.py compares them).
    """

    latin_terms: set[str] = set()  # noqa: RUF012 (shared by instances, as Sphinx's list is)

    def split(self, input: str) -> list[str]:
        chinese: list[str] = []
        if sphinx_zh.JIEBA:
            chinese = list(sphinx_zh.jieba.cut_for_search(input))
        latin1 = [term.strip() for term in self.latin1_letters.findall(input)]
        self.latin_terms.update(latin1)
        return chinese + latin1

    def stem(self, word: str) -> str:
        stemmed = _stem_english(word.lower())
        if word in self.latin_terms and len(word) >= 3 and len(stemmed) < 3:
            return word.lower()  # an acronym that stemming would cut short
        return stemmed


_ENGLISH = snowballstemmer.stemmer("english")


@functools.cache
def _stem_english(word: str) -> str:
    return _ENGLISH.stemWord(word)


def configure_search(app, config) -> None:
    """Point Sphinx's Chinese splitter at the book's jieba dictionary."""
    if (config.html_search_language or "").startswith("zh"):
        sphinx.search.languages["zh"] = BookSearchChinese
        options = dict(config.html_search_options or {})
        options.setdefault("dict", str(USER_DICT))
        config.html_search_options = options


def add_search_script(app, pagename, templatename, context, doctree) -> None:
    if pagename == "search":
        # After documentation_options.js (200), before searchtools.js, which keeps a splitQuery
        # that is already defined.
        app.add_js_file("lossviz-search.js", priority=300)


# --- excerpts: plain text of each page ---------------------------------------------------------

_TEX_SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν",
    "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ", "varphi": "φ",
    "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ",
    "Lambda": "Λ", "Sigma": "Σ", "Phi": "Φ", "Omega": "Ω", "sum": "Σ", "prod": "Π",
    "infty": "∞", "cdot": "·", "times": "×", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥",
    "ne": "≠", "neq": "≠", "approx": "≈", "to": "→", "rightarrow": "→", "in": "∈",
    "partial": "∂", "nabla": "∇", "pm": "±", "ldots": "…", "cdots": "…", "mid": "|",
    "lVert": "‖", "rVert": "‖", "Vert": "‖", "|": "‖", "langle": "⟨", "rangle": "⟩",
}  # fmt: skip


def tex_to_text(tex: str) -> str:
    """A readable plain-text rendering of a TeX formula for search excerpts (not for display)."""
    text = re.sub(r"^\\[(\[]|\\[)\]]$", "", tex.strip())
    text = re.sub(r"\\begin\{\w+\*?\}|\\end\{\w+\*?\}|&|\\\\", " ", text)
    text = re.sub(r"\\(?:left|right|big|Big|bigg|Bigg)\b\.?", "", text)
    for _ in range(3):  # nested fractions, innermost first
        text = re.sub(r"\\[dt]?frac\{([^{}]*)\}\{([^{}]*)\}", r"(\1)/(\2)", text)
    text = re.sub(r"\\sqrt\{([^{}]*)\}", r"√(\1)", text)
    text = re.sub(
        r"\\(?:mathrm|mathbf|mathit|mathcal|mathbb|boldsymbol|operatorname|text|textbf)\{([^{}]*)\}",
        r"\1",
        text,
    )
    text = re.sub(r"\\([A-Za-z]+|\|)", lambda m: _TEX_SYMBOLS.get(m.group(1), m.group(1)), text)
    text = re.sub(r"\\[,;:! ]", " ", text)
    text = text.replace("{", "").replace("}", "")
    return " ".join(text.split())


#: What an excerpt leaves out: code, figures, navigation. :func:`_dropped` tests an element
#: against this selector without soupsieve (tests/test_site_passes.py checks they agree).
DROPPED_SELECTOR = (
    "script, style, img, svg, form, button, .headerlink, .cell_input, .copybtn, .prev-next-area, "
    ".toctree-wrapper, details.hide, figure.lossviz-slider, #jb-print-docs-body"
)
_DROP_TAGS = frozenset({"script", "style", "img", "svg", "form", "button"})
_DROP_CLASSES = frozenset(
    {"headerlink", "cell_input", "copybtn", "prev-next-area", "toctree-wrapper"}
)
_DROP_TAG_CLASS = {"details": "hide", "figure": "lossviz-slider"}
_KEEP_TAGS = frozenset({"section", "div", "p", "li", "dt", "dd", "h1", "h2", "h3", "h4"})


def _dropped(el) -> bool:
    if el.name in _DROP_TAGS or el.get("id") == "jb-print-docs-body":
        return True
    classes = el.get("class") or ()
    return bool(_DROP_CLASSES.intersection(classes)) or _DROP_TAG_CLASS.get(el.name) in classes


def _is_math(el) -> bool:
    return el.name in ("span", "div") and "math" in (el.get("class") or ())


def page_excerpt_html(page_html: str) -> str:
    """The main content of a built page as light HTML: text and the ids of sections only.

    Elements are found by predicates rather than CSS selectors: soupsieve tried every selector
    on each of a chapter's ~17,000 elements, about half of this function's time.
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page_html, "html.parser")
    main = soup.find(attrs={"role": "main"}) or soup.body
    if main is None:
        return ""
    for el in main.find_all(_dropped):
        el.decompose()
    for el in main.find_all(_is_math):
        el.replace_with(" " + tex_to_text(el.get_text()) + " ")
    for el in main.find_all(True):
        keep = {"id": el["id"]} if el.has_attr("id") else {}
        el.attrs = keep
        if el.name not in _KEEP_TAGS:
            if not el.has_attr("id"):
                el.unwrap()
    text = main.decode_contents()
    text = re.sub(r"\s+", " ", text)
    return f'<div role="main">{text}</div>'


def write_excerpts(app, exc) -> None:
    if exc is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    table = {}
    for docname in sorted(app.env.found_docs):
        page = outdir / f"{docname}.html"
        if page.is_file():
            table[docname] = page_excerpt_html(page.read_text(encoding="utf-8"))
    payload = json.dumps(table, ensure_ascii=False, separators=(",", ":"))
    (outdir / "_static" / EXCERPTS).write_text(
        f"window.LOSSVIZ_EXCERPTS = {payload};\n", encoding="utf-8"
    )
    logger.info(f"lossviz_book: search excerpts of {len(table)} pages in _static/{EXCERPTS}")
