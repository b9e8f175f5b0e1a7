"""The Chinese edition is complete and kept in step with the English source (issue 18).

Static (no build):
- every page of the table of contents has its catalogue ``locale/zh_CN/LC_MESSAGES/<docname>.po``
  and every catalogue a page;
- every entry of every catalogue (the pages' and lossviz's ``lossviz.po``) is translated, not
  fuzzy, not obsolete (``#~``) — strict, no page is exempt;
- a translation keeps the formulas, code, cross-reference targets and glue keys of its English
  message (``$...$``, backticks, ``{term}`x``` targets, ``{glue:text}`` keys; lossviz's ``{field}``s);
- lossviz's lookups: translation of figure text, controls, readouts and ✓ lines; collect mode.

Site (the built site, ``built_site``: the English edition in ``html/``, the Chinese in ``html/zh/``):
- both editions have the same pages; the language switch of every page leads to the same page in
  the other edition and back; ``<html lang>`` is ``en`` / ``zh-Hans``;
- the Chinese build's report (``.doctrees-zh/i18n-report.json``): no message of any page left
  untranslated, no catalogue entry that the current source no longer has; lossviz's lookups in the
  Chinese build (``.doctrees-zh/lossviz-lookups.jsonl``): every string found, no entry unused;
- no English prose on a Chinese page (:func:`english_runs`, heuristic below);
- the Chinese search index finds 正则化 in the logistic-regression chapter and 交叉熵 in the
  cross-entropy chapter.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from conftest import BOOK, toc_docnames

sys.path.insert(0, str(BOOK / "_ext"))
import book_i18n  # noqa: E402

LANG = "zh_CN"
LOCALE = BOOK / "locale" / LANG / "LC_MESSAGES"
DOCNAMES = toc_docnames()
LOSSVIZ_PO = BOOK / "lossviz" / "locale" / LANG / "LC_MESSAGES" / "lossviz.po"


def read_catalogue(path: Path):
    from babel.messages.pofile import read_po

    with path.open("rb") as f:
        return read_po(f, locale=LANG)


def catalogues() -> list[Path]:
    return sorted(LOCALE.rglob("*.po")) if LOCALE.is_dir() else []


def _name(path: Path) -> str:
    return path.relative_to(LOCALE).with_suffix("").as_posix()


# --- static: the catalogues -----------------------------------------------------------------------


def test_every_page_has_a_catalogue_and_every_catalogue_a_page():
    pages = {_name(p) for p in catalogues()}
    assert sorted(set(DOCNAMES) - pages) == [], "pages without a catalogue: run i18n_update.sh"
    assert sorted(pages - set(DOCNAMES)) == [], "catalogues of no page: run i18n_update.sh"


def _todo(catalog) -> dict[str, list[str]]:
    messages = [m for m in catalog if m.id]
    return {
        "untranslated": [m.id for m in messages if not m.string],
        "fuzzy": [m.id for m in messages if m.string and m.fuzzy],
        "obsolete": [m.id for m in catalog.obsolete.values()],
    }


@pytest.mark.parametrize("po", catalogues(), ids=_name)
def test_page_catalogue_is_complete(po):
    todo = {k: v for k, v in _todo(read_catalogue(po)).items() if v}
    counts = {k: len(v) for k, v in todo.items()}
    assert not todo, f"{_name(po)}: {counts}; first: {[v[0][:80] for v in todo.values()]}"


def test_lossviz_catalogue_is_complete():
    assert LOSSVIZ_PO.is_file(), "run scripts/i18n_update.sh"
    todo = {k: v for k, v in _todo(read_catalogue(LOSSVIZ_PO)).items() if v}
    counts = {k: len(v) for k, v in todo.items()}
    assert not todo, f"lossviz.po: {counts}; first: {[v[0][:80] for v in todo.values()]}"


_DISPLAY_MATH = re.compile(r"\$\$.*?\$\$", re.S)
_INLINE_MATH = re.compile(r"\$[^$]+\$")
_CODE = re.compile(r"(?<![}`])`([^`]+)`")
_ROLE = re.compile(r"\{([\w:.-]+)\}`([^`]*)`")


def invariants(message: str) -> dict[str, list[str]]:
    """What a translation must keep: formulas, code, role targets (``{term}`中文 <x>``` targets x)."""
    roles = []
    for role, text in _ROLE.findall(message):
        target = re.search(r"<([^<>]+)>\s*$", text)
        roles.append(f"{role}:{(target.group(1) if target else text).strip()}")
    rest = _ROLE.sub(" ", message)
    display = _DISPLAY_MATH.findall(rest)
    rest = _DISPLAY_MATH.sub(" ", rest)
    return {
        "math": sorted(display + _INLINE_MATH.findall(rest)),
        "code": sorted(_CODE.findall(_INLINE_MATH.sub(" ", rest))),
        "roles": sorted(roles),
    }


def test_invariants_see_roles_math_and_code():
    en = "the {term}`residual` of $r=\\hat y-y$ in `lv.x`; see {glue:text}`k`"
    zh = "{term}`残差 <residual>`，即 $r=\\hat y-y$，见 `lv.x`；{glue:text}`k`"
    assert invariants(en) == invariants(zh)
    assert invariants(en) != invariants(zh.replace("$r=", "$r = "))
    assert invariants(en) != invariants(zh.replace("<residual>", "<margin>"))


@pytest.mark.parametrize("po", catalogues(), ids=_name)
def test_translations_keep_formulas_code_and_links(po):
    changed = [
        (m.id[:60], m.string[:60])
        for m in read_catalogue(po)
        if m.id and m.string and not m.fuzzy and invariants(m.id) != invariants(m.string)
    ]
    assert not changed, f"{_name(po)}: a translation changed math, code or a link target: {changed}"


def test_lossviz_translations_keep_their_fields():
    assert LOSSVIZ_PO.is_file(), f"lossviz's catalogue is missing: {LOSSVIZ_PO}"
    field = re.compile(r"\{(\w*)\}")
    changed = [
        m.id
        for m in read_catalogue(LOSSVIZ_PO)
        if m.id
        and m.string
        and (
            sorted(field.findall(m.id)) != sorted(field.findall(m.string))
            or _INLINE_MATH.findall(m.id) != _INLINE_MATH.findall(m.string)
        )
    ]
    assert not changed, f"translations that lost a {{field}} or a formula: {changed[:5]}"


# --- static: the extension's pieces ---------------------------------------------------------------


def test_words_outside_math_and_code_decide_what_is_extracted():
    assert not book_i18n.has_words("$y$")
    assert not book_i18n.has_words("`target`, `y`")
    assert not book_i18n.has_words("标签 / 目标值")
    assert not book_i18n.has_words("{term}`residual`")
    assert book_i18n.has_words("the {term}`residual`: prediction minus target")
    assert book_i18n.has_words("Notation · 记号")


def test_chinese_echoes_are_removed():
    from docutils import nodes
    from docutils.core import publish_doctree

    doc = publish_doctree(
        "**The answer.**\n\n- one\n- two\n\n**中文。**\n\n- 一\n- 二\n\n"
        "English answer.\n\n中文：中文回答。\n\nThe question 「原题」 stays.\n\n"
        "**中文。** 一段中文。\n\nA follow-up answer *in English*.\n中文：*同一段* 的中文。\n"
    )

    class Echoes(book_i18n.ChineseEchoes):
        def __init__(self, document):
            self.document = document

    Echoes(doc).remove_echoes()
    text = doc.astext()
    assert "中文" not in text and "一" not in text
    assert "one" in text and "English answer." in text and "「原题」" in text
    assert "A follow-up answer in English." in text
    cut = [p for p in doc.findall(nodes.paragraph) if "follow-up" in p.astext()][0]
    assert cut.astext() == "A follow-up answer in English." and "中文" not in cut.rawsource


@pytest.mark.parametrize("page", ["intro", "chapters/smooth_l1", "a/b/c"])
def test_language_switch_urls_lead_to_the_same_page_and_back(page, tmp_path):
    en = tmp_path / f"{page}.html"
    zh = tmp_path / "zh" / f"{page}.html"
    to_zh = (en.parent / book_i18n.other_edition(page, english=True)).resolve()
    to_en = (zh.parent / book_i18n.other_edition(page, english=False)).resolve()
    assert to_zh == zh.resolve() and to_en == en.resolve()


# --- static: lossviz draws in the display language ----------------------------------------------


@pytest.fixture
def zh_catalogue(tmp_path, monkeypatch):
    """lossviz in Chinese with a small catalogue of its own (not the book's)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    import lossviz.i18n as i18n

    catalog = Catalog(locale=LANG)
    pairs = {
        "loss": "损失",
        "residual $r$": "残差 $r$",
        "Smooth L1": "平滑 L1",
        "β (transition width)": "β（过渡宽度）",
        "loss at r = 2": "r = 2 处的损失",
        "the loss is even": "损失是偶函数",
        "checked with sympy, exact": "sympy 验证，精确",
        "Checked": "已验证",
        "residual units": "残差单位",
        "An example figure.": "示例图。",
    }
    for k, v in pairs.items():
        catalog.add(k, v)
    catalog.add("fuzzy one", "模糊", flags=["fuzzy"])
    path = tmp_path / LANG / "LC_MESSAGES" / "lossviz.po"
    path.parent.mkdir(parents=True)
    with path.open("wb") as f:
        write_po(f, catalog)
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    monkeypatch.setenv(i18n.LANG_ENV, LANG)
    i18n._messages.cache_clear()
    i18n._translations.cache_clear()
    yield i18n
    i18n._messages.cache_clear()
    i18n._translations.cache_clear()


def test_english_is_the_default_and_untouched(monkeypatch):
    import lossviz.i18n as i18n

    monkeypatch.delenv(i18n.LANG_ENV, raising=False)
    monkeypatch.delenv(i18n.COLLECT_ENV, raising=False)
    assert i18n.language() == "en" and not i18n.active()
    assert i18n.tr("loss") == "loss"


def test_lookups_translate_whole_strings_and_skip_fuzzy(zh_catalogue):
    tr = zh_catalogue.tr
    assert tr("loss") == "损失"
    assert tr("residual $r$") == "残差 $r$"
    assert tr("fuzzy one") == "fuzzy one"  # a fuzzy entry is a draft, not a translation
    assert tr("loss at r = 3") == "loss at r = 3"  # whole strings only, never fragments
    assert tr("$p_t$") == "$p_t$"


def _translated_line(fig):
    """A figure whose legend, axis labels and readout are in lossviz's catalogue."""
    ax = fig.subplots()
    (line,) = ax.plot([0, 1], [0, 1], label="Smooth L1")
    ax.set(xlabel="residual $r$", ylabel="loss")
    ax.legend()

    def update(beta):
        line.set_ydata([0, beta])
        return {"loss at r = 2": beta}

    return update


def test_figure_text_controls_readouts_and_claims_in_chinese(zh_catalogue, monkeypatch):
    import lossviz as lv

    fig = lv.slider_figure(
        _translated_line,
        lv.Param(
            "beta",
            0.5,
            2.0,
            default=1.0,
            num=3,
            label="β (transition width)",
            unit="residual units",
        ),
        alt="An example figure.",
        mode="static",
    )
    html = fig.html
    assert "β（过渡宽度）" in html and "残差单位" in html and "r = 2 处的损失" in html
    assert "示例图。" in html and "transition width" not in html
    checked = lv.claim("the loss is even", True, how="checked with sympy, exact")
    line = checked._repr_html_()
    assert "损失是偶函数" in line and "sympy 验证，精确" in line and 'aria-label="已验证"' in line


def test_plain_figures_are_translated(zh_catalogue):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.subplots()
    ax.plot([0, 1], [0, 1], label="Smooth L1")
    ax.legend()
    ax.set(xlabel="residual $r$", ylabel="loss", title="$p_t$")
    zh_catalogue.translate_figure(fig)
    texts = [t.get_text() for t in fig.findobj(matplotlib.text.Text)]
    assert "残差 $r$" in texts and "损失" in texts and "平滑 L1" in texts and "$p_t$" in texts


def test_chinese_text_next_to_math_is_drawn_with_glyphs(zh_catalogue, caplog):
    """A title that is already Chinese (a template filled in the display language) and holds math
    gets the CJK font too: matplotlib's mathtext would otherwise draw its Chinese as boxes."""
    import io
    import logging

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    if zh_catalogue.cjk_family() is None:
        pytest.fail("no CJK font installed: scripts/setup.sh installs fonts-wqy-microhei")
    fig = Figure()
    ax = fig.subplots()
    ax.set_title("$y = 1$，比值 0.5")  # Chinese from the start: nothing left to translate
    zh_catalogue.translate_figure(fig)
    with caplog.at_level(logging.WARNING, logger="matplotlib.mathtext"):
        fig.savefig(io.BytesIO(), format="png")  # a Figure's own canvas draws nothing
    assert not [r for r in caplog.records if "does not have a glyph" in r.getMessage()]


def test_translating_a_translated_figure_again_changes_nothing(zh_catalogue):
    """A slider translates its figure after every frame: once the text is Chinese and drawn with
    the CJK font, doing it again must leave every artist as drawn (a stale axis label or tick
    label would make the frame renderer redraw the ticks of every frame instead of blitting)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FixedFormatter

    if zh_catalogue.cjk_family() is None:
        pytest.fail("no CJK font installed: scripts/setup.sh installs fonts-wqy-microhei")
    fig = Figure()
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    ax.plot([0, 1], [0, 1], label="Smooth L1")
    ax.legend()
    ax.set(xlabel="residual $r$", ylabel="loss", title="$y = 1$，比值 0.5")
    ax.set_xticks([0, 1])
    ax.xaxis.set_major_formatter(FixedFormatter(["loss", "Smooth L1"]))  # translated too
    zh_catalogue.translate_figure(fig)
    fig.canvas.draw()
    assert not fig.stale
    zh_catalogue.translate_figure(fig)
    assert not fig.stale, [a for a in fig.findobj() if a.stale and a.get_visible()]
    assert ax.xaxis.label.get_text() == "残差 $r$"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["损失", "平滑 L1"]


def test_chinese_slider_frames_blit_the_same_artists_as_english(zh_catalogue, monkeypatch):
    """The Chinese edition's static frames redraw only what ``update`` changes, as in English:
    translated axis labels do not put the axes (ticks and tick labels) into every frame."""
    import lossviz as lv

    def tails():
        fig = lv.slider_figure(
            _translated_line,
            lv.Param("beta", 0.5, 2.0, default=1.0, num=4, label="β (transition width)"),
            alt="An example figure.",
            mode="static",
            narrow=False,
        )
        assert fig.renderer.blits >= 3
        return [[type(a).__name__ for a in tail] for _ax, tail in fig.renderer._plan]

    chinese = tails()
    monkeypatch.setenv(zh_catalogue.LANG_ENV, "en")
    english = tails()
    assert chinese == english
    assert not any(name.endswith("Axis") for tail in chinese for name in tail)


def test_collect_mode_records_every_lookup(tmp_path, monkeypatch):
    import lossviz.i18n as i18n

    record = tmp_path / "lookups.jsonl"
    monkeypatch.delenv(i18n.LANG_ENV, raising=False)
    monkeypatch.setenv(i18n.COLLECT_ENV, str(record))
    assert i18n.tr("loss", "figure") == "loss"
    i18n.tr("$x$")
    lines = [json.loads(line) for line in record.read_text().splitlines()]
    assert lines == [{"msgid": "loss", "context": "figure", "hit": False}]


# --- site: both editions --------------------------------------------------------------------------

ZH = "zh"


def _pages(site: Path) -> set[str]:
    return {
        p.relative_to(site).with_suffix("").as_posix()
        for p in site.rglob("*.html")
        if not ({"_static", "_sources", "_images"} & set(p.relative_to(site).parts))
    }


@pytest.mark.slow
def test_both_editions_have_the_same_pages(built_site):
    zh = _pages(built_site / ZH)
    en = {p for p in _pages(built_site) if not p.startswith(f"{ZH}/")}
    assert zh, "no Chinese edition in html/zh/"
    assert sorted(en - zh) == [] and sorted(zh - en) == []


_SWITCH = re.compile(r'<a class="[^"]*lossviz-lang-switch[^"]*" href="([^"]+)"')
_HTML_LANG = re.compile(r'<html[^>]*\slang="([^"]+)"')


@pytest.mark.slow
def test_language_switch_leads_to_the_same_page_and_back(built_site):
    problems = []
    for name in sorted(_pages(built_site / ZH)):
        en, zh = built_site / f"{name}.html", built_site / ZH / f"{name}.html"
        for page, other, lang in ((en, zh, "en"), (zh, en, "zh-Hans")):
            text = page.read_text(encoding="utf-8")
            if 'http-equiv="Refresh"' in text[:300]:  # index.html: a redirect to the first page
                continue
            links = _SWITCH.findall(text)
            if len(links) != 1:
                problems.append(f"{page}: {len(links)} language switches")
                continue
            if (page.parent / links[0]).resolve() != other.resolve():
                problems.append(f"{page}: switch leads to {links[0]}")
            found = _HTML_LANG.search(text)
            if not found or found.group(1) != lang:
                problems.append(f"{page}: <html lang> {found and found.group(1)!r}, not {lang}")
    assert not problems, problems[:10]


def _report(built_site: Path) -> dict:
    path = built_site.parent / ".doctrees-zh" / book_i18n.REPORT
    assert path.is_file(), f"{path} missing: the Chinese edition was not built"
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.slow
def test_every_message_of_the_chinese_pages_is_translated(built_site):
    pages = _report(built_site)["pages"]
    missing = {d: len(v.get("untranslated", [])) for d, v in pages.items() if v.get("untranslated")}
    assert not missing, f"messages left in English per page: {missing}"


@pytest.mark.slow
def test_no_catalogue_entry_is_obsolete(built_site):
    pages = _report(built_site)["pages"]
    obsolete = {}
    for po in catalogues():
        used = set(pages.get(_name(po), {}).get("msgids", []))
        stale = [m.id for m in read_catalogue(po) if m.id and m.id not in used]
        if stale:
            obsolete[_name(po)] = stale
    assert not obsolete, {k: [s[:60] for s in v[:3]] for k, v in obsolete.items()}


def _lookups(built_site: Path) -> list[dict]:
    path = built_site.parent / ".doctrees-zh" / book_i18n.LOOKUPS
    assert path.is_file(), f"{path} missing: the Chinese edition was not built"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@pytest.mark.slow
def test_every_string_lossviz_draws_is_translated(built_site):
    missing = sorted({item["msgid"] for item in _lookups(built_site) if not item["hit"]})
    assert not missing, f"{len(missing)} lossviz strings without translation: {missing[:8]}"


@pytest.mark.slow
def test_no_lossviz_entry_is_unused(built_site):
    used = {item["msgid"] for item in _lookups(built_site)}
    unused = [m.id for m in read_catalogue(LOSSVIZ_PO) if m.id and m.id not in used]
    assert not unused, f"{len(unused)} lossviz entries no chapter draws: {unused[:8]}"


#: English prose: a run of at least this many ASCII words in a row.
PROSE_WORDS = 6
_WORD_RE = r"[A-Za-z][A-Za-z'’\-]*"
_RUN = re.compile(rf"{_WORD_RE}(?:[\s,;:()\"“”]+{_WORD_RE}){{{PROSE_WORDS - 1},}}")
#: Not prose: code, math, citations and references, the claim lines' "how", names in lang="en".
NOT_PROSE = (
    "script, style, code, pre, kbd, samp, .highlight, .math, mjx-container, math, "
    ".lossviz-claim small, .lossviz-claim-how, cite, .citation, .bibtex, .footnote, "
    "[lang=en], .std-term, .headerlink"
)


def english_runs(page_html: str) -> list[str]:
    """Runs of ≥ 6 ASCII words in the text of a page's body outside code, math, citations,
    the bibliography, glossary term names and elements marked ``lang="en"``.

    A run is words of ASCII letters (with ' and -) separated only by spaces and , ; : ( ) quotes:
    a sentence's words, not a formula, a number or a code name. Names and terms (PyTorch,
    InfoNCE, smooth L1) are shorter than six words, so a Chinese sentence that names them passes.
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page_html, "html.parser")
    body = soup.body or soup
    for el in body.select(NOT_PROSE):
        el.decompose()
    runs = []
    for block in body.find_all(
        [
            "p",
            "li",
            "dt",
            "dd",
            "h1",
            "h2",
            "h3",
            "h4",
            "td",
            "th",
            "figcaption",
            "caption",
            "label",
            "legend",
            "output",
            "a",
            "span",
        ]
    ):
        if block.find(["p", "li", "dt", "dd", "td", "th"]):  # its text is in its children
            continue
        runs += _RUN.findall(" ".join(block.get_text(" ").split()))
    return sorted(set(runs))


