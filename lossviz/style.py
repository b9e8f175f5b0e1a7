"""The book's look: one colour per loss (everywhere), fonts and sizes.

Colours
    The first seven loss colours are the Okabe–Ito palette (Okabe & Ito, 2008), designed to stay
    distinguishable under the common colour-vision deficiencies; the remaining three come from Paul
    Tol's colour-blind-safe "muted" scheme. Each loss has **one** colour in every figure of the
    book, so a reader who has learnt "Huber is orange" can rely on it::

        l1 #D55E00 (vermillion)     mse / l2 #0072B2 (blue)         smooth_l1 #009E73 (green)
        huber #E69F00 (orange)      pseudo_huber #CC79A7 (pink)     barron #56B4E9 (sky blue)
        ce / bce / cross_entropy #882255 (wine)   focal #44AA99 (teal)   asl #999933 (olive)
        zlpr #332288 (indigo)       neutral #9E9E9E   data #4D4D4D   accent #000000

    The losses of one chapter never share a colour (chapter 1: l1, mse, smooth_l1, huber,
    pseudo_huber, barron; chapters 2–3: ce, mse, focal, asl, zlpr).

What importing ``lossviz`` changes
    Exactly the matplotlib ``rcParams`` listed in :data:`RC` (fonts, sizes, the colour cycle, grid,
    spines, constrained layout, white figure background). Nothing else: no backend switch, no
    ``pyplot`` import, no random seeds, no warnings filters. The previous values are remembered,
    so :func:`restore` puts them back; set the environment variable ``LOSSVIZ_STYLE=off`` before
    importing ``lossviz`` to skip the change entirely, or use :func:`context` to apply the style
    only inside a ``with`` block.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib as mpl
from cycler import cycler

__all__ = [
    "ALIASES",
    "COLORS",
    "LOSS_NAMES",
    "RC",
    "apply",
    "color",
    "context",
    "is_applied",
    "restore",
]

#: One fixed colour per loss, plus three roles (reference lines, data, highlight).
COLORS: dict[str, str] = {
    "l1": "#D55E00",
    "mse": "#0072B2",
    "smooth_l1": "#009E73",
    "huber": "#E69F00",
    "pseudo_huber": "#CC79A7",
    "barron": "#56B4E9",
    "ce": "#882255",
    "focal": "#44AA99",
    "asl": "#999933",
    "zlpr": "#332288",
    "neutral": "#9E9E9E",
    "data": "#4D4D4D",
    "accent": "#000000",
}

#: Other names accepted by :func:`color` (after lower-casing, '-' and ' ' read as '_').
ALIASES: dict[str, str] = {
    "l2": "mse",
    "squared_error": "mse",
    "smoothl1": "smooth_l1",
    "pseudohuber": "pseudo_huber",
    "bce": "ce",
    "cross_entropy": "ce",
    "binary_cross_entropy": "ce",
    "log_loss": "ce",
    "logistic": "ce",
}

#: The losses, in the order of the default colour cycle.
LOSS_NAMES: tuple[str, ...] = (
    "l1",
    "mse",
    "smooth_l1",
    "huber",
    "pseudo_huber",
    "barron",
    "ce",
    "focal",
    "asl",
    "zlpr",
)

#: Every rcParam that :func:`apply` (run on ``import lossviz``) sets, and its value.
RC: dict[str, object] = {
    # DejaVu Sans ships with matplotlib, so figures look the same on every machine (no CJK glyphs:
    # figure text is English only).
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica", "sans-serif"],
    "font.size": 10.5,
    "axes.titlesize": 11.0,
    "axes.labelsize": 10.5,
    "xtick.labelsize": 9.5,
    "ytick.labelsize": 9.5,
    "legend.fontsize": 9.5,
    "legend.frameon": False,
    "lines.linewidth": 2.0,
    "axes.prop_cycle": cycler(color=[COLORS[n] for n in LOSS_NAMES]),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.8,
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100.0,
    # White backgrounds: the website's dark mode shows figures as white cards, not transparent.
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "axes.facecolor": "white",
    "figure.constrained_layout.use": True,
    "image.cmap": "viridis",
}

_saved: dict[str, object] | None = None


def _canonical(name: str) -> str:
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, got {type(name).__name__}")
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    return ALIASES.get(key, key)


def color(name: str) -> str:
    """The book's colour (``"#RRGGBB"``) for a loss or role.

    ``name`` is a loss (``"l1"``, ``"mse"``/``"l2"``, ``"smooth_l1"``, ``"huber"``,
    ``"pseudo_huber"``, ``"barron"``, ``"ce"``/``"bce"``/``"cross_entropy"``, ``"focal"``,
    ``"asl"``, ``"zlpr"``) or a role (``"neutral"``, ``"data"``, ``"accent"``); case, hyphens and
    spaces are ignored. Unknown names raise ``ValueError`` listing the known ones.
    """
    key = _canonical(name)
    try:
        return COLORS[key]
    except KeyError:
        known = ", ".join(sorted({*COLORS, *ALIASES}))
        raise ValueError(f"name: unknown colour name {name!r}; known names: {known}") from None


def apply() -> None:
    """Set the rcParams in :data:`RC`, remembering the previous values for :func:`restore`."""
    global _saved
    if _saved is None:
        _saved = {key: mpl.rcParams[key] for key in RC}
    mpl.rcParams.update(RC)


def restore() -> None:
    """Put back the rcParams that :func:`apply` changed (no-op if the style is not applied)."""
    global _saved
    if _saved is not None:
        mpl.rcParams.update(_saved)
        _saved = None


def is_applied() -> bool:
    """Whether the style is currently applied by :func:`apply` (and not restored)."""
    return _saved is not None


@contextmanager
def context() -> Iterator[None]:
    """Apply the style inside a ``with`` block only (for readers who opted out on import)."""
    with mpl.rc_context(RC):
        yield


def _apply_on_import() -> None:
    setting = os.environ.get("LOSSVIZ_STYLE", "on").strip().lower()
    if setting in ("", "on", "1", "true"):
        apply()
    elif setting not in ("off", "0", "false"):
        raise ValueError(f"LOSSVIZ_STYLE must be 'on' or 'off', got {setting!r}")


_apply_on_import()
