"""Tests of lossviz.style: the palette, colour lookup, and what importing lossviz changes."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import matplotlib as mpl
import matplotlib.colors as mcolors
import pytest

from lossviz import style

ROOT = Path(__file__).resolve().parents[1]

# Okabe & Ito (2008), "Color Universal Design": the eight colours in sRGB hex.
OKABE_ITO = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"}
# Paul Tol's "muted" colour-blind-safe scheme (personal.sron.nl/~pault).
TOL_MUTED = {
    "#CC6677",
    "#332288",
    "#DDCC77",
    "#117733",
    "#88CCEE",
    "#882255",
    "#44AA99",
    "#999933",
    "#AA4499",
}
LOSSES = ["l1", "mse", "smooth_l1", "huber", "pseudo_huber", "barron", "ce", "focal", "asl", "zlpr"]


def test_every_loss_has_its_own_colour_from_colour_blind_safe_palettes():
    colours = [style.color(n) for n in LOSSES]
    assert len(set(colours)) == len(LOSSES)
    assert all(c in OKABE_ITO | TOL_MUTED for c in colours)
    assert all(mcolors.is_color_like(style.color(n)) for n in ("neutral", "data", "accent"))


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("l2", "mse"),
        ("bce", "ce"),
        ("cross_entropy", "ce"),
        ("cross-entropy", "ce"),
        ("Smooth L1", "smooth_l1"),
        ("HUBER", "huber"),
        ("pseudo-huber", "pseudo_huber"),
    ],
)
def test_aliases_and_spelling(alias, name):
    assert style.color(alias) == style.color(name)


def test_unknown_name_raises_value_error_naming_it():
    with pytest.raises(ValueError, match="unknown colour name 'hinge'.*known names: .*smooth_l1"):
        style.color("hinge")
    with pytest.raises(TypeError, match="name must be a str"):
        style.color(3)


def test_cycle_follows_the_loss_order():
    cycle = [mcolors.to_hex(c["color"]).upper() for c in style.RC["axes.prop_cycle"]]
    assert cycle == [style.color(n) for n in style.LOSS_NAMES]


def test_apply_restore_and_context():
    assert style.is_applied()  # applied on import of lossviz (LOSSVIZ_STYLE unset in tests)
    applied = {k: mpl.rcParams[k] for k in style.RC}
    style.restore()
    try:
        assert not style.is_applied()
        assert mpl.rcParams["font.size"] != style.RC["font.size"]  # back to matplotlib's 10.0
        with style.context():
            assert mpl.rcParams["font.size"] == style.RC["font.size"]
        assert mpl.rcParams["font.size"] != style.RC["font.size"]
    finally:
        style.apply()
    assert {k: mpl.rcParams[k] for k in style.RC} == applied


_PROBE = """
import json, sys
import matplotlib as mpl
# dict.items: reading rcParams["backend"] through the mapping would resolve (select) a backend
before = {k: repr(v) for k, v in dict.items(mpl.rcParams)}
import lossviz
after = {k: repr(v) for k, v in dict.items(mpl.rcParams)}
print(json.dumps({
    "changed": sorted(k for k in before if before[k] != after[k]),
    "pyplot": "matplotlib.pyplot" in sys.modules,
    "backend": mpl.rcParams._get_backend_or_none(),
}))
"""


def _probe(**env):
    full_env = {k: v for k, v in os.environ.items() if k not in ("LOSSVIZ_STYLE", "MPLBACKEND")}
    full_env.update(env)
    out = subprocess.run(
        [sys.executable, "-c", _PROBE],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=ROOT,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_import_changes_only_the_documented_rcparams():
    result = _probe()
    assert set(result["changed"]) <= set(style.RC)
    assert "font.size" in result["changed"] and "axes.prop_cycle" in result["changed"]
    assert result["pyplot"] is False  # no pyplot, hence no backend selection
    assert result["backend"] is None


def test_opt_out_leaves_rcparams_alone():
    assert _probe(LOSSVIZ_STYLE="off")["changed"] == []


def test_figures_modules_touch_no_global_state():
    """The figures modules never seed, filter warnings, switch backends or import pyplot at import."""
    for name in ("style.py", "plotting.py", "widgets.py"):
        tree = ast.parse((ROOT / "lossviz" / name).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                assert node.attr not in {"seed", "filterwarnings", "simplefilter", "use"}, (
                    name,
                    node.attr,
                )
        top_imports = [
            alias.name
            for node in tree.body
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in node.names
        ] + [node.module for node in tree.body if isinstance(node, ast.ImportFrom) and node.module]
        assert not any("pyplot" in (m or "") for m in top_imports), name
