"""lossviz.logreg: values by hand, gradients and Hessian by finite differences, exact fits, and
agreement with scikit-learn (a test-only dependency)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import datasets as sklearn_datasets
from sklearn import linear_model

import lossviz as lv
from lossviz import logreg as L

XT = np.array([[1.0, 2.0], [3.0, -1.0], [-2.0, 0.5], [0.0, -1.0]])
YT = np.array([1, 1, 0, 0])
WT, BT = np.array([0.5, -0.25]), 0.1


@pytest.fixture(scope="module")
def data():
    return sklearn_datasets.make_classification(200, 5, random_state=0)


def test_toy_values_by_hand():
    # brief section D, chapter 4, item 3 (z = [0.1, 1.85, -1.025, 0.35])
    np.testing.assert_allclose(
        L.decision_function(WT, BT, XT), [0.1, 1.85, -1.025, 0.35], rtol=1e-15
    )
    assert L.loss(WT, BT, XT, YT) == pytest.approx(0.4951033956465809, rel=1e-14)
    assert L.loss(WT, BT, XT, YT, l2=0.1) == pytest.approx(0.5107283956465809, rel=1e-14)
    dw, db = L.grad(WT, BT, XT, YT)
    np.testing.assert_allclose(dw, [-0.35268718, -0.31718975], atol=5e-9)
    assert db == pytest.approx(0.05994461886500686, rel=1e-13)
    np.testing.assert_allclose(
        L.grad(WT, BT, XT, YT, l2=0.1)[0], [-0.30268718, -0.34218975], atol=5e-9
    )
    np.testing.assert_allclose(
        L.grad(WT, BT, XT, YT, l1=0.1)[0], [-0.25268718, -0.41718975], atol=5e-9
    )
    # at w = 0, b = 0: J = ln 2, grad_w = X^T(1/2 - y)/n
    assert L.loss([0.0, 0.0], 0.0, XT, YT) == pytest.approx(np.log(2), rel=1e-15)
    np.testing.assert_allclose(L.grad([0.0, 0.0], 0.0, XT, YT)[0], [-0.75, -0.1875], rtol=1e-15)
    # the subgradient at w_j = 0 is 0 for L1
    assert L.grad([0.0, 0.0], 0.0, XT, YT, l1=5.0)[0].tolist() == [-0.75, -0.1875]
    # Hessian eigenvalues of the data term w.r.t. w (brief: [0.35065936, 0.52168905])
    H = L.hessian(WT, BT, XT, YT)
    np.testing.assert_allclose(np.linalg.eigvalsh(H[:2, :2]), [0.35065936, 0.52168905], atol=5e-9)
    # labels in {-1, +1}: mean log(1 + e^{-y~ z}) is the same loss
    ypm = 2 * YT - 1
    z = L.decision_function(WT, BT, XT)
    assert L.loss(WT, BT, XT, YT) == pytest.approx(np.mean(np.log1p(np.exp(-ypm * z))), rel=1e-14)
    assert L.predict(WT, BT, XT).tolist() == [1, 1, 0, 1]
    np.testing.assert_allclose(L.predict_proba(WT, BT, XT), 1 / (1 + np.exp(-z)), rtol=1e-15)


def _fd(f, v, h=1e-6):
    """Central differences of f (scalar or vector valued); column i is the i-th partial."""
    cols = []
    for i in range(v.size):
        e = np.zeros_like(v)
        e[i] = h
        cols.append((np.asarray(f(v + e)) - np.asarray(f(v - e))) / (2 * h))
    return np.array(cols).T


@pytest.mark.parametrize("l2,l1", [(0.0, 0.0), (0.1, 0.0), (0.0, 0.05), (0.3, 0.2)])
def test_grad_and_hessian_match_finite_differences(data, l2, l1):
    X, y = data
    rng = np.random.default_rng(0)
    theta = rng.normal(0, 0.5, 6)  # no w_j near 0: L1 is differentiable there

    def J(t):
        return L.loss(t[:5], t[5], X, y, l2=l2, l1=l1)

    def G(t):
        dw, db = L.grad(t[:5], t[5], X, y, l2=l2, l1=l1)
        return np.append(dw, db)

    np.testing.assert_allclose(G(theta), _fd(J, theta), atol=2e-9)
    H = L.hessian(theta[:5], theta[5], X, y, l2=l2)
    # the L1 term's gradient l1·sign(w) is locally constant, so the Hessian is the smooth part's
    np.testing.assert_allclose(H, _fd(G, theta), atol=2e-8)
    assert np.allclose(H, H.T) and np.linalg.eigvalsh(H).min() > -1e-12


def test_hessian_psd_but_singular_with_redundant_features(data):
    X, y = data  # make_classification's default has 2 redundant features
    H = L.hessian(np.zeros(5), 0.0, X, y)
    ev = np.linalg.eigvalsh(H)
    assert ev.min() > -1e-12 and ev.min() < 1e-12 * ev.max()
    assert np.linalg.eigvalsh(L.hessian(np.zeros(5), 0.0, X, y, l2=0.1))[0] > 0


@pytest.mark.parametrize(
    "l2,l1",
    [(0.0, 0.0), (0.01, 0.0), (0.1, 0.0), (1.0, 0.0), (0.0, 0.05), (0.0, 0.001), (0.1, 0.05)],
)
def test_fit_reaches_the_optimum(data, l2, l1):
    X, y = data
    w, b = L.fit(X, y, l2=l2, l1=l1)
    res = L.optimality_residual(w, b, X, y, l2=l2, l1=l1)
    assert res <= 1e-8
    # a minimiser: no coordinate perturbation lowers J
    J0 = L.loss(w, b, X, y, l2=l2, l1=l1)
    for j in range(6):
        for s in (-1e-4, 1e-4):
            t = np.append(w, b)
            t[j] += s
            assert L.loss(t[:5], t[5], X, y, l2=l2, l1=l1) >= J0 - 1e-15
    if l1 > 0:  # KKT: w_j = 0 exactly iff |dJ_smooth/dw_j| <= l1
        gw = L.grad(w, b, X, y, l2=l2)[0]
        zero = w == 0
        assert np.all(np.abs(gw[zero]) <= l1 + 1e-8)
        np.testing.assert_allclose(gw[~zero] + l1 * np.sign(w[~zero]), 0, atol=1e-8)


def test_l1_gives_exact_zeros(data):
    X, y = data
    w, _ = L.fit(X, y, l1=0.05)
    assert np.sum(w == 0) >= 2
    w_dense, _ = L.fit(X, y, l2=0.05)
    assert np.all(w_dense != 0)


def test_fit_matches_sklearn_l2(data):
    X, y = data
    n = len(y)
    for lam in (1.0, 0.1, 0.01):
        w, b = L.fit(X, y, l2=lam)
        m = linear_model.LogisticRegression(
            C=1 / (n * lam), solver="newton-cholesky", tol=1e-12, max_iter=1000
        )
        m.fit(X, y)
        np.testing.assert_allclose(w, m.coef_[0], atol=1e-8)
        assert b == pytest.approx(m.intercept_[0], abs=1e-8)
    # the toy example: C = 1/(n λ) = 2.5 (brief: coef [1.27094004, 0.75105141], b = -0.81955427)
    w, b = L.fit(XT, YT, l2=0.1)
    np.testing.assert_allclose(w, [1.27094004, 0.75105141], atol=5e-9)
    assert b == pytest.approx(-0.81955427, abs=5e-9)


def test_fit_matches_sklearn_l1_and_none(data):
    X, y = data
    n = len(y)
    lam = 0.05
    w, b = L.fit(X, y, l1=lam)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # saga's ConvergenceWarning at this strict tol
        m = linear_model.LogisticRegression(
            C=1 / (n * lam), l1_ratio=1.0, solver="saga", tol=1e-10, max_iter=20000
        )
        m.fit(X, y)
    np.testing.assert_allclose(w, m.coef_[0], atol=1e-6)
    assert np.array_equal(w == 0, m.coef_[0] == 0)
    # no penalty (C = inf): the objective value agrees (the minimiser is not unique here)
    w0, b0 = L.fit(X, y)
    m0 = linear_model.LogisticRegression(C=np.inf, tol=1e-12, max_iter=10000).fit(X, y)
    assert L.loss(w0, b0, X, y) <= L.loss(m0.coef_[0], m0.intercept_[0], X, y) + 1e-12
    np.testing.assert_allclose(L.predict_proba(w0, b0, X), m0.predict_proba(X)[:, 1], atol=1e-6)


def test_no_finite_optimum_is_an_error():
    Xs, ys = np.array([[-2.0], [-1.0], [1.0], [2.0]]), np.array([0, 0, 1, 1])
    with pytest.raises(L.NoFiniteOptimumError, match="separable"):
        L.fit(Xs, ys)
    assert issubclass(L.NoFiniteOptimumError, ValueError)
    # a penalty makes the optimum finite; it grows as the penalty shrinks
    norms = [abs(L.fit(Xs, ys, l2=lam)[0][0]) for lam in (1.0, 0.1, 0.01, 0.001)]
    assert all(a < b for a, b in zip(norms, norms[1:], strict=False))
    w, b = L.fit(Xs, ys, l1=0.01)
    assert L.optimality_residual(w, b, Xs, ys, l1=0.01) <= 1e-8
    # quasi-separable (ties on the boundary): no strict separation, no finite optimum either
    Xq, yq = np.array([[-1.0], [0.0], [0.0], [1.0]]), np.array([0, 0, 1, 1])
    with pytest.raises(L.NoFiniteOptimumError, match="quasi-separable"):
        L.fit(Xq, yq)
    # overlapping classes: a finite optimum exists and is found (no false alarm)
    Xo, yo = np.array([[-2.0], [-1.0], [0.5], [1.0], [2.0], [-0.5]]), np.array([0, 0, 0, 1, 1, 1])
    w, b = L.fit(Xo, yo)
    assert L.optimality_residual(w, b, Xo, yo) <= 1e-8 and abs(w[0]) < 10


def test_warm_start_and_idempotence(data):
    X, y = data
    w, b = L.fit(X, y, l2=0.1)
    w2, b2 = L.fit(X, y, l2=0.1, w0=w, b0=b)
    np.testing.assert_allclose(w2, w, atol=1e-12)
    assert L.optimality_residual(w2, b2, X, y, l2=0.1) <= 1e-10


def test_soft_threshold():
    np.testing.assert_allclose(
        L.soft_threshold([3.0, -0.5, 1.2], 1.0), [2.0, 0.0, 0.2], rtol=1e-15, atol=1e-15
    )
    assert L.soft_threshold([-0.5], 1.0)[0] == 0.0


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.floats(1e-3, 1.0), st.floats(0.0, 0.2))
def test_fit_property_random_problems(seed, l2, l1):
    rng = np.random.default_rng(seed)
    n, d = 40, 3
    X = rng.normal(size=(n, d))
    y = (rng.random(n) < 1 / (1 + np.exp(-X @ rng.normal(size=d)))).astype(float)
    y[:2] = [0, 1]
    w, b = L.fit(X, y, l2=l2, l1=l1)
    assert L.optimality_residual(w, b, X, y, l2=l2, l1=l1) <= 1e-8


def test_reexported():
    assert lv.logreg is L


def test_soft_threshold_zeros_are_positive_zero():
    """Exact zeros print as 0, not -0 (a reader sees this in the chapter's output)."""
    out = L.soft_threshold([3.0, -0.5, 1.2, -2.0], 1.0)
    np.testing.assert_allclose(out, [2.0, 0.0, 0.2, -1.0], rtol=1e-15, atol=1e-15)
    assert out[1] == 0.0 and not np.signbit(out[1])


# --------------------------------------------------------------------------- hard problems
def _offset_problem(n, d, offset, seed):
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n, d))
    y = (rng.random(n) < 1 / (1 + np.exp(-Z @ rng.normal(size=d)))).astype(float)
    return Z + offset, y


