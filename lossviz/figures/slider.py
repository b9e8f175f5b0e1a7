"""Slider figures: one call gives a live figure in Jupyter and a working one on the static site.

>>> fig = slider_figure(setup, Param("beta", 0.1, 3.0, default=1.0), alt="...")  # doctest: +SKIP

``setup(fig)`` builds the figure once on a :class:`matplotlib.figure.Figure` (fixed axis limits)
and returns ``update(**values)``, which changes the artists' data and may return a dict of
readouts (``{"loss at r = 2": 1.5}``). Up to three controls (:class:`Param`, :class:`Choice`,
:class:`Toggle`) give the values. The result displays itself in the mode of
:func:`lossviz.display.display_mode`:

live
    An ipywidgets box (:mod:`lossviz.figures.live`); per step ``update`` runs, the canvas is
    redrawn (only what changed, see :class:`~lossviz.figures.rendering.FrameRenderer`) and
    PNG-encoded for speed.
static (the book build)
    Every frame of the control grid (the product grid for several controls, at most
    ``max_frames``) as a 256-colour PNG, twice: the figure as drawn, and its panels stacked in
    one narrow column for phones (:func:`~lossviz.figures.rendering.stack_panels`), each at the
    highest pixel density (2×, 1.5× or 1×) whose frames stay within ``max_bytes``. See
    :mod:`lossviz.figures.static_html` for the markup.
"""

from __future__ import annotations

import hashlib
import inspect
import itertools
import math
import numbers
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .._validation import integer as _integer
from .._validation import scalar as _real
from ..display import display_mode
from ..i18n import localize_control, tr, translating
from .controls import Control

__all__ = ["DENSITIES", "MAX_BYTES", "MAX_CONTROLS", "SliderFigure", "slider_figure"]

#: At most this many controls per figure (the static grid is their product).
MAX_CONTROLS = 3
#: Pixel densities tried for static frames, best first (2× is crisp on HiDPI screens).
DENSITIES = (2.0, 1.5, 1.0)
#: PNG bytes allowed for one layout's frames (what a reader downloads for one figure).
MAX_BYTES = 600_000
#: Figures narrower than this (CSS px) get no narrow layout: a phone shows them at >= 0.6 already.
NARROW_FROM = 560


def _format_readout(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"readout values must be numbers or str, got {type(value).__name__}")
    return f"{float(value):.4g}"


