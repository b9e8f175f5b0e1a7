"""Drawing a figure on its Agg canvas and encoding it as PNG, fast (live) or small (static).

:class:`FrameRenderer` draws a figure again after ``update`` changed its artists; in a live
session it redraws only what changed (see its docstring). :func:`stack_panels` lays a figure whose
panels sit side by side out as one column, for narrow screens.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from PIL import Image

from ._mpl_private import draw_order, partial_redraw_supported

__all__ = ["MAX_REBUILDS", "NARROW_WIDTH", "FrameRenderer", "quantized_png", "stack_panels"]

#: After this many background rebuilds a figure is drawn in full on every live step.
MAX_REBUILDS = 4
#: Width in inches of the narrow (phone) layout: at 100 dpi, 460 CSS px, which a 390-px phone
#: shows at about 0.73 of that size (the wide 800-px layout would shrink to 0.42).
NARROW_WIDTH = 4.6


def _png_chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


class FrameRenderer:
    """Draw a figure on its Agg canvas and encode it as PNG; between live steps, blit.

    Most of a full Agg draw goes into ticks and tick labels (about 90 % for a two-panel line plot),
    which a slider does not change. With ``blit=True`` the renderer learns which artists ``update``
    changes, keeps the canvas drawn without them, and per step restores it and redraws only the
    tail of each Axes' draw order that starts at the first changing artist — the same order as
    ``Axes.draw``, so the pixels equal those of a full draw (a test checks this). When anything
    outside those tails changed (another artist became stale or was shown/hidden, artists were
    added or removed, limits, scales or layout moved) it draws in full, learns the new changing
    artists and rebuilds; after :data:`MAX_REBUILDS` rebuilds it draws in full on every step.
    Twin/inset axes, images and figure-level changing artists are always drawn in full.
    """

    def __init__(self, fig: Figure, *, blit: bool = True) -> None:
        if not isinstance(fig.canvas, FigureCanvasAgg):
            FigureCanvasAgg(fig)
        self.fig = fig
        self.canvas: FigureCanvasAgg = fig.canvas
        # Partial redraws copy Axes.draw's private order: only where that copy is tested.
        self.blit = blit and partial_redraw_supported()
        self.rebuilds = 0
        self.full_draws = 0
        self.blits = 0
        self._dynamic: set[int] = set()
        self._plan: list[tuple[Axes, list]] | None = None
        self._background = None
        self._baseline: dict[int, tuple[bool, bool]] = {}
        self._flat: list = []
        self._structure: tuple = ()

    @property
    def blitting(self) -> bool:
        """Whether the next unchanged-structure step will be blitted."""
        return self.blit and self._plan is not None

    def learn(self, update_again: Callable[[], object], *, drawn: bool = False) -> None:
        """Draw in full, call ``update_again()`` and record which artists it made stale.

        ``drawn=True``: the canvas already holds a full draw of the figure as it is now (the
        caller just drew it), so the first draw is skipped.
        """
        if drawn:
            self._snapshot()
        else:
            self._full_draw()
        if not self.blit:
            return
        update_again()
        self._dynamic = self._changed_top_level()
        self._full_draw()
        self._rebuild()

    def draw(self) -> None:
        """Bring the canvas up to date with the figure (blit when the plan still holds)."""
        if not self.blit:
            self.canvas.draw()
            self.full_draws += 1
            return
        if self._plan is not None and self._plan_holds():
            renderer = self.canvas.get_renderer()
            self.canvas.restore_region(self._background)
            for _ax, tail in self._plan:
                for artist in tail:
                    artist.draw(renderer)
            self.blits += 1
            return
        changed = self._changed_top_level() if self._structure else set()
        self._full_draw()
        if self.rebuilds < MAX_REBUILDS:
            self._dynamic |= changed
            self._rebuild()
        else:
            self._plan = None

    def _full_draw(self) -> None:
        self.canvas.draw()
        self.full_draws += 1
        self._snapshot()

    def _rebuild(self) -> None:
        self._plan = None
        self._background = None
        plan = self._make_plan()
        if plan is None:
            return
        self.rebuilds += 1
        tails = [a for _ax, tail in plan for a in tail]
        for a in tails:
            a.set_animated(True)  # Axes.draw skips animated artists; no stale flag is set
        try:
            self.canvas.draw()
            self._background = self.canvas.copy_from_bbox(self.fig.bbox)
        finally:
            for a in tails:
                a.set_animated(False)
        renderer = self.canvas.get_renderer()
        for a in tails:
            a.draw(renderer)
        self._snapshot()
        self._plan = plan

    def _make_plan(self) -> list[tuple[Axes, list]] | None:
        fig = self.fig
        if not self._dynamic or fig.subfigs or fig.legends or fig.images:
            return None
        plan = []
        owned: set[int] = set()
        for ax in fig.axes:
            order = draw_order(ax)
            owned.update(id(a) for a in ax.get_children())
            first = next((i for i, a in enumerate(order) if id(a) in self._dynamic), None)
            if first is None:
                continue
            tail = order[first:]
            if ax.child_axes or ax.get_rasterization_zorder() is not None:
                return None
            if any(isinstance(a, AxesImage) for a in tail):
                return None  # Axes.draw composites images; keep its exact handling
            if any(ax.bbox.overlaps(o.bbox) for o in fig.axes if o is not ax):
                return None  # twin or inset axes: another Axes draws over this one
            plan.append((ax, tail))
        if not self._dynamic <= owned:
            return None  # a figure-level artist changes
        return plan

    def _top_level(self):
        """Yield ``(top, artist)`` for every artist; ``top`` is its Axes child or figure child."""
        fig = self.fig
        for ax in fig.axes:
            for child in ax.get_children():
                for a in child.findobj(include_self=True):
                    yield child, a
        for child in fig.get_children():
            if not isinstance(child, Axes):
                for a in child.findobj(include_self=True):
                    yield child, a

    def _snapshot(self) -> None:
        # The walk is cached: Axis.get_children recomputes tick locations (≈ 40 % of a blit step).
        # Added or removed artists show in the structure; limits too (ticks follow from them).
        self._flat = list(self._top_level())
        self._baseline = {id(a): (a.stale, a.get_visible()) for _top, a in self._flat}
        self._structure = self._current_structure()

    def _current_structure(self) -> tuple:
        fig = self.fig
        parts: list = [tuple(fig.bbox.bounds), tuple(id(c) for c in fig.get_children())]
        for ax in fig.axes:
            parts.append(tuple(id(c) for c in ax.get_children()))
            parts.append(tuple(ax.viewLim.bounds))  # reading viewLim applies pending autoscaling
            parts.append(tuple(ax.bbox.bounds))
            parts.append((ax.get_xscale(), ax.get_yscale()))
        return tuple(parts)

    def _changed_top_level(self, walk: bool = True) -> set[int]:
        """Top-level artists with a part that became stale or was shown/hidden since the last
        full draw (artists that are stale after a full draw, e.g. invisible ones, count only if
        their visibility changed). ``walk=False`` checks the artists cached by the last snapshot."""
        changed = set()
        for top, a in self._top_level() if walk else self._flat:
            before = self._baseline.get(id(a))
            stale, visible = a.stale, a.get_visible()
            if before is None or (stale and not before[0]) or visible != before[1]:
                changed.add(id(top))
        return changed

    def _plan_holds(self) -> bool:
        if self._current_structure() != self._structure:
            return False
        tails = {id(a) for _ax, tail in self._plan for a in tail}
        return self._changed_top_level(walk=False) <= tails

    # -- encoding --------------------------------------------------------------------------------
    def image(self) -> Image.Image:
        """The canvas as a Pillow image (RGB if the figure background is opaque)."""
        buf = self.canvas.buffer_rgba()
        w, h = self.canvas.get_width_height(physical=True)
        img = Image.frombuffer("RGBA", (w, h), buf, "raw", "RGBA", 0, 1)
        if self.fig.get_facecolor()[3] >= 1.0:
            img = img.convert("RGB")  # opaque figure: no alpha channel (smaller, faster PNG)
        return img

    def png_fast(self) -> bytes:
        """The canvas as PNG, written for speed (live sliders): rows unfiltered, zlib level 1.

        Pillow's encoder spends most of its time choosing a row filter; a line plot is mostly
        white runs, which zlib compresses as well without one (~44 KB for 800×320), in about half
        the time. Pixel-exact (a test decodes it with Pillow).
        """
        rgba = np.asarray(self.canvas.buffer_rgba())
        h, w, _ = rgba.shape
        opaque = self.fig.get_facecolor()[3] >= 1.0
        channels = 3 if opaque else 4
        raw = np.zeros((h, 1 + channels * w), np.uint8)  # first byte of each row: filter 0
        raw[:, 1:].reshape(h, w, channels)[...] = rgba[..., :channels]
        header = struct.pack(">IIBBBBB", w, h, 8, 2 if opaque else 6, 0, 0, 0)
        return b"".join(
            (
                b"\x89PNG\r\n\x1a\n",
                _png_chunk(b"IHDR", header),
                _png_chunk(b"IDAT", zlib.compress(raw.tobytes(), 1)),
                _png_chunk(b"IEND", b""),
            )
        )

    def png_small(self) -> bytes:
        """The canvas as a 256-colour PNG (FASTOCTREE): ~4× smaller (static frames).

        zlib level 6: Pillow's ``optimize=True`` saves another ~8 % of bytes but costs ~0.2 s per
        2× frame, a fifth of the build's rendering time.
        """
        return quantized_png(self.image())


def quantized_png(image: Image.Image) -> bytes:
    """``image`` as a 256-colour PNG (FASTOCTREE quantisation, zlib level 6)."""
    quantized = image.quantize(256, method=Image.Quantize.FASTOCTREE)
    out = io.BytesIO()
    quantized.save(out, format="PNG", compress_level=6)
    return out.getvalue()


def _colorbars(fig: Figure) -> dict[Axes, Axes]:
    """Each colorbar Axes of ``fig``, mapped to the Axes that holds its mappable."""
    found = {}
    for ax in fig.axes:
        for artist in (*ax.collections, *ax.images):
            colorbar = getattr(artist, "colorbar", None)  # ScalarMappable.colorbar, public
            if colorbar is not None and colorbar.ax.figure is fig:
                found[colorbar.ax] = ax
    return found


def _overlap(a, b) -> float:
    """Length of the overlap of the intervals ``a`` and ``b`` (0 if they are disjoint)."""
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0]))


def stack_panels(fig: Figure, width: float = NARROW_WIDTH) -> bool:
    """Lay out the panels of ``fig`` one below the other, ``width`` inches wide; True if done.

    Only a figure whose panels all sit in one row of one GridSpec (``fig.subplots(1, n)``), with
    no inset or twin Axes, can be re-laid out this way; for any other figure nothing changes and
    the result is False. A panel's colorbar (``fig.colorbar(mappable, ax=panel)`` under
    constrained layout, which places it beside its panel at every draw) stays beside it; the
    result is checked, and a colorbar that no longer sits beside its panel's row, or Axes that
    overlap, undo the change. Each panel keeps its height, at most 3.2 inches. The figure's
    layout engine (constrained by the book's style) places the stacked panels, then is switched
    off so that every frame has the same axes positions.
    """
    if not fig.axes or fig.subfigs:
        return False
    colorbars = _colorbars(fig)
    # A colorbar with a subplotspec was cut out of its panel's cell (use_gridspec=True): its
    # GridSpec is not the panels' one, so the check below declines it.
    axes = [ax for ax in fig.axes if ax not in colorbars or ax.get_subplotspec() is not None]
    specs = [ax.get_subplotspec() for ax in axes]
    if any(s is None for s in specs) or any(ax.child_axes for ax in fig.axes):
        return False
    grid = specs[0].get_gridspec()
    nrows, ncols = grid.get_geometry()
    if nrows != 1 or any(s.get_gridspec() is not grid for s in specs):
        return False
    columns = [s.colspan for s in specs]
    if any(len(c) != 1 for c in columns) or len({c.start for c in columns}) != len(columns):
        return False  # a panel spans several columns, or two Axes share one (twins)
    saved = (list(zip(axes, specs, strict=True)), fig.get_size_inches(), fig.get_layout_engine())
    old_h = saved[1][1]
    order = sorted(range(len(axes)), key=lambda i: columns[i].start)
    new_grid = fig.add_gridspec(len(axes), 1)
    for row, i in enumerate(order):
        axes[i].set_subplotspec(new_grid[row, 0])
    fig.set_size_inches(width, min(old_h, 3.2) * len(axes) + 0.1 * (len(axes) - 1))
    fig.set_layout_engine("constrained")
    # Twice: the first draw resizes the colorbars, whose new ticks (wider labels) the second
    # draw makes room for; otherwise a label can be cut at the right edge.
    fig.canvas.draw()
    fig.canvas.draw()
    fig.set_layout_engine("none")
    if _laid_out_in_one_column(fig, colorbars):
        return True
    for ax, spec in saved[0]:
        ax.set_subplotspec(spec)
    fig.set_size_inches(saved[1])
    fig.set_layout_engine(saved[2])
    return False


def _laid_out_in_one_column(fig: Figure, colorbars: dict[Axes, Axes]) -> bool:
    """No two Axes overlap, and each colorbar shares most of its panel's height."""
    boxes = [ax.get_position() for ax in fig.axes]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if _overlap(a.intervalx, b.intervalx) > 0 and _overlap(a.intervaly, b.intervaly) > 0:
                return False
    for cax, panel in colorbars.items():
        bar, box = cax.get_position(), panel.get_position()
        if _overlap(bar.intervaly, box.intervaly) < 0.5 * min(bar.height, box.height):
            return False
    return True