def test_offset_features_with_l2_reach_the_optimum():
    X, y = _offset_problem(200, 2, 1000.0, seed=0)
    w, b = L.fit(X, y, l2=1e-3)
    assert L.optimality_residual(w, b, X, y, l2=1e-3, scaled=True) <= 1e-8
    # scikit-learn (lbfgs on the same objective: C = 1/(n l2)) finds the same probabilities
    m = linear_model.LogisticRegression(C=1 / (200 * 1e-3), tol=1e-12, max_iter=100_000)
    m.fit(X - 1000.0, y)  # centred copy: the offset only moves the intercept
    np.testing.assert_allclose(w, m.coef_[0], rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(
        L.predict_proba(w, b, X), m.predict_proba(X - 1000.0)[:, 1], rtol=0, atol=1e-7
    )


def test_offset_features_with_l1_reach_the_optimum():
    X, y = _offset_problem(1000, 40, 50.0, seed=1)
    w, b = L.fit(X, y, l1=1e-3)
    assert L.optimality_residual(w, b, X, y, l1=1e-3, scaled=True) <= 1e-8
    m = linear_model.LogisticRegression(
        C=1 / (1000 * 1e-3), l1_ratio=1, solver="saga", tol=1e-10, max_iter=100_000
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m.fit(X - 50.0, y)
    # scikit-learn fitted the centred copy: map its intercept back to the offset features
    w_sk, b_sk = m.coef_[0], m.intercept_[0] - 50.0 * m.coef_[0].sum()
    assert L.loss(w, b, X, y, l1=1e-3) <= L.loss(w_sk, b_sk, X, y, l1=1e-3) + 1e-9


@pytest.mark.budget
def test_l1_fit_of_1000_by_40_takes_under_2_seconds():
    """Wall-clock budget (run with ``pytest -m budget``): best of 3."""
    import time

    X, y = _offset_problem(1000, 40, 50.0, seed=1)
    times = []
    for _ in range(3):
        start = time.perf_counter()
        L.fit(X, y, l1=1e-3)
        times.append(time.perf_counter() - start)
    print(f"logreg.fit, n = 1000, d = 40, l1 = 1e-3: best of 3 {min(times):.3f} s")
    assert min(times) < 2.0


def test_overlap_below_the_old_tolerance_is_not_called_separable():
    # x = 1 (label 1) and x = 1 + 1e-8 (label 0) overlap: not separable, optimum w ≈ 10.2
    X = np.array([[-1.0], [1.0], [1.0 + 1e-8], [3.0], [-3.0], [5.0]])
    y = np.array([0, 1, 0, 1, 0, 1])
    assert L.separating_direction(X, y) is None
    w, b = L.fit(X, y)
    assert L.optimality_residual(w, b, X, y) <= 1e-8
    assert 10.0 < w[0] < 11.0
    # scikit-learn stops earlier on this flat valley (its w differs in the 3rd digit): the
    # fit is at least as good, and its residual is 1e4 times smaller
    m = linear_model.LogisticRegression(C=np.inf, tol=1e-14, max_iter=100_000).fit(X, y)
    w_sk, b_sk = m.coef_[0], m.intercept_[0]
    assert L.loss(w, b, X, y) <= L.loss(w_sk, b_sk, X, y)
    assert L.optimality_residual(w, b, X, y) < 1e-4 * L.optimality_residual(w_sk, b_sk, X, y)


def test_separating_direction_is_a_certificate():
    X = np.array([[-2.0, 1.0], [-1.0, 0.0], [1.0, 3.0], [2.0, -1.0]])
    y = np.array([0, 0, 1, 1])
    w, b = L.separating_direction(X, y)
    margins = np.where(y == 1, 1, -1) * (X @ w + b)
    assert np.all(margins >= 0) and np.any(margins > 0)


@settings(max_examples=30, deadline=None)
@given(
    st.integers(0, 10_000),
    st.sampled_from([0.0, 3.0, 100.0]),
    st.sampled_from([1.0, 1e-3, 1e3]),
    st.sampled_from(["none", "l2", "l1"]),
)
def test_fit_decides_existence_and_converges(seed, offset, unit, penalty):
    """Random problems, some separable, with offsets and units: a returned separating direction
    is checked on the data (all margins >= 0, one > 0) and then the unpenalised fit must raise;
    otherwise the fit must reach the optimum (which would fail if the data were separable), and
    match scikit-learn's loss."""
    rng = np.random.default_rng(seed)
    n, d = int(rng.integers(4, 30)), int(rng.integers(1, 4))
    Z = rng.standard_normal((n, d))
    y = (rng.random(n) < 1 / (1 + np.exp(-3 * Z @ rng.normal(size=d)))).astype(float)
    y[:2] = [0, 1]
    X = Z * unit + offset
    kw = {"none": {}, "l2": {"l2": 1e-2}, "l1": {"l1": 1e-2}}[penalty]
    direction = L.separating_direction(X, y)
    if direction is not None:
        w, b = direction
        margins = np.where(y == 1, 1, -1) * (X @ w + b)
        assert np.all(margins >= 0) and np.any(margins > 0)
    if penalty == "none" and direction is not None:
        with pytest.raises(L.NoFiniteOptimumError):
            L.fit(X, y)
        return
    w, b = L.fit(X, y, **kw)
    assert L.optimality_residual(w, b, X, y, **kw, scaled=True) <= 1e-8
    if penalty == "none":
        # a finite optimum: scikit-learn's unpenalised fit reaches the same loss
        m = linear_model.LogisticRegression(C=np.inf, tol=1e-12, max_iter=100_000)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m.fit(Z, y)
        wz, bz = m.coef_[0] / unit, m.intercept_[0] - np.dot(m.coef_[0] / unit, offset * np.ones(d))
        assert L.loss(w, b, X, y) <= L.loss(wz, bz, X, y) + 1e-9
