"""Slider figures: one call gives a live slider in Jupyter and a working slider on the static site.

>>> fig_widget = slider_figure(setup, Param("beta", 0.1, 3.0, default=1.0), alt="...")  # doctest: +SKIP

``setup(fig)`` builds the figure once on a :class:`matplotlib.figure.Figure` (fixed axis limits) and
returns ``update(**params)``, which changes the artists' data and may return a dict of readouts
(``{"loss at r = 2": 1.5}``). The result displays itself in one of two modes:

live (default)
    An ipywidgets box (CSS class ``lossviz-live``): one slider per :class:`Param` with its label,
    value and unit, the readouts, and an ``ipywidgets.Image`` updated in place. The figure is never
    re-created and never goes through ``pyplot`` (nothing else is displayed): per step, ``update``
    runs, the Agg canvas is redrawn — blitting only the artists that changed, see
    :class:`FrameRenderer` — and the pixels are PNG-encoded by Pillow with a low compression level.
static (``LOSSVIZ_DISPLAY=static``, set by the book build in ``_ext/lossviz_book.py``)
    One ``text/html`` output (plus ``text/plain``): ``<figure class="lossviz-slider">`` holding
    every frame of the parameter grid (the product grid for two parameters) as a 256-colour PNG,
    the default frame as a plain ``<img alt=…>`` (visible without JavaScript), one labelled
    ``<input type="range">`` per parameter with ``aria-valuetext`` and an ``<output>`` showing the
    value, the frame's readouts, and a few lines of inline JavaScript that swap frames. No external
    resource, no global JavaScript name, ids unique per figure.

The mode comes from the environment variable ``LOSSVIZ_DISPLAY`` (``"static"`` or ``"live"``,
unset means live) — an explicit signal that the book build sets itself, never a guess — or from
``slider_figure(..., mode=...)``. A live session never renders the static frames.
"""

from __future__ import annotations

import base64
import hashlib
import html
import inspect
import io
import itertools
import json
import keyword
import math
import numbers
import os
import struct
import time
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from PIL import Image

from ._validation import scalar as _real  # real, finite float; errors name the argument

__all__ = [
    "DISPLAY_ENV",
    "FrameRenderer",
    "Param",
    "SliderFigure",
    "display_mode",
    "slider_figure",
]

#: Environment variable that selects the display mode (``static`` in the book build).
DISPLAY_ENV = "LOSSVIZ_DISPLAY"
MODES = ("live", "static")
#: At most this many parameters per slider figure.
MAX_PARAMS = 2
#: After this many background rebuilds a figure is drawn in full on every live step.
MAX_REBUILDS = 4


# ---------------------------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------------------------
# Off-screen but read by screen readers (the usual "visually hidden" pattern).
_VISUALLY_HIDDEN = (
    "position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;"
    "clip:rect(0,0,0,0);white-space:nowrap;border:0;"
)


