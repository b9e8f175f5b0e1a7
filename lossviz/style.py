"""The book's look: one colour per loss (everywhere), fonts and sizes.

Colours
    Each loss's colour is part of its declaration in :mod:`lossviz.losses` (``Loss.color``);
    :func:`color` looks it up there, by the loss's one name (``lv.losses.names()``), and adds three
    roles: ``neutral`` (reference lines), ``data`` and ``accent`` (highlights). The colours are the
    Okabe–Ito palette (Okabe & Ito, 2008) and Paul Tol's colour-blind-safe "muted" (then
    "medium-contrast") schemes, which stay distinguishable under the common colour-vision
    deficiencies::

        l1 #D55E00   mse #0072B2   smooth_l1 #009E73   huber #E69F00   pseudo_huber #CC79A7
        barron #56B4E9   bce / ce / logistic / multilabel_soft_margin #882255 (one family)
        focal #44AA99   asl #999933   zlpr #332288   hinge #CC6677   squared_hinge #AA4499
        exponential #117733   neutral #9E9E9E   data #4D4D4D   accent #000000

    Losses shown together never share a colour: the residual losses are distinct among themselves,
    and so are the classification losses (logit, margin and score views); only the
    cross-entropy family (bce, ce, logistic, multilabel_soft_margin: one loss in different views)
    shares its colour on purpose.

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

from . import losses as _losses

__all__ = [
    "COLORS",
    "LOSS_NAMES",
    "RC",
    "ROLES",
    "apply",
    "color",
    "context",
    "is_applied",
    "restore",
]

#: Colours of the roles that are not losses.
ROLES: dict[str, str] = {
    "neutral": "#9E9E9E",
    "data": "#4D4D4D",
    "accent": "#000000",
}

#: The losses whose colours form the default colour cycle, in this order.
LOSS_NAMES: tuple[str, ...] = (
    "l1",
    "mse",
    "smooth_l1",
    "huber",
    "pseudo_huber",
    "barron",
    "bce",
    "focal",
    "asl",
    "zlpr",
)

#: Every name :func:`color` knows (each loss of the registry, then the roles) and its colour.
COLORS: dict[str, str] = {**{L.name: L.color for L in _losses.all()}, **ROLES}

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


def color(name: str) -> str:
    """The book's colour (``"#RRGGBB"``) for a loss of :mod:`lossviz.losses` or a role.

    ``name`` is a loss's one name (``"l1"``, ``"mse"``, ``"smooth_l1"``, ``"huber"``, ``"bce"``,
    ``"ce"``, ``"focal"``, ``"asl"``, ``"zlpr"``, ``"hinge"``, ... see ``lv.losses.names()``) or a
    role (``"neutral"``, ``"data"``, ``"accent"``), spelt exactly. Unknown names raise
    ``ValueError`` listing the known ones.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, got {type(name).__name__}")
    try:
        return COLORS[name]
    except KeyError:
        known = ", ".join(COLORS)
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
