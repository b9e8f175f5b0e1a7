"""The language lossviz draws in: slider labels and readouts, figure text, ✓ lines, glue text.

The language is an explicit signal, like the display mode (:mod:`lossviz.display`): the
environment variable :data:`LANG_ENV` (``LOSSVIZ_LANG``), which the book build sets from Sphinx's
``language`` (``_ext/book_i18n.py``) before it executes the notebooks; unset or empty means
English. Translations come from lossviz's own gettext catalogue,
``lossviz/locale/<lang>/LC_MESSAGES/lossviz.po``, read with babel (fuzzy entries are ignored).

Message ids are the English strings as the chapters produce them at run time (chapters are
deterministic): :func:`tr` looks up the whole string, and returns it unchanged when the catalogue
has no translation. A sentence is always one string, never assembled from looked-up fragments.

Collecting the template: with :data:`COLLECT_ENV` (``LOSSVIZ_I18N_COLLECT``) naming a file, every
string looked up is appended to it as one JSON line ``{"msgid", "context", "hit"}``
(``scripts/i18n_update.sh`` executes the notebooks this way; the Chinese build does too, so the
tests can tell untranslated and obsolete entries apart).

This module imports only the standard library at import time (babel and matplotlib on use).
"""

from __future__ import annotations

import functools
import json
import os
import re
from pathlib import Path

__all__ = [
    "COLLECT_ENV",
    "LANG_ENV",
    "catalogue_path",
    "language",
    "localize_control",
    "tr",
    "trf",
    "translate_figure",
    "translating",
]

#: Environment variable that selects the display language (``zh_CN`` in the Chinese build).
LANG_ENV = "LOSSVIZ_LANG"
#: Environment variable naming a file that records every string looked up (JSON lines).
COLLECT_ENV = "LOSSVIZ_I18N_COLLECT"
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "lossviz"

# Strings that need no translation: no run of two ASCII letters outside $math$ (numbers, symbols,
# mathtext such as "$p_t$", Chinese text).
_MATH = re.compile(r"\$[^$]*\$")
_WORD = re.compile(r"[A-Za-z]{2,}")


def language() -> str:
    """``$LOSSVIZ_LANG`` (unset or empty: ``"en"``)."""
    return os.environ.get(LANG_ENV, "").strip() or "en"


def is_english(lang: str | None = None) -> bool:
    return (lang or language()).split("_")[0].split("-")[0].lower() == "en"


def needs_translation(text: str) -> bool:
    """Whether ``text`` holds words to translate (not only numbers, symbols or math)."""
    return isinstance(text, str) and bool(_WORD.search(_MATH.sub("", text)))


def catalogue_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def _messages(lang: str) -> dict[str, str]:
    path = catalogue_path(lang)
    if not path.is_file():
        return {}
    from babel.messages.pofile import read_po

    with path.open("rb") as f:
        catalog = read_po(f, locale=lang)
    return {
        m.id: m.string
        for m in catalog
        if m.id and isinstance(m.id, str) and m.string and not m.fuzzy
    }


def _record(msgid: str, context: str, hit: bool) -> None:
    path = os.environ.get(COLLECT_ENV, "").strip()
    if not path:
        return
    line = json.dumps({"msgid": msgid, "context": context, "hit": hit}, ensure_ascii=False)
    with open(path, "a", encoding="utf-8") as f:
        f.write(line + "\n")


def active() -> bool:
    """Whether lookups do anything: a non-English language, or a collecting run."""
    return not is_english() or bool(os.environ.get(COLLECT_ENV, "").strip())


def tr(text: str, context: str = "text") -> str:
    """``text`` in the display language (unchanged in English or without a translation).

    ``context`` says where the string is drawn (``"figure"``, ``"control"``, ``"claim"``, ...);
    it is recorded with the string in collecting runs, a hint for translators.
    """
    if not needs_translation(text) or not active():
        return text
    lang = language()
    if not is_english(lang):
        messages = _messages(lang)
        if text not in messages and text in _translations(lang):
            # already in the display language (a translation that keeps a name such as "Brier"
            # and is drawn again, e.g. a legend entry copied into a readout): not a message
            return text
    found = None if is_english(lang) else _messages(lang).get(text)
    _record(text, context, found is not None)
    return found if found is not None else text


@functools.cache
def _translations(lang: str) -> frozenset[str]:
    """Every translation of the catalogue (the strings :func:`tr` may have returned)."""
    return frozenset(_messages(lang).values())


def trf(template: str, context: str = "text", /, **values) -> str:
    """A message with fields: ``template`` (English, with ``{name}`` fields) looked up whole,
    then filled in: ``trf("max abs error {err}", err="1e-16")``."""
    return tr(template, context).format(**values)


