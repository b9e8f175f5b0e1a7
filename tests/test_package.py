"""The package face: a light ``import lossviz``, a curated ``__all__`` that resolves, the version
from the installed metadata."""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys

import pytest

import lossviz as lv


def _fresh(code: str) -> dict:
    """Run ``code`` in a new interpreter (nothing imported yet) and return its JSON output."""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return json.loads(out.stdout)


def test_import_is_light():
    loaded = _fresh(
        "import json, sys; import lossviz; "
        "print(json.dumps(sorted(m for m in ('sympy', 'scipy', 'matplotlib.pyplot', "
        "'matplotlib.axes', 'ipywidgets', 'IPython') if m in sys.modules)))"
    )
    assert loaded == []


def test_lazy_names_load_on_first_use():
    state = _fresh(
        "import json, sys; import lossviz as lv; before = 'sympy' in sys.modules; "
        "s = lv.symbolic; p = lv.Param; "
        "print(json.dumps([before, 'sympy' in sys.modules, s.__name__, p.__module__]))"
    )
    assert state == [False, True, "lossviz.symbolic", "lossviz.figures.controls"]


def test_every_public_name_resolves_and_dir_lists_it():
    for name in lv.__all__:
        assert getattr(lv, name) is not None, name
    assert set(lv.__all__) <= set(dir(lv))
    assert lv.slider_figure is lv.figures.slider_figure and lv.Param is lv.figures.Param


def test_version_comes_from_the_package_metadata():
    assert lv.__version__ == importlib.metadata.version("lossviz")


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_thing"):
        lv.no_such_thing  # noqa: B018
