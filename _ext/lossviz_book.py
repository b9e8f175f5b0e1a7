"""Sphinx extension local to the book.

It gives the notebooks an explicit signal that they are executed by the book build, so that
lossviz's slider figures render their static (kernel-free) frames only then: live sessions never
pay for them. Kernels started by myst-nb inherit this process's environment.
"""

from __future__ import annotations

import os

#: Environment variable read by ``lossviz.widgets``; the value selects the static display.
BUILD_SIGNAL = "LOSSVIZ_DISPLAY"


def _set_build_signal(app, config) -> None:
    os.environ[BUILD_SIGNAL] = "static"


def setup(app):
    app.connect("config-inited", _set_build_signal)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
