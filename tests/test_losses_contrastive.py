"""lossviz.losses.metric: contrastive and metric-learning losses against sympy, mpmath, loop
references written from the papers' formulas, finite differences and their defining properties."""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import lossviz as lv
from lossviz.losses import metric as M

FAST = settings(max_examples=40, deadline=None, derandomize=True)
finite = st.floats(-5, 5, allow_nan=False, allow_infinity=False)


def _mp_info_nce(row, pos, tau):
    """-log softmax(row / τ)[pos] in 50-digit arithmetic."""
    with mp.workdps(50):
        logits = [mp.mpf(float(v)) / mp.mpf(tau) for v in row]
        return float(mp.log(mp.fsum(mp.e**v for v in logits)) - logits[pos])


# ----------------------------------------------------------------------------------------------
# InfoNCE
# ----------------------------------------------------------------------------------------------
def test_info_nce_and_grad_equal_sympy():
    s = sp.symbols("s0:4", real=True)
    tau = sp.Symbol("tau", positive=True)
    loss = -sp.log(sp.exp(s[1] / tau) / sum(sp.exp(v / tau) for v in s))  # positive at index 1
    grads = [sp.diff(loss, v) for v in s]
    f = sp.lambdify((s, tau), loss, "mpmath")
    g = sp.lambdify((s, tau), grads, "mpmath")
    rng = np.random.default_rng(3)
    for _ in range(10):
        row, t = rng.uniform(-1, 1, 4), float(rng.uniform(0.05, 2))
        assert M.info_nce(row, 1, t) == pytest.approx(float(f(list(row), t)), rel=1e-12)
        np.testing.assert_allclose(
            M.info_nce_grad(row, 1, t), [float(v) for v in g(list(row), t)], rtol=1e-10, atol=1e-14
        )


@FAST
@given(row=st.lists(finite, min_size=2, max_size=8), tau=st.floats(0.01, 5), data=st.data())
def test_info_nce_matches_mpmath_and_cross_entropy(row, tau, data):
    pos = data.draw(st.integers(0, len(row) - 1))
    got = float(M.info_nce(row, pos, tau))
    assert got == pytest.approx(_mp_info_nce(row, pos, tau), rel=1e-10, abs=1e-12)
    ce = lv.functional.cross_entropy(np.array(row) / tau, pos, reduction="none")
    assert got == pytest.approx(float(ce), rel=1e-10, abs=1e-12)


@FAST
@given(row=st.lists(finite, min_size=2, max_size=6), tau=st.floats(0.05, 3))
def test_info_nce_grad_matches_central_differences(row, tau):
    x, h = np.array(row), 1e-6
    fd = [
        (M.info_nce(x + h * e, 0, tau) - M.info_nce(x - h * e, 0, tau)) / (2 * h)
        for e in np.eye(len(x))
    ]
    np.testing.assert_allclose(M.info_nce_grad(x, 0, tau), fd, rtol=1e-5, atol=1e-6)


@FAST
@given(row=st.lists(finite, min_size=3, max_size=8, unique=True), t1=st.floats(0.02, 1))
def test_negative_weights_sum_to_one_and_sharpen_as_tau_falls(row, t1):
    w1 = M.negative_weights(row, 0, t1)
    w2 = M.negative_weights(row, 0, t1 / 2)
    assert w1[0] == 0 and math.isclose(w1.sum(), 1.0, rel_tol=1e-12)
    hardest = 1 + int(np.argmax(row[1:]))
    assert w2[hardest] >= w1[hardest] - 1e-12  # halving τ never lowers the hardest one's share
    # the share of the push is the gradient on the negatives, renormalised
    g = M.info_nce_grad(row, 0, t1)[1:]
    np.testing.assert_allclose(w1[1:], g / g.sum(), rtol=1e-9, atol=1e-300)


def test_info_nce_edge_cases():
    assert M.info_nce(np.zeros(7), 3, 0.1) == pytest.approx(math.log(7), rel=1e-15)
    big = M.info_nce([1.0, -1.0, 0.9], 0, 1e-6)  # logits of size 1e6: no overflow
    assert np.isfinite(big) and big < 1e-40
    assert M.info_nce([0.0, 1.0], 0, 1e-6) == pytest.approx(1e6, rel=1e-12)
    assert M.info_nce(np.ones((3, 4)), [0, 1, 2], 1.0).shape == (3,)
    with pytest.raises(ValueError, match="tau must be > 0"):
        M.info_nce([1.0, 2.0], 0, 0.0)
    with pytest.raises(ValueError, match="positive must be in"):
        M.info_nce([1.0, 2.0], 2, 1.0)
    with pytest.raises(TypeError, match="positive must be an integer"):
        M.info_nce([1.0, 2.0], 0.5, 1.0)
    assert M.info_nce([3.0], 0, 1.0) == 0.0  # one candidate: nothing to contrast with
    with pytest.raises(ValueError, match="scores must have shape"):
        M.negative_weights([1.0], 0, 1.0)
    with pytest.raises(ValueError, match="scores must contain only finite"):
        M.info_nce([1.0, np.nan], 0, 1.0)


