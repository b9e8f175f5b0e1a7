"""Tests of lossviz.figures.recipes: the curves drawn equal hand derivations, controls drive them."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

import lossviz as lv
from lossviz.figures import recipes


def _figure():
    fig = Figure(figsize=(8, 3))
    FigureCanvasAgg(fig)
    return fig


def _smooth_l1(r, beta):  # hand derivation: ½r²/β inside |r| < β, |r| - β/2 outside
    a = np.abs(r)
    return np.where(a < beta, 0.5 * r**2 / beta, a - 0.5 * beta)


def _huber(r, delta):
    a = np.abs(r)
    return np.where(a <= delta, 0.5 * r**2, delta * (a - 0.5 * delta))


def test_residual_curves_follow_their_controls_and_fixed_ones_stay():
    r = np.linspace(-4, 4, 161)
    setup = recipes.residual_loss_and_grad(
        [
            "l1",
            recipes.Curve("smooth_l1", {"beta": "beta"}, label="smooth L1 ($\\beta$)"),
            recipes.Curve("huber", {"delta": "beta"}),
        ],
        r=r,
        band="beta",
        readouts=lambda beta: {"beta": beta},
    )
    fig = _figure()
    update = setup(fig)
    ax_loss, ax_grad = fig.axes
    assert update(beta=1.5) == {"beta": 1.5}
    l1, sl1, hub = ax_loss.lines
    g_l1, g_sl1, g_hub = ax_grad.lines
    np.testing.assert_allclose(l1.get_ydata(), np.abs(r), rtol=0, atol=1e-15)
    np.testing.assert_allclose(g_l1.get_ydata(), np.sign(r), rtol=0, atol=0)
    np.testing.assert_allclose(sl1.get_ydata(), _smooth_l1(r, 1.5), rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(g_sl1.get_ydata(), np.clip(r / 1.5, -1, 1), rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(hub.get_ydata(), _huber(r, 1.5), rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(g_hub.get_ydata(), np.clip(r, -1.5, 1.5), rtol=1e-14, atol=1e-15)
    assert l1.get_linestyle() == "--" and sl1.get_linestyle() == "-"
    assert sl1.get_color() == lv.losses.get("smooth_l1").color
    assert [t.get_text() for t in ax_loss.get_legend().get_texts()][1] == "smooth L1 ($\\beta$)"
    band = ax_loss.patches[0]
    assert (band.get_x(), band.get_width()) == (-1.5, 3.0)  # |r| <= beta shaded
    update(beta=0.5)
    np.testing.assert_allclose(sl1.get_ydata(), _smooth_l1(r, 0.5), rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(l1.get_ydata(), np.abs(r), rtol=0, atol=1e-15)
    assert "$" in ax_grad.get_ylabel()  # mathtext, not raw markup


def test_residual_recipe_bad_input():
    with pytest.raises(ValueError, match="unknown parameters"):
        recipes.Curve("smooth_l1", {"delta": 1.0})
    with pytest.raises(ValueError, match="residual or margin loss"):
        recipes.Curve("bce")
    with pytest.raises(ValueError, match="view must be one of"):
        recipes.loss_and_grad(["l1"], view="logit")
    with pytest.raises(ValueError, match="zero_one"):
        recipes.loss_and_grad(["l1"], zero_one=True)  # the 0-1 loss is a margin loss
    with pytest.raises(TypeError, match="marker must be a control name"):
        recipes.loss_and_grad(["hinge"], view="margin", marker=1.5)
    with pytest.raises(ValueError, match="lw must be > 0"):
        recipes.loss_and_grad(["hinge"], view="margin", lw=0)
    with pytest.raises(ValueError, match="offset must be finite"):
        recipes.Curve("mse", offset=float("nan"))
    with pytest.raises(ValueError, match="at least one"):
        recipes.residual_loss_and_grad([])
    with pytest.raises(ValueError, match="r must be 1-D"):
        recipes.residual_loss_and_grad(["l1"], r=np.zeros((2, 2)))
    with pytest.raises(ValueError, match="loss_ylim"):
        recipes.residual_loss_and_grad(["l1"], loss_ylim=(1, 0))
    with pytest.raises(TypeError, match="readouts"):
        recipes.residual_loss_and_grad(["l1"], readouts=3)


def test_residual_recipe_in_a_static_slider_figure():
    setup = recipes.residual_loss_and_grad(
        [recipes.Curve("smooth_l1", {"beta": "beta"})], r=np.linspace(-3, 3, 61)
    )
    fig = lv.slider_figure(
        setup, lv.Param("beta", 0.5, 2.0, default=1.25, num=3), alt="x", mode="static"
    )
    assert len(fig.frames) == 3 and len(fig.narrow_frames) == 3  # two panels: a phone layout too


def test_margin_view_draws_losses_push_zero_one_and_marker():
    m = np.linspace(-2, 3, 101)
    setup = recipes.loss_and_grad(
        [
            recipes.Curve("hinge"),
            recipes.Curve("logistic"),
            recipes.Curve("mse", offset=-1.0, label="squared $(1-m)^2$", dashed=True),
        ],
        view="margin",
        x=m,
        zero_one=True,
        marker="m",
        readouts=lambda m: {"m": m},
    )
    fig = _figure()
    update = setup(fig)
    ax_loss, ax_push = fig.axes
    assert update(m=1.5) == {"m": 1.5}
    guides = 2  # m = 0 (right / wrong) and m = 1 (the hinge's kink), in both panels
    zo, hinge, logistic, squared = ax_loss.lines[guides : guides + 4]
    p_zo, p_hinge, p_logistic, p_squared = ax_push.lines[guides + 1 : guides + 5]  # + zero line
    # hand derivations: 1[m <= 0]; max(0, 1 - m) pushes with 1 below m = 1; log(1 + e^-m)
    # pushes with 1 / (1 + e^m); (1 - m)² pushes with 2 (1 - m), backwards beyond m = 1
    np.testing.assert_array_equal(zo.get_ydata(), (m <= 0).astype(float))
    np.testing.assert_array_equal(p_zo.get_ydata(), np.zeros_like(m))
    np.testing.assert_allclose(hinge.get_ydata(), np.maximum(0, 1 - m), rtol=1e-15, atol=1e-15)
    np.testing.assert_array_equal(p_hinge.get_ydata(), np.where(m < 1, 1.0, 0.0))
    np.testing.assert_allclose(logistic.get_ydata(), np.log1p(np.exp(-m)), rtol=1e-13)
    np.testing.assert_allclose(p_logistic.get_ydata(), 1 / (1 + np.exp(m)), rtol=1e-13)
    np.testing.assert_allclose(squared.get_ydata(), (1 - m) ** 2, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(p_squared.get_ydata(), 2 * (1 - m), rtol=1e-13, atol=1e-15)
    assert squared.get_linestyle() == "--" and hinge.get_linestyle() == "-"
    assert zo.get_color() == lv.style.color("accent")
    assert hinge.get_color() == lv.losses.get("hinge").color
    assert squared.get_color() == lv.losses.get("mse").color
    # the legend sits in the push panel; the axis texts are the margin view's, in mathtext
    assert ax_loss.get_legend() is None
    texts = [t.get_text() for t in ax_push.get_legend().get_texts()]
    assert texts == ["0-1", "hinge", "logistic", "squared $(1-m)^2$"]
    assert ax_loss.get_xlabel() == "margin m = y f(x)" and "$" in ax_push.get_ylabel()
    # the marker: a dot on every curve at m = 1.5 in both panels, a vertical line at m = 1.5
    dots_loss = [ln for ln in ax_loss.lines if ln.get_marker() == "o"]
    dots_push = [ln for ln in ax_push.lines if ln.get_marker() == "o"]
    expected_loss = [0.0, 0.0, math.log1p(math.exp(-1.5)), 0.25]
    expected_push = [0.0, 0.0, 1 / (1 + math.exp(1.5)), -1.0]
    for dots, expected in ((dots_loss, expected_loss), (dots_push, expected_push)):
        assert [d.get_xdata()[0] for d in dots] == [1.5] * 4
        np.testing.assert_allclose([d.get_ydata()[0] for d in dots], expected, rtol=1e-13)
    assert ax_loss.lines[-1].get_xdata()[0] == 1.5  # the marker's line
    update(m=-1.0)
    assert [d.get_ydata()[0] for d in dots_loss] == pytest.approx(
        [1.0, 2.0, math.log1p(math.e), 4.0], rel=1e-13
    )
    np.testing.assert_allclose(hinge.get_ydata(), np.maximum(0, 1 - m), rtol=1e-15, atol=1e-15)


def test_margin_view_in_a_static_slider_figure():
    setup = recipes.loss_and_grad(["hinge"], view="margin", zero_one=True, marker="m")
    fig = lv.slider_figure(setup, lv.Param("m", -2, 3, default=0.5, num=3), alt="x", mode="static")
    assert len(fig.frames) == 3 and len(set(fig.frames)) == 3  # the marker moves


def _sigmoid(z):
    return 1 / (1 + math.exp(-z))


@pytest.mark.parametrize("y", [0, 1])
def test_logit_saturation_curves_markers_and_readouts(y):
    z = np.linspace(-8, 8, 161)
    setup = recipes.logit_saturation(z=z)
    fig = _figure()
    update = setup(fig)
    z0 = -3.0 if y == 1 else 3.0
    out = update(z0=z0, y=y)
    ax_loss, ax_grad = fig.axes
    ce, _ce_dot, mse, _mse_dot = ax_loss.lines
    g_ce, g_ce_dot, g_mse, _g_mse_dot, peak = ax_grad.lines
    s = 1 / (1 + np.exp(-z))
    # cross-entropy from the logit: log(1 + e^{-z}) for y = 1, log(1 + e^{z}) for y = 0
    expected_ce = np.logaddexp(0, -z) if y == 1 else np.logaddexp(0, z)
    np.testing.assert_allclose(ce.get_ydata(), expected_ce, rtol=1e-13)
    np.testing.assert_allclose(g_ce.get_ydata(), np.abs(s - y), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(mse.get_ydata(), 0.5 * (s - y) ** 2, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(
        g_mse.get_ydata(), np.abs((s - y) * s * (1 - s)), rtol=1e-10, atol=1e-15
    )
    # the ½ squared error's gradient peaks at 4/27, at z = -ln 2 (y = 1) or ln 2 (y = 0)
    z_peak = -math.log(2) if y == 1 else math.log(2)
    assert peak.get_xdata()[0] == pytest.approx(z_peak) and peak.get_ydata()[0] == 4 / 27
    p0 = _sigmoid(z0)
    assert g_ce_dot.get_ydata()[0] == pytest.approx(abs(p0 - y), rel=1e-12)
    assert out["p = σ(z)"] == f"{p0:.3g}"
    assert out["ratio ½MSE / CE = σ'(z)"] == f"{p0 * (1 - p0):.3g}"  # |(p-y)p(1-p)| / |p-y|
    assert "$" in ax_grad.get_ylabel() and "$" in ax_grad.get_title()
    with pytest.raises(ValueError, match="must give 0 or 1"):
        update(z0=0.0, y=2)


def test_sigmoid_half_mse_peak_is_4_over_27():
    zz = np.linspace(-3, 3, 600_001)
    _value, grad = recipes.sigmoid_half_mse(zz, 1)
    k = np.argmax(np.abs(grad))
    assert abs(grad[k]) == pytest.approx(4 / 27, rel=1e-9)
    assert zz[k] == pytest.approx(-math.log(2), abs=1e-5)


@settings(max_examples=60, deadline=None)
@given(z=st.floats(-30, 30), y=st.sampled_from([0.0, 0.25, 1.0]))
def test_sigmoid_half_mse_gradient_matches_finite_differences(z, y):
    h = 1e-5
    value = lambda t: recipes.sigmoid_half_mse(np.array([t]), y)[0][0]  # noqa: E731
    fd = (value(z + h) - value(z - h)) / (2 * h)
    grad = recipes.sigmoid_half_mse(np.array([z]), y)[1][0]
    assert grad == pytest.approx(fd, rel=1e-5, abs=1e-10)


def test_contour_trajectories_paths_and_loss_gap():
    w1, w2 = np.linspace(-2, 2, 41), np.linspace(-1, 3, 41)
    W1, W2 = np.meshgrid(w1, w2)
    J = (W1 - 1) ** 2 + 4 * (W2 - 1) ** 2

    def objective(w):
        return float((w[0] - 1) ** 2 + 4 * (w[1] - 1) ** 2)

    def gd(lr):  # gradient descent from the origin, by hand
        w, out = np.zeros(2), [np.zeros(2)]
        for _ in range(10):
            w = w - lr * np.array([2 * (w[0] - 1), 8 * (w[1] - 1)])
            out.append(w)
        return np.array(out)

    fixed = np.array([[0.0, 0.0], [1.0, 1.0]])
    setup = recipes.contour_trajectories(
        w1,
        w2,
        J,
        [recipes.Path("Newton", fixed, color="accent", marker="s"), recipes.Path("GD", gd)],
        levels=[0.1, 0.5, 1.0, 2.0],
        objective=objective,
        optimum=(1.0, 1.0),
        readouts=lambda lr: {"lr": lr},
    )
    fig = _figure()
    update = setup(fig)
    ax, ax_gap = fig.axes
    assert update(lr=0.1) == {"lr": 0.1}
    newton, gd_line = ax.lines[:2]
    np.testing.assert_array_equal(newton.get_xydata(), fixed)
    np.testing.assert_allclose(gd_line.get_xydata(), gd(0.1))
    gap = ax_gap.lines[1].get_ydata()
    expected = np.maximum([objective(w) for w in gd(0.1)], 1e-17)  # f(w*) = 0
    np.testing.assert_allclose(gap, expected, rtol=1e-12)
    assert ax_gap.lines[0].get_ydata()[-1] == 1e-17  # Newton reached the optimum: floored
    update(lr=0.05)
    np.testing.assert_allclose(gd_line.get_xydata(), gd(0.05))
    needed = {"objective": objective, "optimum": (1.0, 1.0)}
    with pytest.raises(ValueError, match="J must have shape"):
        recipes.contour_trajectories(
            w1, w2, J.T[:, :40], [recipes.Path("a", fixed)], levels=[1], **needed
        )
    with pytest.raises(TypeError, match="objective must be callable"):
        recipes.contour_trajectories(
            w1, w2, J, [recipes.Path("a", fixed)], levels=[1], objective=None, optimum=(1, 1)
        )
    with pytest.raises(ValueError, match="shape \\(n, 2\\)"):
        recipes.Path("bad", np.zeros((3, 3))).at({})