@dataclass(frozen=True)
class Param:
    """One slider: ``num`` grid values from ``min`` to ``max`` (geometric if ``log``).

    ``default`` is the value shown first; it is inserted into the grid if it is not a grid point.
    ``label`` (default: ``name``) and ``unit`` are shown next to the slider and the value, which is
    formatted with ``fmt`` (a ``str.format`` pattern such as ``"{:.3g}"``). ``name`` is the keyword
    argument passed to ``update``.
    """

    name: str
    min: float
    max: float
    default: float
    num: int = 25
    label: str | None = None
    unit: str = ""
    fmt: str = "{:.3g}"
    log: bool = False
    _grid: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise ValueError(
                f"name must be a Python identifier (a keyword argument), got {self.name!r}"
            )
        if keyword.iskeyword(self.name):
            raise ValueError(f"name must not be a Python keyword, got {self.name!r}")
        lo = _real(self.min, f"Param {self.name!r}: min")
        hi = _real(self.max, f"Param {self.name!r}: max")
        default = _real(self.default, f"Param {self.name!r}: default")
        if not lo < hi:
            raise ValueError(f"Param {self.name!r}: min must be < max, got min={lo}, max={hi}")
        if not lo <= default <= hi:
            raise ValueError(
                f"Param {self.name!r}: default must lie in [min, max] = [{lo}, {hi}], got {default}"
            )
        if isinstance(self.num, bool) or not isinstance(self.num, numbers.Integral):
            raise TypeError(
                f"Param {self.name!r}: num must be an int, got {type(self.num).__name__}"
            )
        if not 2 <= self.num <= 201:
            raise ValueError(f"Param {self.name!r}: num must be in [2, 201], got {self.num}")
        if not isinstance(self.log, bool):
            raise TypeError(
                f"Param {self.name!r}: log must be a bool, got {type(self.log).__name__}"
            )
        if self.log and lo <= 0:
            raise ValueError(f"Param {self.name!r}: log=True needs min > 0, got min={lo}")
        label = self.name if self.label is None else self.label
        for attr, value in (("label", label), ("unit", self.unit), ("fmt", self.fmt)):
            if not isinstance(value, str):
                raise TypeError(
                    f"Param {self.name!r}: {attr} must be a str, got {type(value).__name__}"
                )
        try:
            self.fmt.format(default)
        except (ValueError, IndexError, KeyError) as err:
            raise ValueError(
                f"Param {self.name!r}: fmt {self.fmt!r} cannot format a float: {err}"
            ) from None
        grid = np.geomspace(lo, hi, self.num) if self.log else np.linspace(lo, hi, self.num)
        grid[0], grid[-1] = lo, hi  # exact ends (geomspace rounds)
        near = np.isclose(grid, default, rtol=1e-9, atol=0.0)
        if near.any():
            grid[np.argmax(near)] = default
        else:
            grid = np.sort(np.append(grid, default))
        grid.setflags(write=False)
        for attr, value in (("min", lo), ("max", hi), ("default", default), ("label", label)):
            object.__setattr__(self, attr, value)
        object.__setattr__(self, "num", int(self.num))
        object.__setattr__(self, "_grid", grid)

    @property
    def grid(self) -> np.ndarray:
        """The values the static slider shows (read-only), ``default`` included."""
        return self._grid

    @property
    def default_index(self) -> int:
        return int(np.flatnonzero(self._grid == self.default)[0])

    def format(self, value: float) -> str:
        """The value as the reader sees it: ``fmt`` applied, then the unit (if any)."""
        text = self.fmt.format(float(value))
        return f"{text} {self.unit}" if self.unit else text

    def describe(self, value: float) -> str:
        """``"label = value unit"`` (the accessible text of the slider)."""
        return f"{self.label} = {self.format(value)}"


# ---------------------------------------------------------------------------------------------
# Rendering: a figure on an Agg canvas, to PNG bytes
# ---------------------------------------------------------------------------------------------
def _draw_order(ax: Axes) -> list:
    """The artists of ``ax`` in the order ``Axes.draw`` draws them (matplotlib 3.7–3.11)."""
    artists = ax.get_children()
    artists.remove(ax.patch)
    if not (ax.axison and ax._frameon):
        for spine in ax.spines.values():
            artists.remove(spine)
    if not ax.axison:
        for axis in ax._axis_map.values():
            artists.remove(axis)
    artists = sorted((a for a in artists if not a.get_animated()), key=attrgetter("zorder"))
    return [ax.patch, *artists] if (ax.axison and ax._frameon) else artists


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
        self.blit = blit
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

    def learn(self, update_again: Callable[[], object]) -> None:
        """Draw in full, call ``update_again()`` and record which artists it made stale."""
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
            order = _draw_order(ax)
            owned.update(id(a) for a in ax.get_children())
            first = next((i for i, a in enumerate(order) if id(a) in self._dynamic), None)
            if first is None:
                continue
            tail = order[first:]
            if ax.child_axes or ax._rasterization_zorder is not None:
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
            ax._unstale_viewLim()  # pending autoscaling would move the limits at draw time
            parts.append(tuple(id(c) for c in ax.get_children()))
            parts.append(tuple(ax.viewLim.bounds))
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
        """The canvas as a 256-colour PNG (FASTOCTREE, optimize): ~4× smaller (static frames)."""
        quantized = self.image().quantize(256, method=Image.Quantize.FASTOCTREE)
        out = io.BytesIO()
        quantized.save(out, format="PNG", optimize=True)
        return out.getvalue()