# ----------------------------------------------------------------------------------------------
# NT-Xent and CLIP against loops written from the papers' formulas
# ----------------------------------------------------------------------------------------------
def _cos(a, b):
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


def _nt_xent_loop(z1, z2, tau):
    """SimCLR eq. (1): ℓ(i, j) = -log e^{s_ij/τ} / Σ_{k≠i} e^{s_ik/τ}, averaged over all 2N."""
    u = list(z1) + list(z2)
    n = len(z1)
    total = 0.0
    for i in range(2 * n):
        j = (i + n) % (2 * n)
        denom = sum(math.exp(_cos(u[i], u[k]) / tau) for k in range(2 * n) if k != i)
        total += -math.log(math.exp(_cos(u[i], u[j]) / tau) / denom)
    return total / (2 * n)


def _clip_loop(img, txt, scale):
    n = len(img)
    s = [[scale * _cos(img[i], txt[j]) for j in range(n)] for i in range(n)]
    rows = sum(-s[i][i] + math.log(sum(math.exp(v) for v in s[i])) for i in range(n)) / n
    cols = sum(-s[j][j] + math.log(sum(math.exp(s[i][j]) for i in range(n))) for j in range(n)) / n
    return (rows + cols) / 2


@FAST
@given(seed=st.integers(0, 10_000), n=st.integers(1, 5), tau=st.floats(0.1, 2))
def test_nt_xent_and_clip_match_loops(seed, n, tau):
    rng = np.random.default_rng(seed)
    z1 = rng.standard_normal((n, 3)) + 0.1
    z2 = z1 + 0.5 * rng.standard_normal((n, 3))
    assert M.nt_xent(z1, z2, tau) == pytest.approx(_nt_xent_loop(z1, z2, tau), rel=1e-10)
    assert M.clip_loss(z1, z2, 1 / tau) == pytest.approx(_clip_loop(z1, z2, 1 / tau), rel=1e-10)


def test_nt_xent_of_identical_embeddings_is_log_of_candidates():
    z = np.ones((4, 2))  # every similarity equal: chance level over 2N - 1 = 7 candidates
    assert M.nt_xent(z, z, 0.1) == pytest.approx(math.log(7), rel=1e-14)
    with pytest.raises(ValueError, match="z1 and z2 must have the same shape"):
        M.nt_xent(np.ones((2, 2)), np.ones((3, 2)))
    with pytest.raises(ValueError, match="a must not contain a zero vector"):
        M.cosine_similarity(np.zeros((1, 2)), np.ones((1, 2)))


# ----------------------------------------------------------------------------------------------
# pair and triplet losses
# ----------------------------------------------------------------------------------------------
def test_contrastive_pair_equals_sympy_and_finite_differences():
    d, m = sp.Symbol("d", nonnegative=True), sp.Symbol("m", positive=True)
    expr = {1: d**2 / 2, 0: sp.Max(0, m - d) ** 2 / 2}
    grid = np.linspace(0.003, 3.01, 157)
    for y, e in expr.items():
        f = sp.lambdify((d, m), e, "numpy")
        g = sp.lambdify((d, m), sp.diff(e, d), "numpy")
        yy = np.full_like(grid, y)
        np.testing.assert_allclose(M.contrastive_pair(grid, yy, 1.3), f(grid, 1.3), rtol=1e-14)
        np.testing.assert_allclose(M.contrastive_pair_grad(grid, yy, 1.3), g(grid, 1.3), atol=1e-14)
        h = 1e-6
        fd = (M.contrastive_pair(grid + h, yy, 1.3) - M.contrastive_pair(grid - h, yy, 1.3)) / (
            2 * h
        )
        np.testing.assert_allclose(M.contrastive_pair_grad(grid, yy, 1.3), fd, atol=1e-7)
    with pytest.raises(ValueError, match="similar must contain only 0 and 1"):
        M.contrastive_pair([1.0], [0.5])
    with pytest.raises(ValueError, match="similar must broadcast against d"):
        M.contrastive_pair([1.0, 2.0], [1.0, 0.0, 1.0])
    with pytest.raises(ValueError, match="d must contain distances >= 0"):
        M.contrastive_pair([-1.0], [1.0])