def readouts_text(readouts: Mapping[str, Any] | None) -> str:
    """``"name: value · name: value"`` from what ``update`` returned (``None``: no readout)."""
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
    """What :func:`slider_figure` returns; displays itself as a live widget or a static figure.

    Attributes: ``mode``, ``params`` (the controls), ``alt``, ``values``; live: ``widget`` (the
    ipywidgets box), ``sliders`` (name -> widget), ``image``, ``step(**values)`` (what a control
    move runs), ``step_times`` (seconds per live step), ``renderer``; static: ``html``,
    ``frames`` and ``narrow_frames`` (PNG bytes in grid order: the last control varies fastest;
    ``narrow_frames`` is None without a narrow layout), ``density``, ``readouts``,
    ``default_index``, ``render_seconds``.
    """

    def __init__(
        self, setup, controls, *, figsize, dpi, alt, caption, mode, blit, narrow, max_bytes
    ) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        from .rendering import FrameRenderer

        self.mode = mode
        self.params: tuple[Control, ...] = tuple(controls)
        self.alt = alt
        self.caption = caption
        self.step_times: list[float] = []
        self._dpi = dpi
        fig = Figure(figsize=figsize, dpi=dpi)
        FigureCanvasAgg(fig)
        update = setup(fig)
        if not callable(update):
            raise TypeError(
                "setup must return a callable update(**params), "
                f"got {type(update).__name__}: build the figure in setup(fig) and return update"
            )
        update = translating(update, fig)  # figure text and readouts in the display language
        self.figure = fig
        self._update = update
        defaults = {c.name: c.default for c in self.params}
        try:
            inspect.signature(update).bind(**defaults)
        except TypeError as err:
            raise TypeError(
                f"update must accept the keyword arguments {list(defaults)} (the controls' names): {err}"
            ) from None
        except ValueError:  # no introspectable signature (a builtin): let the call decide
            pass
        self.values = dict(defaults)
        self.readout = readouts_text(update(**defaults))
        if fig.get_layout_engine() is not None:
            fig.canvas.draw()  # let the layout engine place the axes once, then keep them fixed
            fig.set_layout_engine("none")  # fixed frames (no jumping) and ~2x faster draws
        self._blit = blit
        self.renderer = FrameRenderer(fig, blit=blit)
        if mode == "live":
            self.renderer.learn(lambda: update(**defaults))
            self._build_live()
        else:
            self._render_static(narrow, max_bytes)

    # -- live ------------------------------------------------------------------------------------
    def _build_live(self) -> None:
        from .live import LiveControls

        self.live = LiveControls(
            self.params, self.renderer.png_fast(), self.alt, self.readout, self._on_change
        )
        self.widget = self.live.box
        self.image = self.live.image
        self.sliders = self.live.sliders

    def _on_change(self, values: dict[str, Any]) -> None:
        try:
            self.step(**values)
        except Exception as err:  # show it: an observer's traceback would go to the log only
            self.live.show_error(err)

    def step(self, **values: Any) -> bytes:
        """Run one live step (``update``, redraw, encode, refresh the widgets); return the PNG."""
        if self.mode != "live":
            raise RuntimeError("step() is only available in live mode")
        start = time.perf_counter()
        readout = readouts_text(self._update(**values))
        self.renderer.draw()
        png = self.renderer.png_fast()
        self.live.show(png, values, readout if readout != self.readout else None)
        self.readout = readout
        self.values = dict(values)
        self.step_times.append(time.perf_counter() - start)
        return png

    @property
    def params_by_name(self) -> dict[str, Control]:
        return {c.name: c for c in self.params}

    # -- static ----------------------------------------------------------------------------------
    def _combos(self) -> list[dict[str, Any]]:
        grids = [c.values for c in self.params]
        return [
            {c.name: v for c, v in zip(self.params, combo, strict=True)}
            for combo in itertools.product(*grids)
        ]

    def _layout(self, max_bytes: int):
        """Render every frame at the best density whose frames fit ``max_bytes``."""
        from .rendering import FrameRenderer
        from .static_html import Layout

        fig, combos = self.figure, self._combos()
        width_in, height_in = fig.get_size_inches()
        default = combos[self.default_index]
        estimate = None
        for density in DENSITIES:
            last = density == DENSITIES[-1]
            if not last and estimate and estimate[1] * (density / estimate[0]) ** 2 > max_bytes:
                continue  # cannot fit: a PNG shrinks at most like its pixel count (saves a draw)
            fig.set_dpi(self._dpi * density)
            self._update(**default)
            fig.canvas.draw()
            estimate = (density, len(self.renderer.png_small()) * len(combos))
            if estimate[1] <= max_bytes:
                break  # the default frame's size estimates every frame's: a sparse line plot
        # Partial redraws give the pixels of full draws (tested) in a fraction of the time.
        readouts: list = [None] * len(combos)
        frames: list = [None] * len(combos)
        for n, members in enumerate(self._render_groups(combos)):
            # The default's group comes first: the canvas holds its default frame, drawn above.
            start = members.index(self.default_index) if n == 0 else 0
            if n:
                self._update(**combos[members[start]])
            self.renderer = FrameRenderer(fig, blit=self._blit)
            if len(members) > 1:  # one frame alone is drawn in full, nothing to learn
                other = combos[members[(start + 1) % len(members)]]
                self.renderer.learn(lambda other=other: self._update(**other), drawn=n == 0)
            for k in members:
                readouts[k] = readouts_text(self._update(**combos[k]))
                self.renderer.draw()
                frames[k] = self.renderer.png_small()
        fig.set_dpi(self._dpi)
        css = (round(width_in * self._dpi), round(height_in * self._dpi))
        return Layout(frames, *css), readouts, density

    def _render_groups(self, combos: list[dict[str, Any]]) -> list[list[int]]:
        """The frames' indices (in grid order) grouped by the values of the toggles, the
        default's group first.

        A toggle typically shows or hides artists (cross_entropy's shaded half-plane, drawn below
        the grid): one renderer for every frame would then count them as changing and redraw
        the axes, ticks and labels above them in each frame (most of a draw); one renderer per
        group blits only what the sliders move. Choices are not split: they change curves, which
        a renderer blits anyway, and each group costs a few full draws to learn.
        """
        switches = [c.name for c in self.params if c.kind == "toggle"]
        groups: dict[tuple, list[int]] = {}
        for k, values in enumerate(combos):
            groups.setdefault(tuple(values[name] for name in switches), []).append(k)
        first = next(g for g in groups.values() if self.default_index in g)
        return [first, *(g for g in groups.values() if g is not first)]

    def _render_static(self, narrow: bool | None, max_bytes: int) -> None:
        from .rendering import stack_panels
        from .static_html import static_html

        start = time.perf_counter()
        index = 0
        for c in self.params:
            index = index * len(c.values) + c.default_index
        self.default_index = index
        wide, self.readouts, self.density = self._layout(max_bytes)
        self.frames = list(wide.frames)
        self.narrow_frames = None
        self.narrow_density = None
        narrow_layout = None
        if narrow is None:
            narrow = wide.width > NARROW_FROM
        if narrow and stack_panels(self.figure):
            narrow_layout, _readouts, self.narrow_density = self._layout(max_bytes)
            self.narrow_frames = list(narrow_layout.frames)
        self.readout = self.readouts[index]
        self.render_seconds = time.perf_counter() - start
        digest = hashlib.sha1(b"".join(self.frames[:3])).hexdigest()[:8]
        self.html = static_html(
            f"lossviz-{digest}-{next(_counter)}",
            self.params,
            wide,
            narrow_layout,
            default_index=index,
            readouts=self.readouts,
            alt=self.alt,
            caption=self.caption,
        )
        self.figure = None  # frames are rendered: free the figure
        self._update = None

    # -- display ---------------------------------------------------------------------------------
    def _repr_mimebundle_(self, include=None, exclude=None):
        if self.mode == "static":
            return {"text/html": self.html, "text/plain": repr(self)}
        return self.widget._repr_mimebundle_(include=include, exclude=exclude)

    def __repr__(self) -> str:
        values = ", ".join(c.describe(self.values.get(c.name, c.default)) for c in self.params)
        return f"<lossviz slider figure ({self.mode}): {values}>"

    @property
    def nbytes(self) -> int:
        """Size of the static HTML output in bytes (0 in live mode)."""
        return len(self.html.encode()) if self.mode == "static" else 0

    @property
    def layout_bytes(self) -> dict[str, int]:
        """PNG bytes of each layout's frames (what a reader of that layout downloads)."""
        if self.mode != "static":
            return {}
        out = {"wide": sum(map(len, self.frames))}
        if self.narrow_frames:
            out["narrow"] = sum(map(len, self.narrow_frames))
        return out