# --- figures ------------------------------------------------------------------------------------


#: CJK fonts matplotlib may draw Chinese with, by family name, best first (Debian's
#: fonts-wqy-microhei, installed by scripts/setup.sh; fonts-noto-cjk works too). Never downloaded.
CJK_FAMILIES = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans CJK JP")
_CJK = re.compile("[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


@functools.cache
def cjk_family() -> str | None:
    """The first installed family of :data:`CJK_FAMILIES` (``None``: no CJK font)."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FAMILIES if name in installed), None)


def _font_for(artist, text: str) -> None:
    """Chinese text gets the CJK font: as a fallback after the text's own font, or first when
    the text holds math (mathtext draws its plain text with the first font only)."""
    family = cjk_family()
    if family is None or not _CJK.search(text):
        return
    present = list(artist.get_fontfamily())
    current = [f for f in present if f != family]
    if "$" in text:
        wanted = [family, *current]
    else:
        from matplotlib import rcParams

        own = [rcParams[f"font.{f}"][0] if f in ("sans-serif", "serif") else f for f in current]
        wanted = [*own, family]
    # Only when it changes: setting a font marks the artist stale, even to the same list, and a
    # slider's FrameRenderer then counts its Axis as changing on every frame and redraws the
    # ticks and their labels (most of a draw) instead of blitting them.
    if wanted != present:
        artist.set_fontfamily(wanted)


def _texts(artist) -> list:
    """Every ``Text`` artist in ``artist``, like ``artist.findobj(Text)``, except that an Axis
    gives the ticks it has (those of its last draw) instead of locating its ticks again: a slider
    translates its figure after every frame, and locating the ticks of every Axis each time cost
    most of that. Tick labels get their text from the formatter when they are drawn."""
    from matplotlib.axis import Axis
    from matplotlib.text import Text

    found, stack = [], [artist]
    while stack:
        a = stack.pop()
        if isinstance(a, Text):
            found.append(a)
        if isinstance(a, Axis):
            stack.extend([a.label, a.offsetText, *a.majorTicks, *a.minorTicks])
        else:
            stack.extend(a.get_children())
    return found


def translate_figure(fig) -> None:
    """Translate the text drawn on a matplotlib figure in place: every ``Text`` artist (titles,
    axis labels, legend entries, annotations, fixed tick labels), drawn with a CJK font when it
    is Chinese. No-op in English."""
    if not active():
        return
    from matplotlib.ticker import FixedFormatter

    for artist in _texts(fig):
        text = artist.get_text()
        if needs_translation(text):
            new = tr(text, "figure")
            if new != text:
                artist.set_text(new)
                text = new
        # Chinese that was already Chinese (a template filled in the display language) needs
        # the CJK font as much as a string translated here
        _font_for(artist, text)
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            formatter = axis.get_major_formatter()
            if isinstance(formatter, FixedFormatter):
                formatter.seq = [tr(str(s), "figure") for s in formatter.seq]
                family = cjk_family()
                if (
                    family
                    and any(_CJK.search(s) for s in formatter.seq)
                    and axis.get_tick_params().get("labelfontfamily") != family
                ):
                    axis.set_tick_params(labelfontfamily=family)  # marks the Axis stale: once


def translating(update, fig):
    """``update`` wrapped so that the figure's text and the returned readouts are translated
    after each call (the same signature; returned as is in English)."""
    if not active():
        return update

    @functools.wraps(update)
    def wrapper(*args, **kwargs):
        readouts = update(*args, **kwargs)
        translate_figure(fig)
        if isinstance(readouts, dict):
            readouts = {
                (tr(k, "readout") if isinstance(k, str) else k): (
                    tr(v, "readout") if isinstance(v, str) else v
                )
                for k, v in readouts.items()
            }
        return readouts

    return wrapper


def localize_control(control):
    """A copy of a slider control (``Param``, ``Choice``, ``Toggle``) with its label, unit and
    option texts in the display language (the same object in English)."""
    if not active():
        return control
    import dataclasses

    from .figures.controls import Choice, Param, Toggle

    if isinstance(control, Param):
        return dataclasses.replace(
            control, label=tr(control.label, "control"), unit=tr(control.unit, "control")
        )
    if isinstance(control, Choice):
        return Choice(
            control.name,
            {v: tr(t, "control") for v, t in control.options},
            default=control.default,
            label=tr(control.label, "control"),
        )
    if isinstance(control, Toggle):
        return Toggle(
            control.name,
            default=control.default,
            label=tr(control.label, "control"),
            values=control.pair,
            texts=tuple(tr(t, "control") for t in control.pair_texts),
        )
    return control