# ---------------------------------------------------------------------------------------------
# The slider figure
# ---------------------------------------------------------------------------------------------
def display_mode(mode: str | None = None) -> str:
    """``mode`` if given, else ``$LOSSVIZ_DISPLAY`` (unset or empty: ``"live"``); validated."""
    source = "mode"
    if mode is None:
        mode = os.environ.get(DISPLAY_ENV, "").strip() or "live"
        source = f"environment variable {DISPLAY_ENV}"
    if mode not in MODES:
        raise ValueError(f"{source} must be 'live' or 'static', got {mode!r}")
    return mode


def _format_readout(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"readout values must be numbers or str, got {type(value).__name__}")
    return f"{float(value):.4g}"


def _readouts_text(readouts: Mapping[str, Any] | None) -> str:
    if readouts is None:
        return ""
    if not isinstance(readouts, Mapping):
        raise TypeError(
            f"update must return None or a dict of readouts, got {type(readouts).__name__}"
        )
    parts = []
    for key, value in readouts.items():
        if not isinstance(key, str):
            raise TypeError(f"readout names must be str, got {type(key).__name__}")
        parts.append(f"{key}: {_format_readout(value)}")
    return " · ".join(parts)


_counter = itertools.count(1)


class SliderFigure:
    """What :func:`slider_figure` returns; displays itself as a live widget or a static slider.

    Attributes: ``mode``, ``params``, ``alt``; live: ``widget`` (the ipywidgets box),
    ``sliders``, ``image``, ``step(**values)`` (what a slider move runs), ``step_times``
    (seconds per live step); static: ``html``, ``frames`` (PNG bytes, grid order: the last
    parameter varies fastest), ``readouts``, ``default_index``, ``render_seconds``.
    """

    def __init__(self, setup, params, *, figsize, dpi, alt, mode, blit) -> None:
        self.mode = mode
        self.params: tuple[Param, ...] = tuple(params)
        self.alt = alt
        self.step_times: list[float] = []
        fig = Figure(figsize=figsize, dpi=dpi)
        FigureCanvasAgg(fig)
        update = setup(fig)
        if not callable(update):
            raise TypeError(
                "setup must return a callable update(**params), "
                f"got {type(update).__name__}: build the figure in setup(fig) and return update"
            )
        self.figure = fig
        self._update = update
        defaults = {p.name: p.default for p in self.params}
        try:
            inspect.signature(update).bind(**defaults)
        except TypeError as err:
            raise TypeError(
                f"update must accept the keyword arguments {list(defaults)} (the Params' names): {err}"
            ) from None
        except ValueError:  # no introspectable signature (a builtin): let the call decide
            pass
        self.values = dict(defaults)
        self.readout = _readouts_text(update(**defaults))
        if fig.get_layout_engine() is not None:
            fig.canvas.draw()  # let the layout engine place the axes once, then keep them fixed
            fig.set_layout_engine("none")  # fixed frames (no jumping) and ~2x faster draws
        self.renderer = FrameRenderer(fig, blit=blit and mode == "live")
        if mode == "live":
            self.renderer.learn(lambda: update(**defaults))
            self._build_live()
        else:
            self._render_static()

    # -- live ------------------------------------------------------------------------------------
    def _build_live(self) -> None:
        import ipywidgets as w

        # ipywidgets.Image has no alt attribute, and a `tooltip` on a widget without a description
        # breaks its view in ipywidgets 8.1 (issue #3860: "Cannot read properties of undefined").
        # The text alternative goes into a visually hidden element announced with the figure.
        self.image = w.Image(value=self.renderer.png_fast(), format="png")
        self.image.add_class("lossviz-image")
        self._alt_widget = w.HTML(
            value=f'<span class="lossviz-alt" style="{_VISUALLY_HIDDEN}">'
            f"{html.escape(self.alt)}</span>"
        )
        self.sliders = {}
        self._value_labels = {}
        rows = []
        for p in self.params:
            step = (p.max - p.min) / (p.num - 1)
            common = dict(
                value=p.default,
                description=p.label,
                readout=False,
                continuous_update=True,
                style={"description_width": "initial"},
                layout=w.Layout(width="min(28em, 70%)"),
            )
            if p.log:
                lo, hi = math.log10(p.min), math.log10(p.max)
                slider = w.FloatLogSlider(
                    base=10.0, min=lo, max=hi, step=(hi - lo) / (p.num - 1), **common
                )
            else:
                slider = w.FloatSlider(min=p.min, max=p.max, step=step, **common)
            value_label = w.Label(value=p.format(p.default))
            value_label.add_class("lossviz-value")
            slider.observe(self._on_change, names="value")
            self.sliders[p.name] = slider
            self._value_labels[p.name] = value_label
            rows.append(w.HBox([slider, value_label]))
        self._readout_widget = w.HTML(value=self._readout_html(self.readout))
        self._readout_widget.add_class("lossviz-readout")
        self.widget = w.VBox([self._alt_widget, self.image, *rows, self._readout_widget])
        self.widget.add_class("lossviz-live")

    @staticmethod
    def _readout_html(text: str, error: bool = False) -> str:
        style = "color:#b00020;" if error else "font-variant-numeric:tabular-nums;"
        return f'<span style="{style}">{html.escape(text)}</span>' if text else ""

    def _on_change(self, change) -> None:
        values = {name: float(s.value) for name, s in self.sliders.items()}
        try:
            self.step(**values)
        except Exception as err:  # show it: an observer's traceback would go to the log only
            self._readout_widget.value = self._readout_html(
                f"update failed: {type(err).__name__}: {err}", error=True
            )

    def step(self, **values: float) -> bytes:
        """Run one live step (``update``, redraw, encode, refresh the widgets); return the PNG."""
        if self.mode != "live":
            raise RuntimeError("step() is only available in live mode")
        start = time.perf_counter()
        readout = _readouts_text(self._update(**values))
        self.renderer.draw()
        png = self.renderer.png_fast()
        self.image.value = png
        for name, value in values.items():
            self._value_labels[name].value = self.params_by_name[name].format(value)
        if readout != self.readout:
            self._readout_widget.value = self._readout_html(readout)
        self.readout = readout
        self.values = dict(values)
        self.step_times.append(time.perf_counter() - start)
        return png

    @property
    def params_by_name(self) -> dict[str, Param]:
        return {p.name: p for p in self.params}

    # -- static ----------------------------------------------------------------------------------
    def _render_static(self) -> None:
        start = time.perf_counter()
        grids = [p.grid for p in self.params]
        self.frames: list[bytes] = []
        self.readouts: list[str] = []
        for combo in itertools.product(*grids):
            values = {p.name: float(v) for p, v in zip(self.params, combo, strict=True)}
            self.readouts.append(_readouts_text(self._update(**values)))
            self.renderer.draw()
            self.frames.append(self.renderer.png_small())
        sizes = [len(g) for g in grids]
        index = 0
        for p, n in zip(self.params, sizes, strict=True):
            index = index * n + p.default_index
        self.default_index = index
        self.readout = self.readouts[index]
        self.render_seconds = time.perf_counter() - start
        self.html = self._static_html(sizes)
        self.figure = None  # frames are rendered: free the figure
        self._update = None

    def _static_html(self, sizes: list[int]) -> str:
        digest = hashlib.sha1(b"".join(self.frames[:3])).hexdigest()[:8]
        uid = f"lossviz-{digest}-{next(_counter)}"
        width, height = Image.open(io.BytesIO(self.frames[0])).size
        b64 = [base64.b64encode(f).decode("ascii") for f in self.frames]
        first = b64[self.default_index]
        b64[self.default_index] = ""  # already in the <img>: not shipped twice
        labels = [[p.format(v) for v in p.grid] for p in self.params]
        texts = [[p.describe(v) for v in p.grid] for p in self.params]
        data = {
            "sizes": sizes,
            "frames": b64,
            "values": labels,
            "texts": texts,
            "readouts": self.readouts,
            "alt": self.alt,
        }
        # "<" escaped: no "</script>" or "<!--" can end or confuse the script element
        payload = json.dumps(data, ensure_ascii=True, separators=(",", ":")).replace("<", "\\u003c")
        esc = html.escape
        current = [p.default_index for p in self.params]
        controls = []
        for i, p in enumerate(self.params):
            cid = f"{uid}-{i}"
            controls.append(
                f'<div class="lossviz-control">'
                f'<label for="{cid}">{esc(p.label)}</label>'
                f'<input type="range" class="lossviz-range" id="{cid}" name="{esc(p.name)}" '
                f'min="0" max="{len(p.grid) - 1}" step="1" value="{current[i]}" '
                f'aria-valuetext="{esc(texts[i][current[i]], quote=True)}" disabled>'
                f'<output class="lossviz-value" for="{cid}" id="{cid}-value">'
                f"{esc(labels[i][current[i]])}</output></div>"
            )
        alt_now = f"{self.alt} ({'; '.join(t[c] for t, c in zip(texts, current, strict=True))})"
        readout = (
            f'<output class="lossviz-readout" id="{uid}-readout" aria-live="polite">'
            f"{esc(self.readout)}</output>"
        )
        return (
            f'<figure class="lossviz-slider" id="{uid}" data-frame="{self.default_index}">'
            f"<style>{_CSS}</style>"
            f'<div class="lossviz-card"><img class="lossviz-frame" id="{uid}-img" '
            f'width="{width}" height="{height}" alt="{esc(alt_now, quote=True)}" '
            f'src="data:image/png;base64,{first}"></div>'
            f'<div class="lossviz-controls">{"".join(controls)}{readout}</div>'
            f'<script type="application/json" id="{uid}-data">{payload}</script>'
            f"<script>{_JS.replace('__ID__', uid)}</script>"
            f"</figure>"
        )

    # -- display ---------------------------------------------------------------------------------
    def _repr_mimebundle_(self, include=None, exclude=None):
        if self.mode == "static":
            return {"text/html": self.html, "text/plain": repr(self)}
        return self.widget._repr_mimebundle_(include=include, exclude=exclude)

    def __repr__(self) -> str:
        values = ", ".join(p.describe(self.values.get(p.name, p.default)) for p in self.params)
        return f"<lossviz slider figure ({self.mode}): {values}>"

    @property
    def nbytes(self) -> int:
        """Size of the static HTML output in bytes (0 in live mode)."""
        return len(self.html.encode()) if self.mode == "static" else 0


