"""Tests of lossviz.plotting: values against hand derivations, artists in the book's colours."""

from __future__ import annotations

import math

import matplotlib.colors as mcolors
import numpy as np
import pytest
from matplotlib.figure import Figure

from lossviz import plotting, style


def _axes(n=1):
    fig = Figure(figsize=(6, 3))
    axes = fig.subplots(1, n)
    return axes


# ---------------------------------------------------------------------------------------------
# gradient saturation: |dCE/dz| and |d(½ (σ(z) − y)²)/dz| for a sigmoid output
# ---------------------------------------------------------------------------------------------
def _ce(z, y):  # binary cross-entropy on the logit, written by hand
    return y * math.log1p(math.exp(-z)) + (1 - y) * math.log1p(math.exp(z))


def _half_se(z, y):
    return 0.5 * (1 / (1 + math.exp(-z)) - y) ** 2


@pytest.mark.parametrize("y", [0.0, 1.0])
def test_saturation_matches_finite_differences(y):
    z = np.array([-8.0, -3.0, -0.5, 0.0, 0.7, 2.0, 6.0])
    c = plotting.saturation_curves(z, y)
    h = 1e-5
    for k, zk in enumerate(z):
        ce = abs(_ce(zk + h, y) - _ce(zk - h, y)) / (2 * h)
        se = abs(_half_se(zk + h, y) - _half_se(zk - h, y)) / (2 * h)
        assert c["ce"][k] == pytest.approx(ce, rel=1e-6, abs=1e-12)
        assert c["mse"][k] == pytest.approx(se, rel=1e-5, abs=1e-12)


def test_saturation_ratio_is_two_plus_two_cosh():
    z = np.array([-30.0, -5.0, 0.0, 1.0, 12.0, 30.0])
    c = plotting.saturation_curves(z, 1.0)
    np.testing.assert_allclose(c["ratio"], [2 + 2 * math.cosh(v) for v in z], rtol=1e-12)
    assert c["ratio"][2] == pytest.approx(4.0)  # at z = 0: p = 1/2, p(1 − p) = 1/4
    # Where both gradients are resolvable, the ratio is their quotient.
    mid = np.abs(z) <= 12
    np.testing.assert_allclose((c["ce"] / c["mse"])[mid], c["ratio"][mid], rtol=1e-9)


def test_saturation_finite_at_extreme_logits_and_rejects_beyond():
    z = np.array([-700.0, -100.0, 100.0, 700.0])
    c = plotting.saturation_curves(z, 1.0)
    for key in ("ce", "mse", "log_ratio", "ratio"):
        assert np.all(np.isfinite(c[key])), key
    assert c["ce"][0] == 1.0 and c["ce"][-1] == 0.0  # saturated wrong vs saturated right
    assert c["log_ratio"][-1] == pytest.approx(700.0)  # softplus(700) + softplus(-700)
    with pytest.raises(ValueError, match="z must lie in"):
        plotting.saturation_curves(np.array([0.0, 701.0]))
    with pytest.raises(ValueError, match=r"y must be a number in \[0, 1\]"):
        plotting.saturation_curves(np.array([0.0, 1.0]), y=1.5)