@FAST
@given(
    d_ap=st.floats(0, 5),
    d_an=st.floats(0, 5),
    margin=st.floats(0, 2),
)
def test_triplet_kind_says_exactly_where_the_loss_is_positive(d_ap, d_an, margin):
    loss = float(M.triplet(d_ap, d_an, margin))
    kind = str(M.triplet_kind(d_ap, d_an, margin))
    assert loss == max(d_ap - d_an + margin, 0.0)
    assert (kind == "easy") == (d_an >= d_ap + margin)
    if kind == "hard":
        assert loss >= margin and d_an < d_ap
    if kind == "semi-hard":
        assert 0 < loss <= margin or (margin == 0)


def test_triplet_matches_torch_convention_by_hand():
    # PyTorch TripletMarginLoss(margin=1.0): max(d(a, p) - d(a, n) + 1, 0) on Euclidean distances
    a, p, n = np.array([0.0, 0.0]), np.array([3.0, 4.0]), np.array([6.0, 8.0])
    d_ap, d_an = np.linalg.norm(a - p), np.linalg.norm(a - n)  # 5 and 10
    assert M.triplet(d_ap, d_an) == 0.0 and M.triplet(d_an, d_ap) == 6.0
    with pytest.raises(ValueError, match="margin must be >= 0"):
        M.triplet(1.0, 1.0, -0.1)


@FAST
@given(
    d=st.lists(st.floats(0, 5), min_size=1, max_size=8),
    y=st.sampled_from([0.0, 1.0]),
    margin=st.floats(0.05, 2),
)
def test_pair_and_triplet_are_rescaled_registry_losses(d, y, margin):
    """The pair loss is ½ mse(d) (similar) and ½ α² squared_hinge(d/α) (dissimilar); the triplet
    loss of x = d_an - d_ap is α hinge(x/α): the registry's declarations, whose sympy forms and
    derivatives its own tests check, rescaled (why they are not declared: metric's docstring)."""
    d = np.array(d)
    reg = lv.losses.get
    if y == 1.0:
        value, grad = 0.5 * reg("mse").value(d), 0.5 * reg("mse").grad(d)
    else:
        value = 0.5 * margin**2 * reg("squared_hinge").value(d / margin)
        grad = 0.5 * margin * reg("squared_hinge").grad(d / margin)
    np.testing.assert_allclose(M.contrastive_pair(d, y, margin), value, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(M.contrastive_pair_grad(d, y, margin), grad, rtol=1e-12, atol=1e-15)
    d_an = d[::-1]
    np.testing.assert_allclose(
        M.triplet(d, d_an, margin),
        margin * reg("hinge").value((d_an - d) / margin),
        rtol=1e-12,
        atol=1e-12,
    )


# ----------------------------------------------------------------------------------------------
# alignment and uniformity
# ----------------------------------------------------------------------------------------------
@FAST
@given(seed=st.integers(0, 10_000), n=st.integers(2, 7), t=st.floats(0.5, 4))
def test_uniformity_matches_double_loop(seed, n, t):
    x = np.random.default_rng(seed).standard_normal((n, 3))
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    ref = math.log(
        sum(math.exp(-t * float(np.sum((x[i] - x[j]) ** 2))) for i, j in pairs) / len(pairs)
    )
    assert M.uniformity(x, t) == pytest.approx(ref, rel=1e-12, abs=1e-12)
    assert M.alignment(x, x) == 0.0


def test_uniformity_extremes():
    assert M.uniformity(np.ones((5, 2))) == 0.0  # collapse: every pair at distance 0
    far = M.uniformity(np.array([[0.0, 0.0], [100.0, 0.0]]))  # e^{-20000}: needs log space
    assert far == pytest.approx(-2 * 100.0**2, rel=1e-14)
    with pytest.raises(ValueError, match="x must have at least 2 rows"):
        M.uniformity(np.ones((1, 2)))


def test_info_nce_keeps_relative_accuracy_for_tiny_losses():
    # positive at 1, 255 negatives at -1, τ = 0.07: the loss is log1p(255 e^{-2/0.07}) ≈ 1e-10
    row = np.r_[1.0, -np.ones(255)]
    assert M.info_nce(row, 0, 0.07) == pytest.approx(_mp_info_nce(row, 0, 0.07), rel=1e-13)
