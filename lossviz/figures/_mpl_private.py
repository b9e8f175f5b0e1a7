"""The one place that relies on matplotlib internals (for partial redraws of live figures).

A live step redraws only the artists that change, in the order ``Axes.draw`` would draw them.
That order is not public API: it is read here from ``Axes.draw``'s behaviour in the matplotlib
versions of :data:`TESTED`. For any other version :func:`partial_redraw_supported` is False and
the live figure is drawn in full on every step (slower, always right).
"""

from __future__ import annotations

from operator import attrgetter

import matplotlib
from matplotlib.axes import Axes

__all__ = ["TESTED", "draw_order", "partial_redraw_supported"]

#: The (major, minor) versions of matplotlib whose ``Axes.draw`` order :func:`draw_order` copies.
TESTED = ((3, 7), (3, 11))


def _major_minor(version: str) -> tuple[int, int]:
    parts = version.split(".")
    try:
        return int(parts[0]), int("".join(ch for ch in parts[1] if ch.isdigit()) or 0)
    except (IndexError, ValueError):
        return (0, 0)


def partial_redraw_supported(version: str | None = None) -> bool:
    """Whether ``version`` (default: the installed matplotlib) is within :data:`TESTED`."""
    found = _major_minor(matplotlib.__version__ if version is None else version)
    return TESTED[0] <= found <= TESTED[1]


def draw_order(ax: Axes) -> list:
    """The artists of ``ax`` in the order ``Axes.draw`` draws them (patch, then by zorder)."""
    artists = ax.get_children()
    artists.remove(ax.patch)
    frame = ax.axison and ax.get_frame_on()
    if not frame:
        for spine in ax.spines.values():
            artists.remove(spine)
    if not ax.axison:
        for axis in ax._axis_map.values():  # private: the x/y(/z) Axis objects Axes.draw skips
            artists.remove(axis)
    artists = sorted((a for a in artists if not a.get_animated()), key=attrgetter("zorder"))
    return [ax.patch, *artists] if frame else artists
