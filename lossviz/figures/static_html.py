"""The static slider figure: one self-contained ``text/html`` fragment, no kernel needed.

``<figure class="lossviz-slider">`` holds a ``<picture>`` with the default frame (a wide frame,
and a narrow one chosen by a media query on phones), one labelled control per parameter (range
with its min, max and a fixed-width value box; radio buttons; a switch), the readouts, a
``<figcaption>``, the other frames as a JSON list of URLs, and the package's JavaScript and CSS
(:file:`assets/slider.js`, :file:`assets/slider.css`) inlined, so that the fragment works on the
site, from disk and in any notebook viewer. Without JavaScript the default frame still shows.

Every frame is a ``data:image/png;base64,…`` URI inside a double-quoted attribute or a JSON
string; a site build may replace each by the URL of a cacheable file, which the script treats
the same way (it never decodes the frames itself).
"""

from __future__ import annotations

import base64
import functools
import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from ..i18n import tr
from .controls import Control

__all__ = ["NARROW_MEDIA", "STACKED_NOTE", "Layout", "asset", "png_url", "static_html"]

#: Screens that show the narrow layout: where the wide one would shrink below 0.6 of its size.
NARROW_MEDIA = "(max-width: 599.98px)"
#: Under a figure whose panels the narrow layout stacks, on narrow screens only.
STACKED_NOTE = "Panels stacked for this screen: “left” is the top one, “right” the bottom one."


@functools.cache
def asset(name: str) -> str:
    """The text of a package file in :mod:`lossviz.figures.assets` (``slider.js``, ``slider.css``)."""
    return resources.files(__package__).joinpath("assets", name).read_text(encoding="utf-8")


def png_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


@dataclass(frozen=True)
class Layout:
    """One set of frames: PNG bytes in grid order and their size in CSS pixels."""

    frames: Sequence[bytes]
    width: int
    height: int


def _range_control(uid: str, i: int, c: Control, current: int) -> str:
    esc = html.escape
    cid = f"{uid}-{i}"
    texts = c.texts
    box = max(len(t) for t in texts)  # characters: the value box never changes width
    low, high = (c.fmt.format(v) for v in (c.min, c.max))  # the unit is in the value box
    return (
        f'<div class="lossviz-control" data-control="range">'
        f'<div class="lossviz-head">'
        f'<label class="lossviz-label" for="{cid}">{esc(c.label)}</label>'
        f'<output class="lossviz-value" for="{cid}" id="{cid}-value" style="width:{box + 0.5}ch">'
        f"{esc(texts[current])}</output></div>"
        f'<div class="lossviz-track">'
        f'<span class="lossviz-end" aria-hidden="true">{esc(low)}</span>'
        f'<input type="range" class="lossviz-range" id="{cid}" name="{esc(c.name)}" '
        f'min="0" max="{len(texts) - 1}" step="1" value="{current}" '
        f'aria-valuetext="{esc(c.describe(c.values[current]))}" disabled>'
        f'<span class="lossviz-end" aria-hidden="true">{esc(high)}</span>'
        f"</div></div>"
    )


def _choice_control(uid: str, i: int, c: Control, current: int) -> str:
    esc = html.escape
    options = "".join(
        f'<label class="lossviz-option"><input type="radio" name="{uid}-{i}" value="{j}"'
        f"{' checked' if j == current else ''} disabled>{esc(text)}</label>"
        for j, text in enumerate(c.texts)
    )
    return (
        f'<fieldset class="lossviz-control" data-control="choice">'
        f'<legend class="lossviz-label">{esc(c.label)}</legend>'
        f'<div class="lossviz-options">{options}</div></fieldset>'
    )