# Scoped to the figure's class; the card keeps the frames on white in the site's dark mode.
_CSS = (
    ".lossviz-slider{margin:1em 0}"
    ".lossviz-slider .lossviz-card{display:inline-block;max-width:100%;background:#fff;"
    "border-radius:6px;padding:4px;box-shadow:0 0 0 1px rgba(127,127,127,.25)}"
    ".lossviz-slider .lossviz-frame{display:block;max-width:100%;height:auto}"
    ".lossviz-slider .lossviz-control{display:flex;align-items:center;gap:.75em;flex-wrap:wrap;"
    "margin:.4em 0}"
    ".lossviz-slider .lossviz-range{flex:1 1 12em;max-width:26em}"
    ".lossviz-slider output{font-variant-numeric:tabular-nums}"
    ".lossviz-slider .lossviz-readout{display:block;margin-top:.3em}"
)

# One closure per figure, found by its unique id: no global names, works for many sliders a page.
_JS = """(function(){
var root=document.getElementById("__ID__");
if(!root||root.getAttribute("data-ready"))return;
root.setAttribute("data-ready","1");
var d=JSON.parse(document.getElementById("__ID__-data").textContent);
var img=document.getElementById("__ID__-img");
var first=img.getAttribute("src");
var inputs=root.querySelectorAll("input.lossviz-range");
var outs=root.querySelectorAll("output.lossviz-value");
var readout=document.getElementById("__ID__-readout");
function show(){
var k=0,t=[];
for(var i=0;i<inputs.length;i++){
var j=Number(inputs[i].value);k=k*d.sizes[i]+j;
outs[i].textContent=d.values[i][j];inputs[i].setAttribute("aria-valuetext",d.texts[i][j]);t.push(d.texts[i][j]);
}
img.src=d.frames[k]?"data:image/png;base64,"+d.frames[k]:first;
img.alt=d.alt+" ("+t.join("; ")+")";
readout.textContent=d.readouts[k];
root.setAttribute("data-frame",String(k));
}
for(var i=0;i<inputs.length;i++){inputs[i].disabled=false;inputs[i].addEventListener("input",show);}
})();"""


