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

from lossviz import losses, style

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
# Paul Tol's "medium-contrast" colour-blind-safe scheme, for losses beyond the muted scheme.
TOL_MEDIUM = {"#6699CC", "#004488", "#EECC66", "#994455", "#997700", "#EE99AA"}
# Losses shown together in a figure: the residual losses, and the classification losses (logit,
# margin and score views). The cross-entropy family is one loss in four views and shares a colour.
CE_FAMILY = {"bce", "ce", "logistic", "multilabel_soft_margin"}


def _groups():
    residual = list(losses.names("residual"))
    classification = [
        n for v in ("logit", "margin", "scores") for n in losses.names(v) if n not in CE_FAMILY
    ] + ["bce", "mse"]  # the classification chapter also compares cross-entropy with MSE
    return {"residual": residual, "classification": classification}


@pytest.mark.parametrize("group", ["residual", "classification"])
def test_losses_shown_together_have_distinct_colour_blind_safe_colours(group):
    names = _groups()[group]
    colours = [style.color(n) for n in names]
    assert len(set(colours)) == len(names), dict(zip(names, colours, strict=True))
    assert all(c in OKABE_ITO | TOL_MUTED | TOL_MEDIUM for c in colours)
    assert all(mcolors.is_color_like(style.color(n)) for n in ("neutral", "data", "accent"))


def test_every_loss_colour_comes_from_its_declaration():
    assert len({style.color(n) for n in CE_FAMILY}) == 1
    for loss in losses.all():
        assert style.color(loss.name) == loss.color
    assert set(style.COLORS) == set(losses.names()) | {"neutral", "data", "accent"}


@pytest.mark.parametrize(
    "old", ["l2", "cross_entropy", "sigmoid_focal", "bce_with_logits", "Smooth L1", "HUBER"]
)
def test_a_loss_has_one_name(old):
    """Aliases and spellings of older versions are unknown names (one name per loss)."""
    with pytest.raises(ValueError, match=f"unknown colour name {old!r}"):
        style.color(old)


def test_unknown_name_raises_value_error_naming_it():
    with pytest.raises(ValueError, match="unknown colour name 'hinges'.*known names: .*smooth_l1"):
        style.color("hinges")
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
    pkg = ROOT / "lossviz"
    files = [pkg / "style.py", *sorted((pkg / "figures").glob("*.py")), *pkg.glob("plotting.py")]
    for path in files:
        name = path.name
        tree = ast.parse(path.read_text())
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
