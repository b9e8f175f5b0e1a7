"""Passes over the built HTML pages: lighter, accessible, and right about their language.

Run once at ``build-finished`` over every page (:func:`finish_pages`):

- **Frames out of the HTML.** Every embedded image (a ``data:image/...;base64,`` URI of more than
  :data:`MIN_EXTRACTED` characters, in an attribute value or a JSON string: the static sliders'
  frames) is written once to ``_static/frames/<sha256 prefix>.<ext>`` and replaced by a URL
  relative to the page. Pages become small, frames are cached across pages and loaded on demand,
  and the URLs are relative, so the site still works from ``file://``.
- **Search scripts only where searching happens**: the index (and searchtools.js) are left on
  the search page only.
- **No icon font script.** The theme loads Font Awesome's SVG+JS bundle (1.5 MB) for about fifteen
  icons. The script tag is removed and the icons the pages and the theme's scripts name are written
  as CSS masks (``_static/lossviz-icons.css``), their outlines read from that same bundle. The
  theme's icon web font (used by its CSS: admonition titles, external links) is cut down to the
  glyphs used (fontTools), and its stylesheet to the icon rules used.
- **Late images, no unused assets**: every image gets ``loading="lazy"`` (Chromium loads them all
  before printing);
  sphinx-design's stylesheet and script are dropped from pages that use none of its components.
- **Language.** Runs of Chinese text in the English pages get ``<span lang="zh-Hans">`` so that
  screen readers and fonts treat them as Chinese (not inside ``<script>``, ``<style>``,
  ``<title>``, ``<textarea>``, attribute values or math, which MathJax must see unchanged).
- **Accessible names.** myst-nb's "Show code cell source" toggles and the theme's search field
  button carry an ``aria-label`` that differs from their visible text (axe-core's
  ``label-content-name-mismatch``): the label is dropped, so the visible text is the name.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Shorter data URIs stay inline (a tiny icon costs less inline than as a request).
MIN_EXTRACTED = 1000
FRAMES_DIR = "frames"

_DATA_URI = re.compile(
    r"data:image/(png|webp|jpeg|gif|svg\+xml);base64,([A-Za-z0-9+/=]{" + str(MIN_EXTRACTED) + ",})"
)
_EXTENSIONS = {"png": "png", "webp": "webp", "jpeg": "jpg", "gif": "gif", "svg+xml": "svg"}


def extract_frames(text: str, page: Path, outdir: Path, written: set[str]) -> tuple[str, int]:
    """Replace the embedded images of one page by relative URLs; return (text, replaced)."""
    frames = outdir / "_static" / FRAMES_DIR
    prefix = os.path.relpath(frames, page.parent).replace(os.sep, "/")
    count = 0

    def replace(m: re.Match) -> str:
        nonlocal count
        data = base64.b64decode(m.group(2))
        name = f"{hashlib.sha256(data).hexdigest()[:20]}.{_EXTENSIONS[m.group(1)]}"
        if name not in written:
            frames.mkdir(parents=True, exist_ok=True)
            (frames / name).write_bytes(data)
            written.add(name)
        count += 1
        return f"{prefix}/{name}"

    return _DATA_URI.sub(replace, text), count


# --- icons ----------------------------------------------------------------------------------------

# The theme loads the search scripts and the whole index on every page; only the search page
# uses them (the search box elsewhere is a form that opens it).
_SEARCH_SCRIPTS = re.compile(
    r'<script src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js|searchindex\.js)"'
    r"></script>\s*"
)
_FA_SCRIPT = re.compile(
    r'<script[^>]*\ssrc="[^"]*_static/scripts/fontawesome\.js[^"]*"[^>]*></script>\s*'
)
_FA_CLASS = re.compile(r"\bfa-([a-z0-9]+(?:-[a-z0-9]+)*)")
#: Font Awesome's modifier classes: sizes and styles, not icons.
_FA_MODIFIERS = {"solid", "regular", "brands", "lg", "sm", "xs", "xl", "fw", "2x", "3x"}


def icon_outlines(bundle: str, names: set[str]) -> dict[str, tuple[int, int, str]]:
    """``name -> (width, height, SVG path)`` for the icons of ``names`` found in Font Awesome's
    SVG+JS bundle (entries like ``"bars":[448,512,["navicon"],"f0c9","M0 96C0 ..."]``)."""
    found = {}
    for name in names:
        pattern = r'["\s,{]"?%s"?:\[(\d+),(\d+),\[[^\]]*\],"[0-9a-f]+","([^"]+)"\]'
        matches = list(re.finditer(pattern % re.escape(name), bundle))
        if matches:
            # The bundle defines the brands, regular and solid packs in this order; the pages
            # use the solid style (fa-solid, fas), the last definition of a name.
            m = matches[-1]
            found[name] = (int(m.group(1)), int(m.group(2)), m.group(3))
    return found


def icon_css(outlines: dict[str, tuple[int, int, str]]) -> str:
    """CSS that draws ``<i class="fa-solid fa-NAME">`` as a mask filled with the text colour."""
    rules = [
        "/* Icons: outlines from Font Awesome Free (CC BY 4.0), drawn as CSS masks. */",
        ".fa-solid,.fas,.fa-regular,.far,.fa-brands,.fab{display:inline-block;"
        "vertical-align:-.125em;line-height:1}",
        ".fa-solid::before,.fas::before,.fa-regular::before,.far::before,.fa-brands::before,"
        ".fab::before{content:'';display:inline-block;width:var(--lv-icon-w,1em);height:1em;"
        "background-color:currentColor;-webkit-mask:var(--lv-icon) center/contain no-repeat;"
        "mask:var(--lv-icon) center/contain no-repeat}",
        ".fa-lg{font-size:1.25em;vertical-align:-.2em}",
    ]
    for name, (width, height, path) in sorted(outlines.items()):
        svg = (
            f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}'>"
            f"<path d='{path}'/></svg>"
        )
        uri = "data:image/svg+xml," + svg.replace("#", "%23").replace('"', "'")
        rules.append(f'.fa-{name}{{--lv-icon:url("{uri}");--lv-icon-w:{width / height:.4g}em}}')
    return "\n".join(rules) + "\n"


def write_icon_css(outdir: Path, texts: list[str]) -> list[str]:
    """Write ``_static/lossviz-icons.css`` for the icons named in ``texts`` and the theme's
    scripts; return the names of the icons drawn."""
    scripts = [p.read_text(encoding="utf-8", errors="replace") for p in _theme_scripts(outdir)]
    names = {n for t in texts + scripts for n in _FA_CLASS.findall(t)} - _FA_MODIFIERS
    bundle = font_awesome_bundle(outdir).read_text(encoding="utf-8")
    outlines = icon_outlines(bundle, names)
    (outdir / "_static" / "lossviz-icons.css").write_text(icon_css(outlines), encoding="utf-8")
    return sorted(outlines)


def font_awesome_bundle(outdir: Path) -> Path:
    """The theme's Font Awesome script: in the output (the theme copies it on every build) or,
    after this pass removed it there, in the installed theme package."""
    copied = outdir / "_static" / "scripts" / "fontawesome.js"
    if copied.is_file():
        return copied
    import pydata_sphinx_theme

    theme = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme"
    return theme / "static" / "scripts" / "fontawesome.js"


_ICON_RULE = re.compile(r'\.fa-([a-z0-9]+(?:-[a-z0-9]+)*):{1,2}before\{content:"([^"]*)"\}')
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


def _codepoints(css_value: str) -> set[int]:
    found = {ord(c) for c in _PRIVATE_USE.findall(css_value)}
    return found | {int(h, 16) for h in re.findall(r"\\(f[0-9a-f]{3})", css_value)}


def trim_icon_font(outdir: Path, names: set[str]) -> int:
    """Keep only what the site uses of the theme's icon font: its CSS rules for the icons the
    pages name, and the glyphs that these and the theme's own CSS icons (admonition titles,
    external links, breadcrumbs) show. Returns the bytes saved."""
    from fontTools import subset

    static = outdir / "_static"
    before = 0
    codepoints: set[int] = set()
    for css in sorted(static.rglob("*.css")):
        text = css.read_text(encoding="utf-8")
        codepoints |= {
            c
            for name, value in _ICON_RULE.findall(text)
            if name in names
            for c in _codepoints(value)
        }
        rest = _ICON_RULE.sub(lambda m: m.group(0) if m.group(1) in names else "", text)
        codepoints |= _codepoints(_ICON_RULE.sub("", rest))
        if rest != text:
            before += len(text.encode()) - len(rest.encode())
            css.write_text(rest, encoding="utf-8")
    options = subset.Options()
    options.flavor = "woff2"
    options.notdef_outline = True
    for font_path in sorted((static / "vendor").rglob("*.woff2")):
        size = font_path.stat().st_size
        font = subset.load_font(str(font_path), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=codepoints)
        subsetter.subset(font)
        subset.save_font(font, str(font_path), options)
        before += size - font_path.stat().st_size
    return before


def _theme_scripts(outdir: Path) -> list[Path]:
    static = outdir / "_static"
    return [
        p for p in static.rglob("*.js") if FRAMES_DIR not in p.parts and p.name != "fontawesome.js"
    ]


# --- language -----------------------------------------------------------------------------------

#: Han ideographs (CJK unified, extension A, compatibility) with Chinese punctuation and
#: full-width forms between and around them.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_PUNCT = "\u3000-\u303f\uff00-\uffef\u00b7\u2014\u2018\u2019\u201c\u201d\u2026"
_CJK_OPEN = "\uff08\u300a\u300c\u300e\u3010\u3008\u201c\u2018"  # （《「『【〈“‘
# A run starts at an opening bracket or a Han character, may hold punctuation between Han
# characters, and ends with a Han character or closing punctuation (never an opening bracket).
_CJK_RUN = re.compile(
    f"[{_CJK_OPEN}]*[{_HAN}](?:[{_HAN}]|[{_CJK_PUNCT}]+(?=[{_HAN}]))*"
    f"(?:(?![{_CJK_OPEN}])[{_CJK_PUNCT}])*"
)
# Regions left untouched: code-free zones for lang spans (scripts, styles, the title, form
# values, math that MathJax reads as TeX, and elements that already declare a language).
_PROTECTED = re.compile(
    r"<(script|style|title|textarea)\b.*?</\1>"
    r"|<(span|div) class=\"math[^\"]*\">.*?</\2>"
    r"|\\\(.*?\\\)|\\\[.*?\\\]|\$\$.*?\$\$"
    r"|<([a-z0-9]+)\b[^>]*\blang=\"zh[^\"]*\"[^>]*>.*?</\3>",
    re.DOTALL | re.IGNORECASE,
)
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")


def mark_chinese(text: str) -> tuple[str, int]:
    """Wrap runs of Chinese text outside tags and protected regions in ``lang="zh-Hans"``."""
    count = 0

    def in_text(segment: str) -> str:
        nonlocal count
        parts = _TAG_OR_TEXT.split(segment)
        for i in range(0, len(parts), 2):  # even indices are text between tags
            if re.search(f"[{_HAN}]", parts[i]):
                new, n = _CJK_RUN.subn(
                    lambda m: f'<span lang="zh-Hans">{m.group(0)}</span>', parts[i]
                )
                parts[i] = new
                count += n
        return "".join(parts)

    body_start = text.find("<body")
    head, body = (text[:body_start], text[body_start:]) if body_start >= 0 else ("", text)
    out, last = [], 0
    for m in _PROTECTED.finditer(body):
        out.append(in_text(body[last : m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append(in_text(body[last:]))
    return head + "".join(out), count


# --- what a page does not need -------------------------------------------------------------------

_IMG_WITHOUT_LOADING = re.compile(r"<img(?![^>]*\sloading=)(\s)")
_DESIGN_ASSETS = re.compile(
    r'<link[^>]*href="[^"]*_static/sphinx-design\.min\.css[^"]*"[^>]*/?>\s*'
    r'|<script[^>]*src="[^"]*_static/design-tabs\.js[^"]*"[^>]*></script>\s*'
)


def lighten(text: str, is_search_page: bool) -> str:
    """Drop scripts and styles a page does not use; let images below the fold load late (the
    sliders' default frames too: their other frames are fetched by their script)."""
    text = _FA_SCRIPT.sub("", text)
    if not is_search_page:
        text = _SEARCH_SCRIPTS.sub("", text)
    if 'class="sd-' not in text and " sd-" not in text:
        text = _DESIGN_ASSETS.sub("", text)
    return _IMG_WITHOUT_LOADING.sub(r'<img loading="lazy"\1', text)


# --- accessible names ---------------------------------------------------------------------------

_SUMMARY_LABEL = re.compile(r'<summary aria-label="Toggle hidden content">')
_SEARCH_FIELD_LABEL = re.compile(
    # any language: the Chinese edition's label is the theme's translation, "搜索"
    r'(<button class="btn search-button-field[^"]*"[^>]*?)\s+aria-label="[^"]*"'
)


def fix_names(text: str) -> str:
    text = _SUMMARY_LABEL.sub("<summary>", text)
    return _SEARCH_FIELD_LABEL.sub(r"\1", text)


# --- the pass -----------------------------------------------------------------------------------


def html_pages(outdir: Path) -> list[Path]:
    """The pages of the edition built into ``outdir`` (not the Chinese edition in ``zh/``)."""
    return sorted(
        p
        for p in outdir.rglob("*.html")
        if not ({"_static", "_sources", "_images"} & set(p.relative_to(outdir).parts))
        and p.relative_to(outdir).parts[0] != "zh"
    )


def finish_pages(app, exc) -> None:
    """The passes above, over every built page (html builders, successful builds)."""
    if exc is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    written: set[str] = set()
    frames = marked = 0
    texts = []
    for page in html_pages(outdir):
        text = page.read_text(encoding="utf-8")
        text, n = extract_frames(text, page, outdir, written)
        frames += n
        text = lighten(text, is_search_page=page == outdir / "search.html")
        if (app.config.language or "en").startswith("en"):  # the zh edition is Chinese throughout
            text, n = mark_chinese(text)
            marked += n
        text = fix_names(text)
        page.write_text(text, encoding="utf-8")
        texts.append(text)
    icons = write_icon_css(outdir, texts)
    saved = trim_icon_font(outdir, set(icons))
    for name in ("fontawesome.js", "fontawesome.js.map"):  # the licence file stays
        (outdir / "_static" / "scripts" / name).unlink(missing_ok=True)
    logger.info(
        f"lossviz_book: {frames} embedded images moved to {len(written)} files in "
        f"_static/{FRAMES_DIR}/; {marked} Chinese runs marked lang=zh-Hans; "
        f"icons as CSS: {', '.join(icons)}; icon font and its CSS trimmed by {saved / 1e3:.0f} kB"
    )