def slider_figure(
    setup: Callable[[Figure], Callable[..., Mapping[str, Any] | None]],
    *params: Param,
    figsize: Sequence[float] = (8.0, 3.2),
    dpi: float = 100.0,
    alt: str | None = None,
    mode: str | None = None,
    max_frames: int = 64,
    blit: bool = True,
) -> SliderFigure:
    """A figure with one or two sliders; the returned object displays itself (see module doc).

    ``setup(fig)`` draws on a fresh :class:`~matplotlib.figure.Figure` (Agg canvas, no pyplot) and
    returns ``update(**{param.name: value})``, which changes artists in place and returns ``None``
    or a dict of readouts (name -> number or str). ``alt`` (required) describes the figure for
    readers who cannot see it. ``mode`` overrides ``$LOSSVIZ_DISPLAY``. The static grid (product
    of the parameters' grids) may hold at most ``max_frames`` frames. ``blit=False`` makes every
    live step a full redraw.
    """
    if not callable(setup):
        raise TypeError(
            f"setup must be callable (setup(fig) -> update), got {type(setup).__name__}"
        )
    if not params:
        raise ValueError("params: give at least one Param")
    if len(params) > MAX_PARAMS:
        raise ValueError(
            f"params: at most {MAX_PARAMS} Params per slider figure, got {len(params)}"
        )
    for p in params:
        if not isinstance(p, Param):
            raise TypeError(f"params must be lossviz.Param instances, got {type(p).__name__}")
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise ValueError(f"params: names must be distinct, got {names}")
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError(
            "alt must be a non-empty str describing the figure (the image's text alternative)"
        )
    if len(figsize) != 2:
        raise ValueError(f"figsize must be (width, height) in inches, got {figsize!r}")
    width, height = (_real(v, "figsize") for v in figsize)
    if width <= 0 or height <= 0:
        raise ValueError(f"figsize must be positive, got {figsize!r}")
    dpi = _real(dpi, "dpi")
    if not 20 <= dpi <= 400:
        raise ValueError(f"dpi must be in [20, 400], got {dpi}")
    if (
        isinstance(max_frames, bool)
        or not isinstance(max_frames, numbers.Integral)
        or max_frames < 1
    ):
        raise ValueError(f"max_frames must be a positive int, got {max_frames!r}")
    n_frames = math.prod(len(p.grid) for p in params)
    if n_frames > max_frames:
        raise ValueError(
            f"params: the static grid has {n_frames} frames (> max_frames={max_frames}); "
            "lower the Params' num"
        )
    resolved = display_mode(mode)
    return SliderFigure(
        setup, params, figsize=(width, height), dpi=dpi, alt=alt.strip(), mode=resolved, blit=blit
    )