def slider_figure(
    setup: Callable[..., Callable[..., Mapping[str, Any] | None]],
    *params: Control,
    figsize: Sequence[float] = (8.0, 3.2),
    dpi: float = 100.0,
    alt: str | None = None,
    caption: str | None = None,
    mode: str | None = None,
    max_frames: int = 64,
    max_bytes: int = MAX_BYTES,
    narrow: bool | None = None,
    blit: bool = True,
) -> SliderFigure:
    """A figure with up to three controls; the returned object displays itself (module doc).

    ``setup(fig)`` draws on a fresh :class:`~matplotlib.figure.Figure` (Agg canvas, no pyplot)
    and returns ``update(**{control.name: value})``, which changes artists in place and returns
    ``None`` or a dict of readouts (name -> number or str). ``alt`` (required) describes the
    figure for readers who cannot see it; ``caption`` (optional) is shown under it (else the
    ``<figcaption>`` holds ``alt`` for screen readers only). ``mode`` overrides
    ``$LOSSVIZ_DISPLAY``. The static grid (product of the controls' values) may hold at most
    ``max_frames`` frames. ``narrow`` (default: when the figure is wider than 560 px) adds the
    stacked phone layout. ``blit=False`` makes every live step a full redraw.
    """
    if not callable(setup):
        raise TypeError(
            f"setup must be callable (setup(fig) -> update), got {type(setup).__name__}"
        )
    if len(params) > MAX_CONTROLS:
        raise ValueError(f"params: at most {MAX_CONTROLS} controls per figure, got {len(params)}")
    for p in params:
        if not isinstance(p, Control):
            raise TypeError(
                f"params must be lossviz Param, Choice or Toggle instances, got {type(p).__name__}"
            )
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise ValueError(f"params: names must be distinct, got {names}")
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError(
            "alt must be a non-empty str describing the figure (the image's text alternative)"
        )
    if caption is not None and not isinstance(caption, str):
        raise TypeError(f"caption must be a str or None, got {type(caption).__name__}")
    if len(figsize) != 2:
        raise ValueError(f"figsize must be (width, height) in inches, got {figsize!r}")
    width, height = (_real(v, "figsize") for v in figsize)
    if width <= 0 or height <= 0:
        raise ValueError(f"figsize must be positive, got {figsize!r}")
    dpi = _real(dpi, "dpi")
    if not 20 <= dpi <= 400:
        raise ValueError(f"dpi must be in [20, 400], got {dpi}")
    max_frames = _integer(max_frames, "max_frames", min_value=1)
    max_bytes = _integer(max_bytes, "max_bytes", min_value=1)
    if narrow is not None and not isinstance(narrow, bool):
        raise TypeError(f"narrow must be a bool or None, got {type(narrow).__name__}")
    n_frames = math.prod(len(p.values) for p in params)
    if n_frames > max_frames:
        raise ValueError(
            f"params: the static grid has {n_frames} frames (> max_frames={max_frames}); "
            "lower the Params' num"
        )
    resolved = display_mode(mode)
    return SliderFigure(
        setup,
        tuple(localize_control(p) for p in params),
        figsize=(width, height),
        dpi=dpi,
        alt=tr(alt.strip(), "alt"),
        caption=tr(caption.strip(), "caption") if caption else None,
        mode=resolved,
        blit=blit,
        narrow=narrow,
        max_bytes=max_bytes,
    )
