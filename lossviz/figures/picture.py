"""Plain matplotlib figures on the static site: crisp, and legible on phones.

In the book build (static display mode) :func:`register` adds a ``text/html`` formatter for
:class:`matplotlib.figure.Figure` to IPython, which the site prefers to the PNG: the same
``<figure class="lossviz-slider">`` markup as a slider figure without controls, a ``<picture>``
with the figure at 2× pixel density and, for a row of panels wider than 560 px, the panels
stacked in one narrow column for phones (:func:`~lossviz.figures.rendering.stack_panels`). The
figure is restored afterwards, so the PNG of the same output is unchanged. The text alternative
is built from the figure's titles and axis labels.
"""

from __future__ import annotations

import hashlib
import io
import itertools

from ..i18n import tr, translate_figure, trf
from .controls import Control

__all__ = ["describe", "figure_html", "register"]

_counter = itertools.count(1)


def describe(fig) -> str:
    """A text alternative from the figure's suptitle, panel titles and axis labels."""
    parts = []
    if getattr(fig, "_suptitle", None) is not None and fig._suptitle.get_text():
        parts.append(fig._suptitle.get_text())
    for ax in fig.axes:
        title = ax.get_title() or ax.get_title("left") or ax.get_title("right")
        x, y = ax.get_xlabel(), ax.get_ylabel()
        panel = title or tr("a panel", "alt")
        if x or y:
            y, x = y or tr("value", "alt"), x or "x"
            panel = trf("{panel} ({y} against {x})", "alt", panel=panel, y=y, x=x)
        parts.append(panel)
    text = "; ".join(p.replace("$", "") for p in parts if p)
    return trf("Figure: {text}.", "alt", text=text) if text else tr("Figure.", "alt")


def _png(fig, dpi: float) -> tuple[bytes, tuple[int, int]]:
    from PIL import Image

    from .rendering import quantized_png

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    img = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    return quantized_png(img), img.size


def figure_html(fig, *, alt: str | None = None, density: float = 2.0) -> str:
    """The figure as a static ``<figure>`` (wide and, if possible, narrow frames at ``density``)."""
    from .rendering import stack_panels
    from .slider import NARROW_FROM
    from .static_html import Layout, static_html

    translate_figure(fig)  # the figure's text in the display language (no-op in English)
    dpi = fig.get_dpi()
    wide_png, (w, h) = _png(fig, dpi * density)
    wide = Layout([wide_png], round(w / density), round(h / density))
    narrow = None
    if fig.get_size_inches()[0] * dpi > NARROW_FROM:
        saved = (
            [(ax, ax.get_subplotspec()) for ax in fig.axes],
            tuple(fig.get_size_inches()),
            fig.get_layout_engine(),
        )
        try:
            if stack_panels(fig):
                narrow_png, (nw, nh) = _png(fig, dpi * density)
                narrow = Layout([narrow_png], round(nw / density), round(nh / density))
        finally:
            specs, size, engine = saved
            for ax, spec in specs:
                if spec is not None:
                    ax.set_subplotspec(spec)
            fig.set_size_inches(*size)
            fig.set_layout_engine(engine)
    controls: list[Control] = []
    digest = hashlib.sha1(wide_png[:4096]).hexdigest()[:8]
    return static_html(
        f"lossviz-fig-{digest}-{next(_counter)}",
        controls,
        wide,
        narrow,
        default_index=0,
        readouts=[""],
        alt=alt or describe(fig),
        caption=None,
    )


def register(ip=None) -> bool:
    """Add the ``text/html`` formatter for figures to IPython (``ip``: the running shell)."""
    if ip is None:
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython is a dependency of ipywidgets
            return False
        ip = get_ipython()
    if ip is None:
        return False
    from matplotlib.figure import Figure, FigureBase

    formatter = ip.display_formatter.formatters["text/html"]

    def ensure(*_info) -> None:
        # Enabling the inline backend (when pyplot first picks its backend, inside the cell that
        # makes the first figure) removes every formatter of Figure, and its plt.show() displays
        # the figure at once, before a post_execute callback could put ours back. So the
        # formatter is also registered for Figure's base class, which nothing removes (lookups
        # follow the MRO); Figure's own entry is put back before each cell and at post_execute.
        for cls in (Figure, FigureBase):
            if formatter.type_printers.get(cls) is not figure_html:
                formatter.for_type(cls, figure_html)

    ensure()
    ip.events.register("pre_run_cell", ensure)
    ip.events.register("post_execute", ensure)
    return True
