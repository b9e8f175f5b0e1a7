"""Tests for lossviz.information (chapter 2 helpers).

Expected values come from independent sources: hand derivations, scipy.stats / mpmath, and the
numbers in the content brief (section D, chapter 2), which were computed with PyTorch 2.13 (float64)
and mpmath, not with this module.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.optimize import minimize_scalar

from lossviz import information as inf

finite = st.floats(-700, 700, allow_nan=False, allow_infinity=False)


# ------------------------------------------------------------------------- information measures
def test_entropy_ce_kl_brief_values():
    p, q = [0.7, 0.2, 0.1], [0.5, 0.3, 0.2]
    # brief D ch.2 claim 10
    assert inf.entropy(p) == pytest.approx(0.8018185525433372, rel=1e-14)
    assert inf.cross_entropy(p, q) == pytest.approx(0.886941378500559, rel=1e-14)
    assert inf.kl_divergence(p, q) == pytest.approx(0.0851228259572216, rel=1e-13)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 6), st.integers(0, 10_000))
def test_ce_is_entropy_plus_kl_and_matches_scipy(k, seed):
    rng = np.random.default_rng(seed)
    p, q = rng.dirichlet(np.ones(k)), rng.dirichlet(np.ones(k))
    assert inf.entropy(p) == pytest.approx(scipy.stats.entropy(p), rel=1e-12)
    assert inf.kl_divergence(p, q) == pytest.approx(scipy.stats.entropy(p, q), rel=1e-10, abs=1e-14)
    assert inf.cross_entropy(p, q) == pytest.approx(
        inf.entropy(p) + inf.kl_divergence(p, q), rel=1e-12
    )
    assert inf.kl_divergence(p, q) >= 0
    assert inf.kl_divergence(p, p) == pytest.approx(0, abs=1e-15)


def test_zero_probabilities():
    assert inf.entropy([1.0, 0.0]) == 0.0
    assert inf.entropy([0.5, 0.5]) == pytest.approx(math.log(2), rel=1e-15)
    # one-hot target: H(onehot, q) = -log q_y
    assert inf.cross_entropy([0, 1, 0], [0.2, 0.5, 0.3]) == pytest.approx(math.log(2), rel=1e-15)
    assert inf.cross_entropy([0.5, 0.5], [1.0, 0.0]) == math.inf
    assert not np.isnan(inf.kl_divergence([0.0, 1.0], [1.0, 0.0]))


def test_batched_distributions():
    p = np.array([[0.7, 0.2, 0.1], [1 / 3, 1 / 3, 1 / 3]])
    out = inf.entropy(p)
    assert out.shape == (2,)
    assert out[1] == pytest.approx(math.log(3), rel=1e-14)


def test_binary_entropy():
    assert inf.binary_entropy(0.5) == pytest.approx(math.log(2), rel=1e-15)
    assert inf.binary_entropy(0.0) == 0.0
    # brief C.1: BCE-with-logits minimum for soft target 0.3 equals 0.6108643
    assert inf.binary_entropy(0.3) == pytest.approx(0.6108643, abs=1e-7)


# ----------------------------------------------------------------------- logit-space functions
def test_log_sigmoid_and_softmax_are_stable():
    assert inf.log_sigmoid(-800.0) == -800.0  # brief claim 13 (naive log(sigmoid) gives -inf)
    assert inf.log_sigmoid(800.0) == 0.0
    s = inf.softmax([1000.0, 1000.0, 1000.0])
    np.testing.assert_allclose(s, [1 / 3] * 3, rtol=1e-15)
    ls = inf.log_softmax([1000.0, 1000.0])
    np.testing.assert_allclose(ls, [-math.log(2)] * 2, rtol=1e-15)
    # two-class softmax = sigmoid of the logit difference (brief claim 17)
    assert inf.softmax([1.3, -0.4])[0] == pytest.approx(0.8455347349164652, rel=1e-14)
    assert inf.sigmoid(1.7) == pytest.approx(0.8455347349164652, rel=1e-14)


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, st.integers(1, 6), elements=finite))
def test_log_softmax_matches_mpmath(z):
    got = inf.log_softmax(z)
    assert np.all(np.isfinite(got))
    lse = mpmath.log(mpmath.fsum(mpmath.exp(mpmath.mpf(float(v))) for v in z))
    want = np.array([float(mpmath.mpf(float(v)) - lse) for v in z])
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


# ------------------------------------------------------------------------- sigmoid-output losses
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
        return -np.sum(onehot * inf.log_softmax(zz))

    def half_mse(zz):
        return 0.5 * np.sum((inf.softmax(zz) - onehot) ** 2)

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
    p = inf.softmax(z)
    for n in range(4):
        J = np.diag(p[n]) - np.outer(p[n], p[n])
        np.testing.assert_allclose(inf.softmax_half_mse_grad(z, onehot)[n], J @ (p[n] - onehot[n]))


# ----------------------------------------------------------------------------- training demos
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


def test_epochs_until():
    assert inf.epochs_until([0.9, 0.6, 0.4, 0.2], 0.5) == 2
    assert inf.epochs_until([0.9, 0.8], 0.5) is None
    assert inf.epochs_until([0.1, 0.6], 0.5, below=False) == 1


def test_make_blobs_is_seeded_and_balanced():
    X, y = inf.make_blobs(100, seed=1)
    X2, y2 = inf.make_blobs(100, seed=1)
    np.testing.assert_array_equal(X, X2)
    assert X.shape == (100, 2) and y.sum() == 50
    # class means sit near ±separation/2 along the diagonal
    d = X[y == 1].mean(0) - X[y == 0].mean(0)
    assert np.linalg.norm(d) == pytest.approx(2.0, abs=0.5)


def test_train_logistic_ce_reaches_the_mle():
    from sklearn.linear_model import LogisticRegression

    X, y = inf.make_blobs(200, seed=0)
    h = inf.train_logistic(X, y, loss="ce", lr=1.0, epochs=3000)
    ref = LogisticRegression(C=1e12, tol=1e-12, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(h["w"], ref.coef_[0], rtol=1e-5)
    assert h["b"] == pytest.approx(ref.intercept_[0], abs=1e-5)
    assert np.all(np.diff(h["loss"]) <= 1e-15)  # GD with a safe step never increases a convex loss


def test_train_logistic_gradient_is_the_mean_gradient():
    X, y = inf.make_blobs(20, seed=2)
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


# ---------------------------------------------------------------------------- proper scoring
@pytest.mark.parametrize("q", [0.05, 0.3, 0.5, 0.9])
def test_scoring_rules_are_proper(q):
    for f in (inf.expected_log_loss, inf.expected_brier):
        res = minimize_scalar(
            lambda p, f=f: float(f(p, q)),
            bounds=(1e-9, 1 - 1e-9),
            method="bounded",
            options={"xatol": 1e-12},
        )
        assert res.x == pytest.approx(q, abs=1e-6)
    p = np.linspace(0.01, 0.99, 99)
    np.testing.assert_allclose(
        inf.expected_log_loss(p, q) - inf.binary_entropy(q),
        q * np.log(q / p) + (1 - q) * np.log((1 - q) / (1 - p)),
        rtol=1e-10,
        atol=1e-14,
    )
    np.testing.assert_allclose(inf.expected_brier(p, q), (p - q) ** 2 + q * (1 - q), rtol=1e-12)


# ------------------------------------------------------------------------- clipping pitfall
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


# -------------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "call, exc, word",
    [
        (lambda: inf.entropy([0.5, 0.6]), ValueError, "p"),
        (lambda: inf.entropy([-0.1, 1.1]), ValueError, "p"),
        (lambda: inf.entropy(0.5), ValueError, "p"),
        (lambda: inf.entropy([]), ValueError, "p"),
        (lambda: inf.entropy("ab"), TypeError, "p"),
        (lambda: inf.cross_entropy([0.5, 0.5], [1 / 3] * 3), ValueError, "same shape"),
        (lambda: inf.kl_divergence([0.5, 0.5], [np.nan, 0.5]), ValueError, "q"),
        (lambda: inf.sigmoid_loss(np.zeros(3), np.zeros(2)), ValueError, "same shape"),
        (lambda: inf.sigmoid_loss(np.zeros(3), np.full(3, 2.0)), ValueError, "y"),
        (lambda: inf.sigmoid_loss(np.zeros(3), np.zeros(3), "hinge"), ValueError, "loss"),
        (lambda: inf.sigmoid_loss(np.array([np.inf]), np.zeros(1)), ValueError, "z"),
        (lambda: inf.softmax(3.0), ValueError, "z"),
        (lambda: inf.softmax_ce_grad(np.zeros((2, 3)), [0, 3]), ValueError, "target"),
        (lambda: inf.softmax_ce_grad(np.zeros((2, 3)), np.zeros((3, 3))), ValueError, "target"),
        (lambda: inf.train_sigmoid_neuron(lr=0), ValueError, "lr"),
        (lambda: inf.train_sigmoid_neuron(epochs=1.5), TypeError, "epochs"),
        (lambda: inf.train_sigmoid_neuron(y=2), ValueError, "y"),
        (lambda: inf.train_sigmoid_neuron(w="a"), TypeError, "w"),
        (lambda: inf.make_blobs(3), ValueError, "n"),
        (lambda: inf.make_blobs(10, seed=0.5), TypeError, "seed"),
        (lambda: inf.train_logistic(np.zeros((3, 2)), np.zeros(4)), ValueError, "X"),
        (lambda: inf.train_logistic(np.zeros((3, 2)), np.zeros(3), w0=[1.0]), ValueError, "w0"),
        (lambda: inf.expected_log_loss(0.0, 0.3), ValueError, "p"),
        (lambda: inf.expected_brier(0.5, 1.5), ValueError, "q"),
        (lambda: inf.clipped_log_loss(0.5, eps=0.6), ValueError, "eps"),
        (lambda: inf.clipped_log_loss(0.5, eps=-1), ValueError, "eps"),
        (lambda: inf.epochs_until(np.zeros((2, 2)), 0.5), ValueError, "values"),
    ],
)
def test_bad_input_names_the_argument(call, exc, word):
    with pytest.raises(exc, match=word):
        call()


@pytest.mark.parametrize("loss", inf.LOSSES)
def test_scalar_gradient_kernel_matches_the_array_one(loss):
    for z in (-800.0, -37.0, -4.0, -0.3, 0.0, 0.3, 4.0, 37.0, 800.0):
        for y in (0.0, 0.4, 1.0):
            want = inf.sigmoid_loss_grad(np.array([z]), np.array([y]), loss)[0]
            assert inf._grad_scalar(z, y, loss) == pytest.approx(want, rel=1e-15, abs=1e-300)
