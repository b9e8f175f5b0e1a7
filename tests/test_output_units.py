"""lossviz.output_units: sigmoid/softmax output losses in the logit, against finite differences,
mpmath and recorded values; the training demos against hand steps and scikit-learn."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import lossviz.functional as F
from lossviz import datasets
from lossviz import output_units as inf

finite = st.floats(-700, 700, allow_nan=False, allow_infinity=False)


def _softmax(z):
    return np.exp(F.log_softmax(z))


# ---------------------------------------- logit-space functions (lossviz.functional, as the chapters use them)
def test_log_sigmoid_and_softmax_are_stable():
    assert -F.softplus(800.0) == -800.0  # brief claim 13 (naive log(sigmoid) gives -inf)
    assert -F.softplus(-800.0) == 0.0
    s = _softmax([1000.0, 1000.0, 1000.0])
    np.testing.assert_allclose(s, [1 / 3] * 3, rtol=1e-15)
    ls = F.log_softmax([1000.0, 1000.0])
    np.testing.assert_allclose(ls, [-math.log(2)] * 2, rtol=1e-15)
    # two-class softmax = sigmoid of the logit difference (brief claim 17)
    assert _softmax([1.3, -0.4])[0] == pytest.approx(0.8455347349164652, rel=1e-14)
    assert F.sigmoid(1.7) == pytest.approx(0.8455347349164652, rel=1e-14)


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, st.integers(1, 6), elements=finite))
def test_log_softmax_matches_mpmath(z):
    got = F.log_softmax(z)
    assert np.all(np.isfinite(got))
    lse = mpmath.log(mpmath.fsum(mpmath.exp(mpmath.mpf(float(v))) for v in z))
    want = np.array([float(mpmath.mpf(float(v)) - lse) for v in z])
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


# ---------------------------------------- sigmoid-output losses
def test_brief_gradients_at_minus_10():
    z, y = np.array([-10.0]), np.array([1.0])
    ce = inf.sigmoid_loss_grad(z, y, "ce")[0]
    hm = inf.sigmoid_loss_grad(z, y, "half_mse")[0]
    m = inf.sigmoid_loss_grad(z, y, "mse")[0]
    assert ce == pytest.approx(-0.9999546021312976, rel=1e-14)
    assert hm == pytest.approx(-4.5393746863032435e-05, rel=1e-12)
    assert m == pytest.approx(-9.078749372606487e-05, rel=1e-12)  # F.mse_loss, no ½
    assert hm / ce == pytest.approx(4.5395807735951673e-05, rel=1e-12)


def test_brief_gradients_at_zero():
    g = {k: inf.sigmoid_loss_grad(np.array([0.0]), np.array([1.0]), k)[0] for k in inf.LOSSES}
    assert g == {"ce": -0.5, "half_mse": -0.125, "mse": -0.25}


def test_ce_value_matches_direct_formula_and_torch_values():
    z = np.array([-50.0, -3.0, 0.0, 3.0, 50.0])
    y = np.array([1.0, 0.0, 1.0, 1.0, 0.0])
    got = inf.sigmoid_loss(z, y, "ce")
    # hand formula max(z,0) - z y + log1p(exp(-|z|)) (brief claim 13)
    want = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
    np.testing.assert_allclose(got, want, rtol=1e-15)
    assert got[2] == pytest.approx(math.log(2), rel=1e-15)
    # z = 1000, y = 0 gives 1000.0 in torch (brief C.1)
    assert inf.sigmoid_loss(np.array([1000.0]), np.array([0.0]), "ce")[0] == 1000.0


@pytest.mark.parametrize("loss", inf.LOSSES)
def test_grad_and_curvature_match_finite_differences(loss):
    z = np.linspace(-8, 8, 41)
    for yv in (0.0, 0.3, 1.0):
        y = np.full_like(z, yv)
        h = 1e-5
        fd = (inf.sigmoid_loss(z + h, y, loss) - inf.sigmoid_loss(z - h, y, loss)) / (2 * h)
        np.testing.assert_allclose(inf.sigmoid_loss_grad(z, y, loss), fd, atol=1e-9)
        fd2 = (inf.sigmoid_loss_grad(z + h, y, loss) - inf.sigmoid_loss_grad(z - h, y, loss)) / (
            2 * h
        )
        np.testing.assert_allclose(inf.sigmoid_loss_curvature(z, y, loss), fd2, atol=1e-9)


def test_half_mse_gradient_rises_then_falls():
    z = np.linspace(-12, 12, 240001)
    g = np.abs(inf.sigmoid_loss_grad(z, np.ones_like(z), "half_mse"))
    i = int(np.argmax(g))
    assert z[i] == pytest.approx(-math.log(2), abs=1e-4)
    assert g[i] == pytest.approx(4 / 27, rel=1e-8)
    assert np.all(np.diff(g[: i + 1]) > 0) and np.all(np.diff(g[i:]) < 0)


def test_half_mse_curvature_sign():
    y1 = np.array([1.0])
    assert inf.sigmoid_loss_curvature(np.array([-3.0]), y1, "half_mse")[0] == pytest.approx(
        -0.03691132544259995, rel=1e-12
    )
    assert inf.sigmoid_loss_curvature(np.array([0.0]), y1, "half_mse")[0] == pytest.approx(0.0625)
    zs = np.linspace(-20, 20, 4001)
    c1 = inf.sigmoid_loss_curvature(zs, np.ones_like(zs), "half_mse")
    assert np.all(c1[zs < -math.log(2) - 1e-9] < 0) and np.all(c1[zs > -math.log(2) + 1e-9] > 0)
    c0 = inf.sigmoid_loss_curvature(zs, np.zeros_like(zs), "half_mse")
    assert np.all(c0[zs > math.log(2) + 1e-9] < 0) and np.all(c0[zs < math.log(2) - 1e-9] > 0)
    assert np.all(inf.sigmoid_loss_curvature(zs, np.ones_like(zs), "ce") > 0)


@settings(max_examples=100, deadline=None)
@given(st.floats(-1e4, 1e4), st.floats(0, 1))
def test_everything_finite_for_extreme_logits(z, y):
    z, y = np.array([z]), np.array([y])
    for loss in inf.LOSSES:
        for f in (inf.sigmoid_loss, inf.sigmoid_loss_grad, inf.sigmoid_loss_curvature):
            assert np.all(np.isfinite(f(z, y, loss)))


def test_softmax_gradients_match_finite_differences():
    rng = np.random.default_rng(3)
    z = rng.standard_normal((4, 5))
    idx = np.array([0, 3, 4, 1])
    onehot = np.eye(5)[idx]

    def ce(zz):
        return -np.sum(onehot * F.log_softmax(zz))

    def half_mse(zz):
        return 0.5 * np.sum((_softmax(zz) - onehot) ** 2)

    h = 1e-6
    for f, g in (
        (ce, inf.softmax_ce_grad(z, idx)),
        (half_mse, inf.softmax_half_mse_grad(z, onehot)),
    ):
        fd = np.zeros_like(z)
        for i in np.ndindex(z.shape):
            e = np.zeros_like(z)
            e[i] = h
            fd[i] = (f(z + e) - f(z - e)) / (2 * h)
        np.testing.assert_allclose(g, fd, atol=1e-8)
    # the Jacobian form (diag p - p pᵀ)(p - y), written out per row
    p = _softmax(z)
    for n in range(4):
        J = np.diag(p[n]) - np.outer(p[n], p[n])
        np.testing.assert_allclose(inf.softmax_half_mse_grad(z, onehot)[n], J @ (p[n] - onehot[n]))


# ---------------------------------------- training demos
def test_single_neuron_reproduces_brief_table():
    ce = inf.train_sigmoid_neuron(loss="ce")["output"]
    hm = inf.train_sigmoid_neuron(loss="half_mse")["output"]
    assert ce[0] == hm[0] == pytest.approx(0.9820137900379085, rel=1e-15)
    for t, want in (
        (50, 0.09850392651381705),
        (100, 0.04107222765599009),
        (300, 0.012008741510817504),
    ):
        assert ce[t] == pytest.approx(want, rel=1e-12)
    for t, want in ((50, 0.9759333969488284), (100, 0.9641308469979145), (300, 0.2028484242677765)):
        assert hm[t] == pytest.approx(want, rel=1e-12)


def test_single_neuron_first_step_by_hand():
    h = inf.train_sigmoid_neuron(loss="ce", epochs=1)
    a0 = 1 / (1 + math.exp(-4))
    assert h["w"][1] == pytest.approx(2 - 0.15 * a0, rel=1e-15)
    assert h["b"][1] == pytest.approx(2 - 0.15 * a0, rel=1e-15)
    assert h["loss"][0] == pytest.approx(-math.log(1 - a0), rel=1e-14)


def test_train_logistic_ce_reaches_the_mle():
    from sklearn.linear_model import LogisticRegression

    X, y = datasets.two_gaussians(200, seed=0)
    h = inf.train_logistic(X, y, loss="ce", lr=1.0, epochs=3000)
    ref = LogisticRegression(C=1e12, tol=1e-12, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(h["w"], ref.coef_[0], rtol=1e-5)
    assert h["b"] == pytest.approx(ref.intercept_[0], abs=1e-5)
    assert np.all(np.diff(h["loss"]) <= 1e-15)  # GD with a safe step never increases a convex loss


def test_train_logistic_gradient_is_the_mean_gradient():
    X, y = datasets.two_gaussians(20, seed=2)
    w0, b0 = np.array([0.3, -0.2]), 0.1
    for loss in inf.LOSSES:
        h = inf.train_logistic(X, y, loss=loss, lr=1e-3, epochs=1, w0=w0, b0=b0)
        eps = 1e-6

        def f(v, loss=loss):
            return inf.sigmoid_loss(X @ v[:2] + v[2], y, loss).mean()

        v = np.r_[w0, b0]
        fd = np.array([(f(v + e) - f(v - e)) / (2 * eps) for e in np.eye(3) * eps])
        step = (v - np.r_[h["w"], h["b"]]) / 1e-3
        np.testing.assert_allclose(step, fd, atol=1e-8)


def test_loss_surface_and_hessian():
    x = np.array([-2.0, -1.0, 0.5, 1.0, 2.0, 3.0])
    y = np.array([0.0, 0.0, 1.0, 0.0, 1.0, 1.0])
    W, B = np.meshgrid(np.linspace(-6, 6, 25), np.linspace(-6, 6, 25))
    ce = inf.loss_surface(W, B, x, y, "ce")
    assert ce[12, 12] == pytest.approx(math.log(2), rel=1e-14)  # w = b = 0: p = 1/2 everywhere
    assert np.all(inf.surface_hessian_min_eig(W, B, x, y, "ce") > 0)
    assert np.any(inf.surface_hessian_min_eig(W, B, x, y, "half_mse") < 0)
    # compare the analytic smallest eigenvalue with finite differences of the surface at one point
    w, b, h = -3.0, 4.0, 1e-4

    def f(a, c):
        return float(inf.loss_surface(np.array([a]), np.array([c]), x, y, "half_mse")[0])

    H = np.array(
        [
            [
                (f(w + h, b) - 2 * f(w, b) + f(w - h, b)) / h**2,
                (f(w + h, b + h) - f(w + h, b - h) - f(w - h, b + h) + f(w - h, b - h))
                / (4 * h**2),
            ],
            [0, (f(w, b + h) - 2 * f(w, b) + f(w, b - h)) / h**2],
        ]
    )
    H[1, 0] = H[0, 1]
    got = inf.surface_hessian_min_eig(np.array([w]), np.array([b]), x, y, "half_mse")[0]
    assert got == pytest.approx(np.linalg.eigvalsh(H)[0], abs=1e-6)


# ---------------------------------------- clipping pitfall
def test_clipping_zeroes_the_gradient():
    # brief claim 16
    assert inf.clipped_log_loss(1e-9)[()] == pytest.approx(16.11809565095832, rel=1e-14)
    assert inf.clipped_log_loss_grad(1e-9)[()] == 0.0
    assert inf.clipped_log_loss_grad(0.5)[()] == -2.0
    z = np.array([-30.0, -17.0, -10.0, 0.0])
    y = np.ones(4)
    g = inf.clipped_sigmoid_ce_grad(z, y)
    assert g[0] == 0.0 and g[1] == 0.0  # sigmoid(-17) = 4.1e-8 < 1e-7
    np.testing.assert_allclose(g[2:], inf.sigmoid_loss_grad(z[2:], y[2:], "ce"))


# ---------------------------------------- bad input
@pytest.mark.parametrize(
    "call, exc, word",
    [
        (lambda: inf.sigmoid_loss(np.zeros(3), np.zeros(2)), ValueError, "same shape"),
        (lambda: inf.sigmoid_loss(np.zeros(3), np.full(3, 2.0)), ValueError, "y"),
        (lambda: inf.sigmoid_loss(np.zeros(3), np.zeros(3), "hinge"), ValueError, "loss"),
        (lambda: inf.sigmoid_loss(np.array([np.inf]), np.zeros(1)), ValueError, "z"),
        (lambda: inf.softmax_ce_grad(np.zeros((2, 3)), [0, 3]), ValueError, "target"),
        (lambda: inf.softmax_ce_grad(np.zeros((2, 3)), np.zeros((3, 3))), ValueError, "target"),
        (lambda: inf.train_sigmoid_neuron(lr=0), ValueError, "lr"),
        (lambda: inf.train_sigmoid_neuron(epochs=1.5), TypeError, "epochs"),
        (lambda: inf.train_sigmoid_neuron(y=2), ValueError, "y"),
        (lambda: inf.train_sigmoid_neuron(w="a"), TypeError, "w"),
        (lambda: inf.train_logistic(np.zeros((3, 2)), np.zeros(4)), ValueError, "X"),
        (lambda: inf.train_logistic(np.zeros((3, 2)), np.zeros(3), w0=[1.0]), ValueError, "w0"),
        (lambda: inf.clipped_log_loss(0.5, eps=0.6), ValueError, "eps"),
        (lambda: inf.clipped_log_loss(0.5, eps=-1), ValueError, "eps"),
    ],
)
def test_bad_input_names_the_argument(call, exc, word):
    with pytest.raises(exc, match=word):
        call()