def _toggle_control(uid: str, i: int, c: Control, current: int) -> str:
    esc = html.escape
    cid = f"{uid}-{i}"
    texts = c.texts
    box = max(len(t) for t in texts)
    return (
        f'<div class="lossviz-control" data-control="toggle">'
        f'<label class="lossviz-switch" for="{cid}">'
        f'<input type="checkbox" role="switch" id="{cid}" name="{esc(c.name)}"'
        f"{' checked' if current == 1 else ''} disabled>"
        f'<span class="lossviz-label">{esc(c.label)}</span></label> '
        f'<output class="lossviz-value" for="{cid}" id="{cid}-value" style="width:{box + 0.5}ch">'
        f"{esc(texts[current])}</output></div>"
    )


_CONTROL_HTML = {"range": _range_control, "choice": _choice_control, "toggle": _toggle_control}


def static_html(
    uid: str,
    controls: Sequence[Control],
    wide: Layout,
    narrow: Layout | None,
    *,
    default_index: int,
    readouts: Sequence[str],
    alt: str,
    caption: str | None,
) -> str:
    """The figure's HTML (see the module docstring); ``uid`` must be unique on the page."""
    esc = html.escape
    current = [c.default_index for c in controls]
    texts = [[c.describe(v) for v in c.values] for c in controls]
    wide_urls = [png_url(f) for f in wide.frames]
    narrow_urls = [png_url(f) for f in narrow.frames] if narrow else None
    data = {
        "sizes": [len(c.values) for c in controls],
        # the default frame is already in the markup: not shipped twice
        "frames": [u if k != default_index else "" for k, u in enumerate(wide_urls)],
        "narrow": (
            [u if k != default_index else "" for k, u in enumerate(narrow_urls)]
            if narrow_urls
            else None
        ),
        "media": NARROW_MEDIA,
        "values": [list(c.texts) for c in controls],
        "texts": texts,
        "readouts": list(readouts),
        "alt": alt,
    }
    # "<" escaped: no "</script>" or "<!--" can end or confuse the script element
    payload = json.dumps(data, ensure_ascii=True, separators=(",", ":")).replace("<", "\\u003c")
    # the settings shown, in parentheses; a figure without controls has none
    alt_now = (
        f"{alt} ({'; '.join(t[j] for t, j in zip(texts, current, strict=True))})"
        if controls
        else alt
    )
    source = (
        f'<source media="{NARROW_MEDIA}" srcset="{narrow_urls[default_index]}" '
        f'width="{narrow.width}" height="{narrow.height}">'
        if narrow
        else ""
    )
    picture = (
        f"<picture>{source}"
        f'<img class="lossviz-frame" id="{uid}-img" width="{wide.width}" height="{wide.height}" '
        f'alt="{esc(alt_now)}" src="{wide_urls[default_index]}"></picture>'
    )
    # Captions and prose name panels "left" and "right"; on a phone they are stacked. Shown only
    # where the narrow frame is (same media query); screen readers get the alt text instead.
    stacked = (
        f'<p class="lossviz-stacked" aria-hidden="true">{esc(tr(STACKED_NOTE, "figure"))}</p>'
        if narrow
        else ""
    )
    parts = [_CONTROL_HTML[c.kind](uid, i, c, current[i]) for i, c in enumerate(controls)]
    readout_text = readouts[default_index]
    readout = (
        f'<output class="lossviz-readout" id="{uid}-readout" aria-live="polite">'
        f"{esc(readout_text)}</output>"
        if any(readouts)
        else ""
    )
    caption_html = (
        f'<figcaption class="lossviz-caption">{esc(caption)}</figcaption>'
        if caption
        else f'<figcaption class="lossviz-sr-only">{esc(alt)}</figcaption>'
    )
    script = (
        f'<script type="application/json" id="{uid}-data">{payload}</script>'
        f"<script>{asset('slider.js').replace('__ID__', uid)}</script>"
        if controls
        else ""
    )
    controls_html = f'<div class="lossviz-controls">{"".join(parts)}{readout}</div>'
    return (
        f'<figure class="lossviz-slider" id="{uid}" data-frame="{default_index}">'
        f"<style>{asset('slider.css')}</style>"
        f'<div class="lossviz-card">{picture}</div>{stacked}'
        f"{controls_html if controls else ''}"
        f"{script}{caption_html}</figure>"
    )
