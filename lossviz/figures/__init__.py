"""Figures of the book: slider figures that work live in Jupyter and on the static site.

* :mod:`~lossviz.figures.controls` — :class:`Param` (a number), :class:`Choice` (one of a few
  options) and :class:`Toggle` (a binary parameter);
* :mod:`~lossviz.figures.slider` — :func:`slider_figure`, which displays itself live (ipywidgets,
  :mod:`~lossviz.figures.live`) or static (pre-rendered frames, :mod:`~lossviz.figures.static_html`
  with the package's JavaScript and CSS in :file:`assets/`);
* :mod:`~lossviz.figures.rendering` — drawing and PNG encoding, partial redraws of live figures
  (the only matplotlib internals sit in :mod:`~lossviz.figures._mpl_private`), the narrow layout;
* :mod:`~lossviz.figures.recipes` — ``setup`` functions for the figures the chapters share.

Importing this package does not import matplotlib; building a figure does.
"""

from __future__ import annotations

from .controls import Choice, Control, Param, Toggle
from .slider import SliderFigure, slider_figure

__all__ = ["Choice", "Control", "Param", "SliderFigure", "Toggle", "recipes", "slider_figure"]


def __getattr__(name: str):
    # The recipes import matplotlib (through lossviz.style): loaded on first use only.
    if name == "recipes":
        import importlib

        return importlib.import_module(".recipes", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
