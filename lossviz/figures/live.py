"""The live slider figure: ipywidgets controls around an ``ipywidgets.Image`` updated in place.

One widget per control (:class:`~lossviz.figures.controls.Param`: a float slider, logarithmic if
the parameter is; ``Choice``: toggle buttons; ``Toggle``: a checkbox), each with a fixed-width
value label, then the readouts. The figure is never re-created and never goes through ``pyplot``.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from typing import Any

from .controls import Control

__all__ = ["LiveControls"]

# Off-screen but read by screen readers (the usual "visually hidden" pattern).
_VISUALLY_HIDDEN = (
    "position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;"
    "clip:rect(0,0,0,0);white-space:nowrap;border:0;"
)


def readout_html(text: str, error: bool = False) -> str:
    style = "color:#b00020;" if error else "font-variant-numeric:tabular-nums;"
    return f'<span style="{style}">{html.escape(text)}</span>' if text else ""


class LiveControls:
    """The ipywidgets of a live figure; ``on_change(values)`` runs when a control moves.

    ``values`` maps each control's name to the value ``update`` receives (a float for a Param,
    the option value for a Choice, one of the pair for a Toggle).
    """

    def __init__(
        self,
        controls: Sequence[Control],
        png: bytes,
        alt: str,
        readout: str,
        on_change: Callable[[dict[str, Any]], None],
    ) -> None:
        import ipywidgets as w

        self.controls = tuple(controls)
        self._on_change = on_change
        # ipywidgets.Image has no alt attribute, and a `tooltip` on a widget without a description
        # breaks its view in ipywidgets 8.1 ("Cannot read properties of undefined"). The text
        # alternative goes into a visually hidden element announced with the figure.
        self.image = w.Image(value=png, format="png")
        self.image.add_class("lossviz-image")
        self.alt = w.HTML(
            value=f'<span class="lossviz-alt" style="{_VISUALLY_HIDDEN}">{html.escape(alt)}</span>'
        )
        self.sliders: dict[str, Any] = {}
        self.value_labels: dict[str, Any] = {}
        rows = []
        for c in self.controls:
            widget = self._widget(w, c)
            width = max(len(t) for t in c.texts) + 1
            label = w.Label(value=c.format(c.default), layout=w.Layout(width=f"{width}ch"))
            label.add_class("lossviz-value")
            widget.observe(self._changed, names="value")
            self.sliders[c.name] = widget
            self.value_labels[c.name] = label
            rows.append(w.HBox([widget, label]))
        self.readout = w.HTML(value=readout_html(readout))
        self.readout.add_class("lossviz-readout")
        self.box = w.VBox([self.alt, self.image, *rows, self.readout])
        self.box.add_class("lossviz-live")

    @staticmethod
    def _widget(w, c: Control):
        common = dict(description=c.label, style={"description_width": "initial"})
        if c.kind == "toggle":
            return w.Checkbox(value=c.default_index == 1, indent=False, **common)
        if c.kind == "choice":
            return w.ToggleButtons(
                options=[(t, j) for j, t in enumerate(c.texts)], value=c.default_index, **common
            )
        slider = dict(
            value=c.default,
            readout=False,
            continuous_update=True,
            layout=w.Layout(width="min(28em, 70%)"),
            **common,
        )
        if c.log:
            lo, hi = math.log10(c.min), math.log10(c.max)
            return w.FloatLogSlider(
                base=10.0, min=lo, max=hi, step=(hi - lo) / (c.num - 1), **slider
            )
        return w.FloatSlider(min=c.min, max=c.max, step=(c.max - c.min) / (c.num - 1), **slider)

    def values(self) -> dict[str, Any]:
        """The current value of every control, as ``update`` receives it."""
        out: dict[str, Any] = {}
        for c in self.controls:
            v = self.sliders[c.name].value
            if c.kind == "range":
                out[c.name] = float(v)
            elif c.kind == "toggle":
                out[c.name] = c.values[int(bool(v))]
            else:
                out[c.name] = c.values[int(v)]
        return out

    def _changed(self, change) -> None:
        self._on_change(self.values())

    def show(self, png: bytes, values: dict[str, Any], readout: str | None) -> None:
        self.image.value = png
        for c in self.controls:
            if c.name in values:
                self.value_labels[c.name].value = c.format(values[c.name])
        if readout is not None:
            self.readout.value = readout_html(readout)

    def show_error(self, err: BaseException) -> None:
        self.readout.value = readout_html(f"update failed: {type(err).__name__}: {err}", error=True)
