"""Which way a slider figure displays itself: ``"live"`` (a widget in a kernel) or ``"static"``.

The mode is an explicit signal, never a guess: the environment variable :data:`DISPLAY_ENV`
(``LOSSVIZ_DISPLAY``), which the book build sets to ``"static"`` before it executes the notebooks
(kernels inherit it), or a ``mode`` argument. Unset or empty means ``"live"``.

This module imports nothing but the standard library, so that the book's Sphinx extension and the
test drivers can share the name without loading matplotlib.
"""

from __future__ import annotations

import os

__all__ = ["DISPLAY_ENV", "MODES", "display_mode"]

#: Environment variable that selects the display mode (``static`` in the book build).
DISPLAY_ENV = "LOSSVIZ_DISPLAY"
#: The display modes, in the order ``(default, book build)``.
MODES = ("live", "static")


def display_mode(mode: str | None = None) -> str:
    """``mode`` if given, else ``$LOSSVIZ_DISPLAY`` (unset or empty: ``"live"``); validated."""
    source = "mode"
    if mode is None:
        mode = os.environ.get(DISPLAY_ENV, "").strip() or "live"
        source = f"environment variable {DISPLAY_ENV}"
    if mode not in MODES:
        raise ValueError(f"{source} must be 'live' or 'static', got {mode!r}")
    return mode
