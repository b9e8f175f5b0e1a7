"""Regularised logistic regression seen from the inside: lossviz.logreg's λ path, profiles and
grids, the optimisers of lossviz.optim on logreg.objective, and the seeded data sets, checked
against scikit-learn, scipy and hand values.

scikit-learn is a test-only dependency. Its ``LogisticRegression`` minimises
``C·Σ_i loss_i + r(w)`` with an unpenalised intercept (lbfgs, saga), so the book's
``mean loss + (l2/2)||w||²`` corresponds to ``C = 1/(n·l2)`` and ``mean loss + l1·||w||₁`` to
``C = 1/(n·l1)`` with ``l1_ratio=1``. Those mappings are what the chapter states; here they are
checked live.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize, minimize_scalar
from sklearn.linear_model import LogisticRegression  # test-only dependency (requirements-test.txt)

from lossviz import datasets, logreg, optim

TOY_X = np.array([[1.0, 2.0], [3.0, -1.0], [-2.0, 0.5], [0.0, -1.0]])
TOY_Y = np.array([1.0, 1.0, 0.0, 0.0])


def _loss(w, b, X, y):
    """Independent reference: mean of -[y log p + (1-y) log(1-p)] written with log1p/exp."""
    z = X @ w + b
    return float(np.mean(np.log1p(np.exp(-np.abs(z))) + np.maximum(z, 0) - y * z))


def _sk(X, y, C, l1=False, fit_intercept=True):
    kw = dict(C=C, tol=1e-12, max_iter=100_000, fit_intercept=fit_intercept)
    if l1:
        kw.update(l1_ratio=1.0, solver="saga")
    model = LogisticRegression(**kw).fit(X, y)
    return model.coef_.ravel(), float(model.intercept_[0]) if fit_intercept else 0.0


# ----------------------------------------------------------------------------- proximal steps
def _prox_step(w, b, X, y, lr, l1=0.0, l2=0.0):
    """One ISTA step on J with the intercept free (unpenalised, last entry of theta)."""
    theta = optim.proximal_gradient(
        logreg.objective(X, y, l2=l2), logreg.l1_prox(l1), np.append(w, b), lr, 1
    )[-1]
    return theta[:-1], float(theta[-1])


def test_proximal_step_without_penalty_is_a_gradient_step_on_the_toy():
    # Brief D ch.4 claim 3: at w = (0.5, -0.25), b = 0.1 the gradient is
    # dw = (-0.35268718, -0.31718975), db = 0.05994461886500686 (computed with torch).
    w, b = _prox_step([0.5, -0.25], b=0.1, X=TOY_X, y=TOY_Y, lr=1.0)
    np.testing.assert_allclose(w, [0.5 + 0.35268718, -0.25 + 0.31718975], atol=1e-8)
    assert b == pytest.approx(0.1 - 0.05994461886500686, abs=1e-15)


def test_proximal_step_l2_is_weight_decay_and_l1_soft_thresholds():
    w0, lr, lam = np.array([0.5, -0.25]), 0.3, 0.1
    g = np.array([-0.35268718, -0.31718975])
    w, _ = _prox_step(w0, b=0.1, X=TOY_X, y=TOY_Y, lr=lr, l2=lam)
    np.testing.assert_allclose(w, (1 - lr * lam) * w0 - lr * g, atol=1e-8)
    # v = w0 - lr*g = (0.60580615, -0.15484308); threshold lr*l1 = 0.18 zeroes the second entry.
    w, _ = _prox_step(w0, b=0.1, X=TOY_X, y=TOY_Y, lr=lr, l1=0.6)
    np.testing.assert_allclose(w, [0.60580615 - 0.18, 0.0], atol=1e-8)
    assert w[1] == 0.0  # exactly zero, not just small


# ----------------------------------------------------------------------------- optimality, λ_max


def test_optimality_residual_is_small_at_sklearns_l2_optimum_and_large_elsewhere():
    X, y = datasets.correlated_gaussians()
    lam = 0.05
    w, b = _sk(X, y, C=1 / (len(y) * lam))
    assert logreg.optimality_residual(w, b, X, y, l2=lam) < 1e-8
    assert logreg.optimality_residual(w * 1.1, b, X, y, l2=lam) > 1e-3
    assert logreg.optimality_residual(w, b + 0.1, X, y, l2=lam) > 1e-3


def test_lambda_max_is_where_sklearns_l1_fit_becomes_all_zero():
    X, y, _ = datasets.sparse_logistic(n=120, d=5, seed=2)
    lmax = logreg.lambda_max(X, y)
    n = len(y)
    w_above, _ = _sk(X, y, C=1 / (n * lmax * 1.02), l1=True)
    w_below, _ = _sk(X, y, C=1 / (n * lmax * 0.9), l1=True)
    assert np.all(np.abs(w_above) < 1e-6)
    assert np.count_nonzero(np.abs(w_below) > 1e-4) >= 1


def test_lambda_max_needs_both_classes():
    with pytest.raises(ValueError, match="both classes"):
        logreg.lambda_max(TOY_X, np.ones(4))


# ----------------------------------------------------------------------------- fits vs scikit-learn


def test_toy_l2_fit_matches_the_brief_numbers_for_sklearn():
    # Brief D ch.4 claim 9 (sklearn, C = 1/(nλ) = 2.5): coef (1.27094004, 0.75105141), b -0.81955427.
    w, b = logreg.fit(TOY_X, TOY_Y, l2=0.1)
    np.testing.assert_allclose(w, [1.27094004, 0.75105141], atol=2e-7)
    assert b == pytest.approx(-0.81955427, abs=2e-7)
    w_sk, b_sk = _sk(TOY_X, TOY_Y, C=2.5)
    np.testing.assert_allclose(w, w_sk, atol=1e-7)


@pytest.mark.parametrize("penalty", ["l2", "l1"])
def test_regularization_path_matches_sklearn_with_C_equal_1_over_n_lambda(penalty):
    X, y, _ = datasets.sparse_logistic(n=150, d=5, seed=4)
    n = len(y)
    lmax = logreg.lambda_max(X, y)
    lambdas = lmax * np.array([0.02, 0.1, 0.5]) if penalty == "l1" else np.array([0.3, 0.03, 0.003])
    coefs, intercepts = logreg.regularization_path(X, y, lambdas, penalty=penalty)
    for lam, w, b in zip(lambdas, coefs, intercepts, strict=True):
        w_sk, b_sk = _sk(X, y, C=1 / (n * lam), l1=penalty == "l1")
        np.testing.assert_allclose(w, w_sk, atol=2e-6)
        assert b == pytest.approx(b_sk, abs=2e-6)
        if penalty == "l1":
            # the same coefficients are exactly zero in both
            np.testing.assert_array_equal(w == 0, np.abs(w_sk) < 1e-9)
        else:
            assert np.all(w != 0)


def test_l1_path_has_exact_zeros_and_l2_path_has_none():
    X, y, _ = datasets.sparse_logistic()
    lam = 0.05
    (w1,), _ = logreg.regularization_path(X, y, [lam], penalty="l1")
    (w2,), _ = logreg.regularization_path(X, y, [lam], penalty="l2")
    assert np.count_nonzero(w1 == 0) >= 3
    assert np.count_nonzero(w2 == 0) == 0


def test_regularization_path_rejects_bad_input():
    with pytest.raises(ValueError, match="penalty"):
        logreg.regularization_path(TOY_X, TOY_Y, [0.1], penalty="l3")
    with pytest.raises(ValueError, match="lambdas must all be > 0"):
        logreg.regularization_path(TOY_X, TOY_Y, [0.1, 0.0])


def test_correlated_blobs_suppressor_sign_flip_agrees_with_sklearn():
    X, y = datasets.correlated_gaussians()
    n = len(y)
    w_mle, _ = _sk(X, y, C=np.inf)
    w_strong, _ = _sk(X, y, C=1 / (n * 1.0))
    assert w_mle[0] > 0 and w_mle[1] < 0  # suppressor: negative although class 1 has larger x2
    assert w_strong[0] > 0 and w_strong[1] > 0
    assert X[y == 1, 1].mean() > X[y == 0, 1].mean()


def test_separable_line_weights_grow_like_sklearns():
    # Brief D ch.4 claim 12 (sklearn): w = 1.0066, 3.9453, 7.8441, 12.0219 for C = 1, 1e2, 1e4, 1e6.
    X, y = datasets.separable_line()
    ws = [logreg.fit(X, y, l2=1 / (4 * C))[0][0] for C in (1.0, 1e2, 1e4, 1e6)]
    np.testing.assert_allclose(ws, [1.0066, 3.9453, 7.8441, 12.0219], atol=1e-4)


# ----------------------------------------------------------------------------- trajectories


def test_newton_reaches_sklearns_no_intercept_optimum_quickly():
    X, y = datasets.correlated_gaussians()
    lam = 0.01
    w_sk, _ = _sk(X, y, C=1 / (len(y) * lam), fit_intercept=False)
    traj = optim.newton(logreg.objective(X, y, l2=lam, b=0.0), [0.0, 0.0], 8)
    np.testing.assert_allclose(traj[-1], w_sk, atol=1e-8)
    assert traj.shape == (9, 2)


def test_gradient_descent_first_step_and_convergence():
    X, y = datasets.correlated_gaussians()
    traj = optim.gradient_descent(logreg.objective(X, y, l2=0.01, b=0.0), [0.0, 0.0], 0.5, 3000)
    g0 = X.T @ (0.5 - y) / len(y)  # p = 1/2 at w = 0, b = 0
    np.testing.assert_allclose(traj[1], -0.5 * g0, atol=1e-15)
    ref = minimize(
        lambda w: _loss(w, 0.0, X, y) + 0.005 * w @ w,
        np.zeros(2),
        method="BFGS",
        options={"gtol": 1e-10},
    ).x
    np.testing.assert_allclose(traj[-1], ref, atol=1e-6)


def test_subgradient_descent_hovers_around_zero_instead_of_landing_on_it():
    X, y, _ = datasets.sparse_logistic(n=200, d=4, informative=(1.5,), seed=5)
    traj = optim.gradient_descent(logreg.objective(X, y, l1=0.1, b=0.0), np.zeros(4), 0.5, 400)
    tail = traj[-50:, 1:]
    assert np.all(np.abs(tail) < 0.5 * 0.1 * 2)  # small: within a couple of lr·l1
    assert np.count_nonzero(tail == 0) == 0  # but never exactly zero


def test_trajectory_inputs_are_checked():
    with pytest.raises(ValueError, match="theta must have shape"):
        optim.gradient_descent(logreg.objective(TOY_X, TOY_Y, b=0.0), [0.0], 0.1, 3)
    with pytest.raises(ValueError, match="lr must be > 0"):
        optim.gradient_descent(logreg.objective(TOY_X, TOY_Y, b=0.0), [0.0, 0.0], 0.0, 3)
    with pytest.raises(TypeError, match="steps must be an int"):
        optim.newton(logreg.objective(TOY_X, TOY_Y, b=0.0), [0.0, 0.0], 2.5)
    with pytest.raises(ValueError, match="y must contain only 0 and 1"):
        optim.newton(logreg.objective(TOY_X, [0, 1, 2, 0], b=0.0), [0.0, 0.0], 2)
    with pytest.raises(ValueError, match="y must have shape"):
        optim.newton(logreg.objective(TOY_X, [0, 1, 1], b=0.0), [0.0, 0.0], 2)
    with pytest.raises(ValueError, match="singular"):
        optim.newton(
            logreg.objective(np.column_stack([TOY_X[:, 0], TOY_X[:, 0]]), TOY_Y, b=0.0),
            [0.0, 0.0],
            2,
        )


# ----------------------------------------------------------------------------- contour grids


def test_profile_intercept_matches_scalar_minimisation():
    X, y = datasets.correlated_gaussians()
    W = np.array([[0.0, 0.0], [3.8, -2.6], [-4.0, 6.0], [20.0, -20.0]])
    b, loss = logreg.profile_intercept(W, X, y)
    for w, bi, li in zip(W, b, loss, strict=True):
        ref = minimize_scalar(
            lambda c, w=w: _loss(w, c, X, y),
            bounds=(-30, 30),
            method="bounded",
            options={"xatol": 1e-10},
        )
        assert li == pytest.approx(ref.fun, abs=1e-10)
        assert bi == pytest.approx(ref.x, abs=1e-5)
    assert loss[0] == pytest.approx(np.log(2.0))  # balanced classes, w = 0: b* = 0, loss ln 2


def test_loss_grid_layout_and_minimiser():
    X, y = datasets.correlated_gaussians()
    w1, w2 = np.linspace(2.0, 6.0, 41), np.linspace(-4.0, -1.0, 31)
    grid = logreg.loss_grid(X, y, w1, w2)
    assert grid.shape == (31, 41)
    i, j = np.unravel_index(np.argmin(grid), grid.shape)
    w_sk, _ = _sk(X, y, C=np.inf)
    assert abs(w1[j] - w_sk[0]) <= 0.1 and abs(w2[i] - w_sk[1]) <= 0.1
    fixed = logreg.loss_grid(X, y, w1, w2, intercept="fixed", b=0.0)
    assert np.all(fixed >= grid - 1e-12)  # profiling can only lower the loss
    assert fixed[3, 5] == pytest.approx(_loss(np.array([w1[5], w2[3]]), 0.0, X, y), abs=1e-14)
    with pytest.raises(ValueError, match="exactly 2 features"):
        logreg.loss_grid(np.ones((4, 3)), TOY_Y, w1, w2)
    with pytest.raises(ValueError, match="intercept must be"):
        logreg.loss_grid(X, y, w1, w2, intercept="zero")


# ----------------------------------------------------------------------------- data sets


def test_data_sets_are_seeded_and_shaped():
    X, y = datasets.correlated_gaussians()
    X2, y2 = datasets.correlated_gaussians()
    np.testing.assert_array_equal(X, X2)
    assert X.shape == (80, 2) and set(np.unique(y)) == {0.0, 1.0}
    assert abs(np.corrcoef(X[y == 0].T)[0, 1] - 0.8) < 0.15
    Xs, ys, wt = datasets.sparse_logistic()
    assert Xs.shape == (200, 8) and wt.tolist() == [1.5, -1.0, 0.75, 0, 0, 0, 0, 0]
    assert 0.3 < ys.mean() < 0.7
    with pytest.raises(ValueError, match="rho"):
        datasets.correlated_gaussians(rho=1.0)
    with pytest.raises(TypeError, match="n_per_class must be an int"):
        datasets.correlated_gaussians(n_per_class=2.5)


# ----------------------------------------------------------------------------- one weight


@pytest.mark.parametrize(("l1", "l2"), [(0.0, 0.05), (0.0, 0.5), (0.02, 0.0), (0.08, 0.0)])
def test_minimizer_1d_matches_sklearn_without_intercept(l1, l2):
    rng = np.random.default_rng(7)
    x = rng.standard_normal(60)
    y = (rng.random(60) < 1 / (1 + np.exp(-0.8 * x))).astype(float)
    lam = l1 or l2
    w_sk, _ = _sk(x[:, None], y, C=1 / (60 * lam), l1=l1 > 0, fit_intercept=False)
    assert logreg.minimizer_1d(x, y, l1=l1, l2=l2) == pytest.approx(w_sk[0], abs=2e-7)


def test_minimizer_1d_is_exactly_zero_iff_the_slope_at_zero_is_within_lambda():
    rng = np.random.default_rng(7)
    x = rng.standard_normal(60)
    y = (rng.random(60) < 1 / (1 + np.exp(-0.8 * x))).astype(float)
    slope0 = abs(np.mean((0.5 - y) * x))
    assert logreg.minimizer_1d(x, y, l1=slope0 * 1.001) == 0.0
    assert logreg.minimizer_1d(x, y, l1=slope0 * 0.999) != 0.0
    assert logreg.minimizer_1d(x, y, l2=10.0) != 0.0  # L2 never gives an exact zero here


def test_minimizer_1d_reports_separable_data():
    X, y = datasets.separable_line()
    with pytest.raises(ValueError, match="separable"):
        logreg.minimizer_1d(X[:, 0], y)
    assert logreg.minimizer_1d(X[:, 0], y, l2=1 / (4 * 1e2)) == pytest.approx(3.9453, abs=1e-4)