def test_english_runs_heuristic():
    page = (
        "<body><p>交叉熵的梯度是 <code>p - y with no extra words at all</code>，"
        "见 PyTorch 的 cross entropy 文档。</p>"
        "<p>This sentence is plainly English and long enough.</p>"
        "<p class='citation'>Rethinking the Inception Architecture for Computer Vision</p></body>"
    )
    assert english_runs(page) == ["This sentence is plainly English and long enough"]


@pytest.mark.slow
def test_chinese_pages_have_no_english_prose(built_site):
    found = {}
    for name in sorted(_pages(built_site / ZH)):
        runs = english_runs((built_site / ZH / f"{name}.html").read_text(encoding="utf-8"))
        if runs:
            found[name] = runs
    summary = {name: (len(runs), runs[0][:70]) for name, runs in found.items()}
    assert not found, f"English prose on Chinese pages (count, first): {summary}"


def _search_docs(site: Path, word: str) -> set[str]:
    text = (site / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    hits = set()
    for key in ("terms", "titleterms"):
        found = index[key].get(word)
        if found is not None:
            hits |= {found} if isinstance(found, int) else set(found)
    return {index["docnames"][i] for i in hits}


@pytest.mark.slow
@pytest.mark.parametrize(
    "word, page",
    [("正则化", "chapters/logistic_regression"), ("交叉熵", "chapters/cross_entropy")],
)
def test_chinese_search_finds_the_chapter(built_site, word, page):
    assert page in _search_docs(built_site / ZH, word)
