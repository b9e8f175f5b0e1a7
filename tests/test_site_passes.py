"""The build-time passes over the site's pages (``_ext/book_pages.py``, ``_ext/book_search.py``),
on small hand-made pages: no book build needed."""

from __future__ import annotations

import base64
import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))
import book_mathjax  # noqa: E402
import book_pages  # noqa: E402
import book_search  # noqa: E402

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def _data_uri(payload: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(payload).decode()


def test_frames_leave_the_page_once_each_with_relative_urls(tmp_path):
    big = PNG + b"\0" * 2000  # long enough to be moved out (the bytes are copied verbatim)
    other = PNG + b"\1" * 2000
    uri, uri2 = _data_uri(big), _data_uri(other)
    tiny = _data_uri(PNG)  # below the threshold: stays inline
    chapter = tmp_path / "chapters" / "x.html"
    chapter.parent.mkdir()
    text = f'<img src="{uri}"><script type="application/json">{{"frames":["{uri}","{uri2}"]}}</script><img src="{tiny}">'
    written: set[str] = set()
    new, count = book_pages.extract_frames(text, chapter, tmp_path, written)
    assert count == 3 and len(written) == 2
    urls = re.findall(r"\.\./_static/frames/[0-9a-f]{20}\.png", new)
    assert len(urls) == 3 and urls[0] == urls[1] != urls[2]
    assert (chapter.parent / urls[0]).read_bytes() == big
    assert (chapter.parent / urls[2]).read_bytes() == other
    assert tiny in new and "base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAD" in new
    # A page at the top level gets URLs without ../, to the same file.
    top = tmp_path / "intro.html"
    new_top, _ = book_pages.extract_frames(f'<img src="{uri}">', top, tmp_path, written)
    assert f'src="_static/frames/{Path(urls[0]).name}"' in new_top
    # Idempotent: a page already rewritten has nothing left to move.
    assert book_pages.extract_frames(new, chapter, tmp_path, written) == (new, 0)


def test_chinese_runs_get_lang_but_math_scripts_and_attributes_do_not():
    page = (
        "<html><head><title>损失函数</title></head><body>"
        '<p title="中文属性">The term 交叉熵（cross-entropy）and “逻辑回归”。</p>'
        '<span class="math notranslate nohighlight">\\(\\text{正则化}\\)</span>'
        '<div class="math notranslate nohighlight">\n\\[\\text{梯度}\\]\n</div>'
        '<script>var s = "中文";</script><textarea>中文</textarea></body></html>'
    )
    new, count = book_pages.mark_chinese(page)
    assert count == 2
    assert '<span lang="zh-Hans">交叉熵</span>（cross-entropy）' in new
    assert '<span lang="zh-Hans">“逻辑回归”。</span>' in new
    for untouched in (
        "<title>损失函数</title>",
        'title="中文属性"',
        "\\(\\text{正则化}\\)",
        "\\[\\text{梯度}\\]",
        'var s = "中文";',
        "<textarea>中文</textarea>",
    ):
        assert untouched in new
    assert book_pages.mark_chinese(new) == (new, 0)  # a second pass changes nothing


@given(st.text(alphabet="ab 交叉熵，。（）<>", max_size=40))
def test_marking_chinese_only_adds_spans(text):
    page = f"<body><p>{text.replace('<', '').replace('>', '')}</p></body>"
    new, _ = book_pages.mark_chinese(page)
    assert re.sub(r'<span lang="zh-Hans">|</span>', "", new) == page


def test_icons_are_read_from_the_bundle_solid_style_last():
    bundle = (
        'd("far",{file:[384,512,[],"f15b","M0 REGULAR"]});'
        'd("fas",{file:[384,512,[128459],"f15b","M0 SOLID"],"angle-left":[320,512,[8249],"f104","M41 L"]});'
    )
    outlines = book_pages.icon_outlines(bundle, {"file", "angle-left", "absent"})
    assert outlines == {"file": (384, 512, "M0 SOLID"), "angle-left": (320, 512, "M41 L")}
    css = book_pages.icon_css(outlines)
    assert (
        ".fa-file{--lv-icon:url(\"data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 384 512'><path d='M0 SOLID'/></svg>\");--lv-icon-w:0.75em}"
        in css
    )


def test_accessible_names_follow_the_visible_text():
    html = (
        '<summary aria-label="Toggle hidden content"><p>Show code cell source</p></summary>'
        '<button class="btn search-button-field search-button__button pst-js-only" '
        'title="Search" aria-label="Search" data-bs-placement="bottom">'
    )
    fixed = book_pages.fix_names(html)
    assert "aria-label" not in fixed and "<summary>" in fixed and 'title="Search"' in fixed


def test_formula_markup_loses_only_what_the_page_does_not_need():
    # MathJax 3.2's SVG for p_i (inline), its MathML shortened.
    formula = (
        '<mjx-container class="MathJax" jax="SVG" style="position: relative;">'
        '<svg style="vertical-align: -0.439ex;" xmlns="http://www.w3.org/2000/svg" width="2.1ex" '
        'height="1.439ex" role="img" focusable="false" viewBox="0 -442 928 636" '
        'xmlns:xlink="http://www.w3.org/1999/xlink" aria-hidden="true">'
        '<g stroke="currentColor" fill="currentColor" stroke-width="0" transform="scale(1,-1)">'
        '<g data-mml-node="math"><g data-mml-node="msub"><g data-mml-node="mi">'
        '<use data-c="1D45D" xlink:href="#MJX-TEX-I-1D45D"></use></g>'
        '<g data-mml-node="mi" transform="translate(536,-150) scale(0.707)">'
        '<use data-c="1D456" xlink:href="#MJX-TEX-I-1D456"></use></g></g>'
        '<g data-mml-node="mtable" data-mjx-texclass="ORD"><rect width="9" height="6"></rect></g>'
        "</g></g></svg>"
        '<mjx-assistive-mml unselectable="on" display="inline"><math><mi>p</mi></math>'
        "</mjx-assistive-mml></mjx-container>"
    )
    assert book_mathjax.slim(formula) == (
        '<mjx-container class="MathJax" jax="SVG" style="position: relative;">'
        '<svg style="vertical-align: -0.439ex;" width="2.1ex" height="1.439ex" role="img" '
        'viewBox="0 -442 928 636" aria-hidden="true"><g transform="scale(1,-1)">'
        '<use href="#MJX-TEX-I-1D45D"></use>'
        '<g transform="translate(536,-150) scale(0.707)"><use href="#MJX-TEX-I-1D456"></use></g>'
        '<g data-mml-node="mtable"><rect width="9" height="6"></rect></g>'
        "</g></svg>"
        '<mjx-assistive-mml unselectable="on" display="inline"><math><mi>p</mi></math>'
        "</mjx-assistive-mml></mjx-container>"
    )


def test_each_page_defines_the_glyphs_it_draws_once():
    glyphs = {"MJX-A": "M1 1Z", "MJX-B": "M2 2Z", "MJX-C": "M3 3Z"}
    page = (
        '<html><body class="x"><p><svg><use href="#MJX-B"></use><use href="#MJX-A"></use>'
        '</svg><svg><use href="#MJX-B"></use></svg></p></body></html>'
    )
    rendered = {("b", False): "<b/>"}
    typeset = book_mathjax._typeset_page(page, rendered, glyphs)
    defs = (
        '<svg style="display: none" aria-hidden="true"><defs><path id="MJX-A" d="M1 1Z"></path>'
        '<path id="MJX-B" d="M2 2Z"></path></defs></svg>'
    )
    assert typeset == page.replace('<body class="x">', '<body class="x">' + defs)
    assert book_mathjax._typeset_page(typeset, rendered, glyphs) == typeset  # once, not twice
    with pytest.raises(Exception, match="MJX-D"):
        book_mathjax.glyph_definitions('<use href="#MJX-D">', glyphs)
    assert book_mathjax.glyph_definitions("<p>no math</p>", glyphs) == ""


@pytest.mark.parametrize(
    ("tex", "text"),
    [
        (r"\(\sigma(z)\)", "σ(z)"),
        (r"\[\frac{\partial L}{\partial z} = \sigma(z) - y\]", "(∂ L)/(∂ z) = σ(z) - y"),
        (r"\(\mathrm{CE}(p, q) \le \log K\)", "CE(p, q) ≤ log K"),
        (r"\(\lVert w \rVert_2^2\)", "‖ w ‖_2^2"),
    ],
)
def test_formulas_in_excerpts_are_plain_text(tex, text):
    assert book_search.tex_to_text(tex) == text


_WORDS = st.lists(
    st.sampled_from(
        ["loss", "losses", "CE", "BCE", "IoU", "the", "gradient", "gradients", "was", "is", "L1",
         "MSE", "sigmoid", "softmax", "ReLUs", "IDs", "abs", "交叉熵", "逻辑回归", "正则化", "梯度", "损失", "的", "x2", "us"]
    ),
    max_size=12,
).map(" ".join)  # fmt: skip


@settings(deadline=None)  # the first case loads jieba's dictionary (about 1.5 s)
@given(st.lists(_WORDS, min_size=1, max_size=6))
def test_book_chinese_splitter_indexes_like_sphinx(pages):
    """The faster splitter (set of Latin terms, cached stems) gives Sphinx's words and stems."""
    from sphinx.search.zh import SearchChinese

    theirs, ours = SearchChinese({}), book_search.BookSearchChinese({})
    SearchChinese.latin_terms.clear()  # class-level in both: start from the same (empty) state
    book_search.BookSearchChinese.latin_terms.clear()
    for text in pages:
        words = theirs.split(text)
        assert ours.split(text) == words
        assert [ours.stem(w) for w in words] == [theirs.stem(w) for w in words]


def test_excerpt_keeps_text_and_anchors_drops_code_and_figures():
    page = (
        '<html><body><main role="main"><section id="intro"><h1>Title<a class="headerlink">#</a></h1>'
        '<p>Gradient <span class="math notranslate nohighlight">\\(\\nabla L\\)</span> is bounded.</p>'
        '<div class="cell_input"><pre>import numpy</pre></div>'
        '<figure class="lossviz-slider"><img src="x.png"><script>{"frames":[]}</script></figure>'
        "</section></main></body></html>"
    )
    out = book_search.page_excerpt_html(page)
    assert out.startswith('<div role="main">') and '<section id="intro">' in out
    assert "∇ L" in out and "bounded" in out
    for gone in ("import numpy", "frames", "headerlink", "#</", "\\nabla", "<img"):
        assert gone not in out


_TAGS = st.sampled_from(["div", "span", "p", "img", "svg", "details", "figure", "button", "a"])
_CLASSES = st.lists(
    st.sampled_from(
        ["headerlink", "cell_input", "copybtn", "prev-next-area", "toctree-wrapper", "hide",
         "lossviz-slider", "math", "cell", "highlight"]
    ),
    max_size=2,
)  # fmt: skip
_IDS = st.sampled_from(["", "jb-print-docs-body", "intro"])
_ELEMENT = st.tuples(_TAGS, _CLASSES, _IDS)


def _html(tree) -> str:
    (tag, classes, ident), children = tree
    attrs = (f' class="{" ".join(classes)}"' if classes else "") + (
        f' id="{ident}"' if ident else ""
    )
    inner = "".join(_html(c) for c in children) or "x"
    return f"<{tag}{attrs}>{inner}</{tag}>"


_TREES = st.recursive(
    st.tuples(_ELEMENT, st.just([])),
    lambda kids: st.tuples(_ELEMENT, st.lists(kids, max_size=3)),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)  # the first case imports bs4 and soupsieve
@given(st.lists(_TREES, min_size=1, max_size=4))
def test_excerpt_drops_exactly_what_its_css_selector_selects(trees):
    """The predicate that replaced soupsieve selects the same elements as the selector."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup("".join(map(_html, trees)), "html.parser")
    by_selector = [id(el) for el in soup.select(book_search.DROPPED_SELECTOR)]
    assert [id(el) for el in soup.find_all(book_search._dropped)] == by_selector
    by_math = [id(el) for el in soup.select("span.math, div.math")]
    assert [id(el) for el in soup.find_all(book_search._is_math)] == by_math


def test_pages_drop_what_they_do_not_use():
    page = (
        '<script defer src="../_static/scripts/fontawesome.js?digest=1"></script>\n'
        '<script src="../_static/searchtools.js"></script>\n'
        '<script src="../_static/language_data.js"></script>\n'
        '<script src="../searchindex.js"></script>\n'
        '<link rel="stylesheet" type="text/css" href="../_static/sphinx-design.min.css?v=6" />\n'
        '<script src="../_static/design-tabs.js?v=f"></script>\n'
        '<img src="../_images/plot.png" alt="a plot"><img class="lossviz-frame" src="f.png" alt="f">'
    )
    light = book_pages.lighten(page, is_search_page=False)
    for gone in ("fontawesome", "searchtools", "language_data", "searchindex", "sphinx-design"):
        assert gone not in light
    assert '<img loading="lazy" src="../_images/plot.png"' in light
    assert '<img loading="lazy" class="lossviz-frame" src="f.png"' in light
    on_search = book_pages.lighten(page, is_search_page=True)
    assert "searchtools.js" in on_search and "searchindex.js" in on_search
    assert book_pages.lighten(light, is_search_page=False) == light