def test_plot_gradient_saturation_artists():
    axes = _axes(2)
    z = np.linspace(-10, 10, 101)
    lines = plotting.plot_gradient_saturation(z, 1.0, axes=axes)
    assert set(lines) == {"ce", "mse", "ratio"}
    assert mcolors.to_hex(lines["ce"].get_color()).upper() == style.color("ce")
    assert mcolors.to_hex(lines["mse"].get_color()).upper() == style.color("mse")
    assert axes[0].get_yscale() == "log" and axes[1].get_yscale() == "log"
    np.testing.assert_allclose(lines["ratio"].get_ydata(), 2 + 2 * np.cosh(z), rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# residual losses and the two-panel loss/derivative plot
# ---------------------------------------------------------------------------------------------
def test_residual_losses_match_hand_formulas():
    r = np.array([-3.0, -0.9, -0.2, 0.0, 0.4, 1.5])
    beta, delta = 1.0, 0.5
    out = plotting.residual_losses(r, ("l1", "l2", "smooth_l1", "huber"), beta=beta, delta=delta)
    np.testing.assert_allclose(out["l1"][0], np.abs(r))
    np.testing.assert_allclose(out["mse"][0], r**2)  # PyTorch: no ½
    np.testing.assert_allclose(out["mse"][1], 2 * r)
    sl1 = [0.5 * v * v / beta if abs(v) < beta else abs(v) - 0.5 * beta for v in r]
    sl1_grad = [v / beta if abs(v) < beta else math.copysign(1, v) for v in r]
    np.testing.assert_allclose(out["smooth_l1"][0], sl1)
    np.testing.assert_allclose(out["smooth_l1"][1], sl1_grad)
    hub = [0.5 * v * v if abs(v) <= delta else delta * (abs(v) - 0.5 * delta) for v in r]
    np.testing.assert_allclose(out["huber"][0], hub)
    with pytest.raises(ValueError, match="names: 'hinge'"):
        plotting.residual_losses(r, ("hinge",))


def test_plot_loss_and_grad_colours_data_and_limits():
    axes = _axes(2)
    r = np.linspace(-2, 2, 41)
    curves = plotting.residual_losses(r, ("l1", "smooth_l1"))
    lines = plotting.plot_loss_and_grad(curves, r, axes=axes, labels={"l1": "L1"}, loss_ylim=(0, 2))
    for name, (loss_line, grad_line) in lines.items():
        assert mcolors.to_hex(loss_line.get_color()).upper() == style.color(name)
        assert mcolors.to_hex(grad_line.get_color()).upper() == style.color(name)
        np.testing.assert_array_equal(loss_line.get_ydata(), curves[name][0])
        np.testing.assert_array_equal(grad_line.get_ydata(), curves[name][1])
    assert lines["l1"][0].get_label() == "L1" and lines["smooth_l1"][0].get_label() == "smooth_l1"
    assert axes[0].get_xlim() == (-2.0, 2.0) and axes[0].get_ylim() == (0.0, 2.0)


def test_plot_curves_accepts_callables_and_validates():
    (ax,) = [_axes(1)]
    x = np.linspace(0, 1, 5)
    lines = plotting.plot_curves(ax, x, {"huber": lambda t: t**2})
    np.testing.assert_allclose(lines["huber"].get_ydata(), x**2)
    with pytest.raises(ValueError, match=r"curves\['mse'\]: expected shape \(5,\)"):
        plotting.plot_curves(ax, x, {"mse": np.zeros(4)})
    with pytest.raises(ValueError, match="unknown colour name 'hinge'"):
        plotting.plot_curves(ax, x, {"hinge": x})
    with pytest.raises(ValueError, match="labels: names not in curves"):
        plotting.plot_curves(ax, x, {"mse": x}, labels={"l1": "L1"})
    with pytest.raises(ValueError, match="x must be a 1-D array"):
        plotting.plot_curves(ax, np.zeros((2, 2)), {"mse": x})


# ---------------------------------------------------------------------------------------------
# contours, surfaces, trajectories
# ---------------------------------------------------------------------------------------------
def test_grid_values_layout_matches_meshgrid():
    x = np.array([0.0, 1.0, 2.0])
    y = np.array([10.0, 20.0])
    z = plotting.grid_values(lambda a, b: a + b * 100, x, y)
    xx, yy = np.meshgrid(x, y)
    np.testing.assert_array_equal(z, xx + yy * 100)
    with pytest.raises(ValueError, match="NaN or inf"):
        plotting.grid_values(lambda a, b: math.inf, x, y)
    with pytest.raises(TypeError, match="f must be callable"):
        plotting.grid_values(3, x, y)


def test_plot_contours_levels_and_shape_checks():
    ax = _axes(1)
    x = np.linspace(-1, 1, 21)
    y = np.linspace(-2, 2, 31)
    z = plotting.grid_values(lambda a, b: 1 + a * a + b * b, x, y)
    cs = plotting.plot_contours(ax, x, y, z, levels=5, log=True)
    np.testing.assert_allclose(cs.levels, np.geomspace(1.0, 6.0, 5))
    assert ax.get_xlim() == (-1.0, 1.0) and ax.get_ylim() == (-2.0, 2.0)
    with pytest.raises(ValueError, match=r"z must have shape \(len\(y\), len\(x\)\) = \(31, 21\)"):
        plotting.plot_contours(ax, x, y, z.T)
    with pytest.raises(ValueError, match="log=True needs z > 0"):
        plotting.plot_contours(ax, x, y, z - 5, log=True)


def test_plot_surface_on_3d_axes():
    fig = Figure()
    ax = fig.add_subplot(projection="3d")
    x = np.linspace(0, 1, 4)
    y = np.linspace(0, 1, 3)
    surf = plotting.plot_surface(ax, x, y, np.ones((3, 4)))
    assert surf in ax.collections


def test_plot_trajectory():
    ax = _axes(1)
    path = np.array([[0.0, 0.0], [0.5, 0.2], [0.7, 0.3]])
    line = plotting.plot_trajectory(ax, path, name="mse", label="GD")
    np.testing.assert_array_equal(line.get_xydata(), path)
    assert mcolors.to_hex(line.get_color()).upper() == style.color("mse")
    assert len(ax.lines) == 3  # path, start marker, end marker
    with pytest.raises(ValueError, match=r"path must have shape \(steps, 2\)"):
        plotting.plot_trajectory(ax, np.zeros((3, 3)))
    with pytest.raises(ValueError, match="path must be finite"):
        plotting.plot_trajectory(ax, np.array([[0.0, np.nan]]))
